import { describe, expect, it } from 'vitest';
import { deviceHealth, deviceView, type DeviceState } from '../../src/domain/devices/index.js';
import type { WireHeartbeat } from '../../src/wire/station-protocol.js';

const t = (iso: string) => new Date(iso);
const HB = 60;
const AIRING = '3f1c6a52-7d8e-4b1a-9c2d-1e2f3a4b5c6d';
const EPISODE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const heartbeat: WireHeartbeat = {
  agentVersion: '1.4.0',
  startedAt: '2026-12-01T08:00:00Z',
  uptimeSec: 7200,
  nowPlaying: { airingId: AIRING, episodeId: EPISODE, title: 'Bản tin', startedAt: '2026-12-01T09:59:00Z' },
  nextAiring: { airingId: AIRING, title: 'Bản tin', startsAt: '2026-12-01T11:00:00+07:00', fileReady: false },
  upcoming: [],
  cacheBytes: 1234,
  freeDiskBytes: 5_000_000_000,
  pendingReports: 2,
  lastPlayer: null,
  lastError: null,
  clockOffsetMs: -40,
  channel: 'open',
};

const device = (over: Partial<DeviceState> = {}): DeviceState => ({
  id: 'd1',
  name: 'Cụm loa 1',
  isPrimary: true,
  revokedAt: null,
  createdAt: t('2026-11-01T00:00:00Z'),
  lastSeenAt: t('2026-12-01T10:00:00Z'),
  online: true,
  onlineSince: t('2026-12-01T08:00:00Z'),
  health: heartbeat,
  ...over,
});

describe('device health', () => {
  it('shows a device seen just now as online since its presence flag flipped, with its heartbeat', () => {
    const h = deviceHealth(device(), t('2026-12-01T10:00:30Z'), HB);
    expect(h).toEqual({
      online: true,
      since: '2026-12-01T08:00:00.000Z',
      lastSeenAt: '2026-12-01T10:00:00.000Z',
      nowPlaying: heartbeat.nowPlaying,
      nextAiring: heartbeat.nextAiring,
      fileReady: false,
      pendingReports: 2,
      freeDiskBytes: 5_000_000_000,
      lastError: null,
      agentVersion: '1.4.0',
      uptimeSec: 7200,
      cacheBytes: 1234,
      clockOffsetMs: -40,
      channel: 'open',
    });
  });

  it('turns offline at read time after two intervals, before any sweep, since the last sign of life', () => {
    const h = deviceHealth(device(), t('2026-12-01T10:02:00Z'), HB);
    expect(h.online).toBe(false);
    expect(h.since).toBe('2026-12-01T10:00:00.000Z');
    // What describes the present is not claimed for a silent device.
    expect(h.nowPlaying).toBeNull();
    expect(h.channel).toBe('closed');
    // What it last said stays readable.
    expect(h.agentVersion).toBe('1.4.0');
    expect(h.fileReady).toBe(false);
  });

  it('keeps the sweep\'s instant once the flag says offline', () => {
    const h = deviceHealth(device({ online: false, onlineSince: t('2026-12-01T10:00:00Z') }), t('2026-12-01T13:00:00Z'), HB);
    expect(h).toMatchObject({ online: false, since: '2026-12-01T10:00:00.000Z' });
  });

  it('shows a device never heard from as offline since it was added, with no health', () => {
    const h = deviceHealth(device({ lastSeenAt: null, online: false, onlineSince: null, health: null }), t('2026-12-01T10:00:00Z'), HB);
    expect(h).toMatchObject({ online: false, since: '2026-11-01T00:00:00.000Z', lastSeenAt: null, agentVersion: null, fileReady: null, channel: null });
  });

  it('shows a revoked device offline since its revocation, even if it was seen a moment ago', () => {
    const h = deviceHealth(device({ revokedAt: t('2026-12-01T10:00:10Z') }), t('2026-12-01T10:00:20Z'), HB);
    expect(h).toMatchObject({ online: false, since: '2026-12-01T10:00:10.000Z' });
  });

  it('explains a failed player when the agent reported no error of its own', () => {
    const withPlayer = (lastPlayer: WireHeartbeat['lastPlayer']) =>
      deviceHealth(device({ health: { ...heartbeat, lastPlayer } }), t('2026-12-01T10:00:30Z'), HB).lastError;
    expect(withPlayer({ at: '2026-12-01T09:00:00Z', exitCode: 1, signal: null, error: null })).toBe('player exited with code 1');
    expect(withPlayer({ at: '2026-12-01T09:00:00Z', exitCode: null, signal: 'SIGKILL', error: null })).toBe('player killed by SIGKILL');
    expect(withPlayer({ at: '2026-12-01T09:00:00Z', exitCode: 0, signal: null, error: null })).toBeNull();
    expect(deviceHealth(device({ health: { ...heartbeat, lastError: 'disk full' } }), t('2026-12-01T10:00:30Z'), HB).lastError).toBe('disk full');
  });

  it('is carried by the device view with the contract fields', () => {
    const v = deviceView(device({ isPrimary: false }), t('2026-12-01T10:00:30Z'), HB);
    expect(Object.keys(v).sort()).toEqual(['createdAt', 'health', 'id', 'name', 'primary', 'revokedAt']);
    expect(v).toMatchObject({ id: 'd1', name: 'Cụm loa 1', primary: false, revokedAt: null, createdAt: '2026-11-01T00:00:00.000Z' });
  });
});
