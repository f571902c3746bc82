import { describe, expect, it } from 'vitest';
import { isOnline, offlineAfterMs, offlineTransitions, wentQuietAt } from '../../src/domain/devices/index.js';

const t = (iso: string) => new Date(iso);
const HB = 60;

describe('the online rule', () => {
  it('holds while the last sign of life is younger than two heartbeat intervals', () => {
    const seen = t('2026-12-01T10:00:00Z');
    expect(offlineAfterMs(HB)).toBe(120_000);
    expect(isOnline(seen, t('2026-12-01T10:00:00Z'), HB)).toBe(true);
    // One lost heartbeat over 3G does not flap the device.
    expect(isOnline(seen, t('2026-12-01T10:01:30Z'), HB)).toBe(true);
    expect(isOnline(seen, t('2026-12-01T10:01:59.999Z'), HB)).toBe(true);
    expect(isOnline(seen, t('2026-12-01T10:02:00Z'), HB)).toBe(false);
    expect(isOnline(null, t('2026-12-01T10:00:00Z'), HB)).toBe(false);
  });

  it('scales with the configured interval', () => {
    const seen = t('2026-12-01T10:00:00Z');
    expect(isOnline(seen, t('2026-12-01T10:00:19Z'), 10)).toBe(true);
    expect(isOnline(seen, t('2026-12-01T10:00:20Z'), 10)).toBe(false);
  });
});

describe('presence transitions', () => {
  it('records going quiet at the last sign of life', () => {
    expect(wentQuietAt(t('2026-12-01T10:05:00Z'), t('2026-12-01T10:00:00Z')).toISOString()).toBe('2026-12-01T10:05:00.000Z');
  });

  it('never records going quiet at the instant the device came online (a device seen once)', () => {
    const at = t('2026-12-01T10:00:00Z');
    expect(wentQuietAt(at, at).toISOString()).toBe('2026-12-01T10:00:00.001Z');
  });

  it('sweeps only devices flagged online that fell silent, each once', () => {
    const now = t('2026-12-01T10:10:00Z');
    const rows = [
      { id: 'quiet', lastSeenAt: t('2026-12-01T10:00:00Z'), onlineSince: t('2026-12-01T09:00:00Z') },
      { id: 'alive', lastSeenAt: t('2026-12-01T10:09:00Z'), onlineSince: t('2026-12-01T09:00:00Z') },
      { id: 'edge', lastSeenAt: t('2026-12-01T10:08:00Z'), onlineSince: t('2026-12-01T10:08:00Z') },
    ];
    expect(offlineTransitions(rows, now, HB)).toEqual([
      { deviceId: 'quiet', at: t('2026-12-01T10:00:00Z') },
      { deviceId: 'edge', at: t('2026-12-01T10:08:00.001Z') },
    ]);
    expect(offlineTransitions([], now, HB)).toEqual([]);
  });
});
