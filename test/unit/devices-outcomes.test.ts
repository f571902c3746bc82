import { describe, expect, it } from 'vitest';
import { deviceOutcomes, type OutcomeDevice } from '../../src/domain/devices/index.js';

const t = (iso: string) => new Date(iso);
const GRACE = 3600;
const airing = { id: 'a1', startsAt: t('2026-12-01T10:00:00Z'), endsAt: t('2026-12-01T10:30:00Z') };
const d = (id: string, over: Partial<OutcomeDevice> = {}): OutcomeDevice => ({ id, name: id, isPrimary: false, createdAt: t('2026-11-01T00:00:00Z'), revokedAt: null, ...over });
const later = t('2026-12-02T00:00:00Z');

describe('per-device outcomes of an airing', () => {
  it('is played, partial or missed with its reason per device; a full play wins over a partial one', () => {
    const out = deviceOutcomes(
      airing,
      [d('p1', { isPrimary: true }), d('d2'), d('d3'), d('d4')],
      [
        { airingId: 'a1', deviceId: 'p1', kind: 'partial', source: 'auto' },
        { airingId: 'a1', deviceId: 'p1', kind: 'rebroadcast', source: 'auto' },
        { airingId: 'a1', deviceId: 'd2', kind: 'partial', source: 'auto' },
        { airingId: 'other', deviceId: 'd4', kind: 'rebroadcast', source: 'auto' },
      ],
      [{ airingId: 'a1', deviceId: 'd3', reason: 'file_not_ready' }],
      later,
      GRACE,
    );
    expect(out).toEqual([
      { deviceId: 'p1', name: 'p1', outcome: 'played' },
      { deviceId: 'd2', name: 'd2', outcome: 'partial' },
      { deviceId: 'd3', name: 'd3', outcome: 'missed', reason: 'file_not_ready' },
      { deviceId: 'd4', name: 'd4', outcome: 'missed', reason: 'no_report' },
    ]);
  });

  it('stays scheduled until end + grace, then is missed for want of a report', () => {
    expect(deviceOutcomes(airing, [d('x')], [], [], t('2026-12-01T11:30:00Z'), GRACE)[0]!.outcome).toBe('scheduled');
    expect(deviceOutcomes(airing, [d('x')], [], [], t('2026-12-01T11:30:01Z'), GRACE)[0]).toMatchObject({ outcome: 'missed', reason: 'no_report' });
  });

  it('credits the primary device with reports from before devices existed, but not manual marks', () => {
    const devices = [d('p1', { isPrimary: true }), d('d2')];
    const legacy = deviceOutcomes(airing, devices, [{ airingId: 'a1', deviceId: null, kind: 'rebroadcast', source: 'auto' }], [], later, GRACE);
    expect(legacy.map((o) => o.outcome)).toEqual(['played', 'missed']);
    const manual = deviceOutcomes(airing, devices, [{ airingId: 'a1', deviceId: null, kind: 'rebroadcast', source: 'manual' }], [], later, GRACE);
    expect(manual.map((o) => o.outcome)).toEqual(['missed', 'missed']);
  });

  it('leaves out devices added after the airing or revoked before it, unless they reported it', () => {
    const devices = [
      d('new', { createdAt: t('2026-12-01T12:00:00Z') }),
      d('gone', { revokedAt: t('2026-12-01T09:00:00Z') }),
      d('goneAfter', { revokedAt: t('2026-12-01T10:10:00Z') }),
      d('reported', { revokedAt: t('2026-12-01T09:00:00Z') }),
    ];
    const out = deviceOutcomes(airing, devices, [{ airingId: 'a1', deviceId: 'reported', kind: 'rebroadcast', source: 'auto' }], [], later, GRACE);
    expect(out.map((o) => o.deviceId)).toEqual(['goneAfter', 'reported']);
  });
});
