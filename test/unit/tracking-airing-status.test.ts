import { describe, expect, it } from 'vitest';
import { airingStatus, missedAfter } from '../../src/domain/tracking/index.js';

const airing = { endsAt: new Date('2026-03-10T10:30:00Z') };
const GRACE = 3600;
const t = (iso: string): Date => new Date(iso);

describe('airingStatus', () => {
  it('stays scheduled until end + grace has passed, then is missed', () => {
    expect(airingStatus(airing, [], t('2026-03-10T10:00:00Z'), GRACE)).toBe('scheduled');
    expect(airingStatus(airing, [], t('2026-03-10T11:00:00Z'), GRACE)).toBe('scheduled');
    expect(airingStatus(airing, [], t('2026-03-10T11:30:00Z'), GRACE)).toBe('scheduled');
    expect(airingStatus(airing, [], t('2026-03-10T11:30:01Z'), GRACE)).toBe('missed');
    expect(missedAfter(airing, GRACE).toISOString()).toBe('2026-03-10T11:30:00.000Z');
  });

  it('turns a missed airing back into aired when a late report arrives', () => {
    const threeDaysLater = t('2026-03-13T08:00:00Z');
    expect(airingStatus(airing, [], threeDaysLater, GRACE)).toBe('missed');
    expect(airingStatus(airing, [{ kind: 'rebroadcast' }], threeDaysLater, GRACE)).toBe('aired');
  });

  it('is partial when only partial plays matched, and aired as soon as one full play did', () => {
    const later = t('2026-03-11T00:00:00Z');
    expect(airingStatus(airing, [{ kind: 'partial' }], later, GRACE)).toBe('partial');
    expect(airingStatus(airing, [{ kind: 'partial' }, { kind: 'rebroadcast' }], later, GRACE)).toBe('aired');
  });

  it('reports a play before the window closes straight away', () => {
    expect(airingStatus(airing, [{ kind: 'rebroadcast' }], t('2026-03-10T10:20:00Z'), GRACE)).toBe('aired');
  });
});
