import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { nameKey, nameTaken, parseHeartbeat, deviceNameSchema } from '../../src/domain/devices/index.js';

const AIRING = '3f1c6a52-7d8e-4b1a-9c2d-1e2f3a4b5c6d';
const EPISODE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const good = {
  agentVersion: '1.4.0',
  startedAt: '2026-12-01T08:00:00Z',
  uptimeSec: 7200,
  nowPlaying: null,
  nextAiring: { airingId: AIRING, title: 'Bản tin', startsAt: '2026-12-01T11:00:00+07:00', fileReady: true },
  upcoming: [{ airingId: AIRING, startsAt: '2026-12-01T11:00:00+07:00', fileReady: true }],
  cacheBytes: 0,
  freeDiskBytes: null,
  pendingReports: 0,
  lastPlayer: { at: '2026-12-01T09:00:00Z', exitCode: 0, signal: null, error: null },
  lastError: null,
  clockOffsetMs: 12,
  channel: 'open',
};

function fieldOf(body: unknown): string {
  try {
    parseHeartbeat(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ZodError);
    return (err as ZodError).issues[0]!.path.join('.');
  }
  throw new Error('accepted');
}

describe('heartbeat schema', () => {
  it('accepts a full heartbeat and drops fields it does not know', () => {
    const hb = parseHeartbeat({ ...good, batteryVolts: 12.1, nextAiring: { ...good.nextAiring, extra: 1 } });
    expect(hb).toEqual(good);
    expect('batteryVolts' in hb).toBe(false);
  });

  it('reads a left-out nullable field as null and a left-out list as empty', () => {
    const { nowPlaying, freeDiskBytes, lastPlayer, lastError, clockOffsetMs, upcoming, nextAiring, ...rest } = good;
    void [nowPlaying, freeDiskBytes, lastPlayer, lastError, clockOffsetMs, upcoming, nextAiring];
    const hb = parseHeartbeat(rest);
    expect(hb).toMatchObject({ nowPlaying: null, nextAiring: null, freeDiskBytes: null, lastPlayer: null, lastError: null, clockOffsetMs: null, upcoming: [] });
  });

  it('names the bad field', () => {
    expect(fieldOf({ ...good, uptimeSec: -1 })).toBe('uptimeSec');
    expect(fieldOf({ ...good, uptimeSec: 'long' })).toBe('uptimeSec');
    expect(fieldOf({ ...good, channel: 'half' })).toBe('channel');
    expect(fieldOf({ ...good, agentVersion: 'x'.repeat(101) })).toBe('agentVersion');
    expect(fieldOf({ ...good, lastError: 'e'.repeat(2001) })).toBe('lastError');
    expect(fieldOf({ ...good, startedAt: 'yesterday' })).toBe('startedAt');
    expect(fieldOf({ ...good, cacheBytes: 1.5 })).toBe('cacheBytes');
    expect(fieldOf({ ...good, nextAiring: { ...good.nextAiring, fileReady: 'yes' } })).toBe('nextAiring.fileReady');
    expect(fieldOf({ ...good, upcoming: [{ airingId: 'not-a-uuid', startsAt: good.startedAt, fileReady: true }] })).toBe('upcoming.0.airingId');
    expect(fieldOf({ ...good, upcoming: Array.from({ length: 101 }, () => good.upcoming[0]) })).toBe('upcoming');
    expect(fieldOf({ ...good, nowPlaying: { airingId: null, episodeId: EPISODE, title: 't'.repeat(501), startedAt: good.startedAt } })).toBe('nowPlaying.title');
    expect(fieldOf({ ...good, agentVersion: undefined })).toBe('agentVersion');
    expect(fieldOf(null)).toBe('');
  });

  it('allows null only where the wire type does', () => {
    expect(parseHeartbeat({ ...good, nowPlaying: { airingId: null, episodeId: EPISODE, title: 'Tin', startedAt: good.startedAt } }).nowPlaying?.airingId).toBeNull();
    expect(fieldOf({ ...good, cacheBytes: null })).toBe('cacheBytes');
    expect(fieldOf({ ...good, channel: null })).toBe('channel');
  });
});

describe('device names', () => {
  it('are trimmed and 1–100 characters', () => {
    expect(deviceNameSchema.parse('  Cụm loa thôn Bản Hồ ')).toBe('Cụm loa thôn Bản Hồ');
    expect(deviceNameSchema.safeParse('   ').success).toBe(false);
    expect(deviceNameSchema.safeParse('x'.repeat(101)).success).toBe(false);
    expect(deviceNameSchema.safeParse('x'.repeat(100)).success).toBe(true);
  });

  it('compare regardless of case, spacing and Unicode spelling; revoked devices give theirs back', () => {
    // "ụ" precomposed vs "u" + combining dot below.
    expect(nameKey('Cụm loa 2')).toBe(nameKey('CU\u0323M  LOA 2'));
    const others = [
      { name: 'Cụm loa 1', revokedAt: null },
      { name: 'Cụm loa 2', revokedAt: new Date() },
    ];
    expect(nameTaken('cụm loa 1', others)).toBe(true);
    expect(nameTaken('Cụm loa 2', others)).toBe(false);
    expect(nameTaken('Cụm loa 3', others)).toBe(false);
  });
});
