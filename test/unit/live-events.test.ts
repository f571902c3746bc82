import { describe, expect, it } from 'vitest';
import { classifyMissedReport, isMissedReport } from '../../src/domain/tracking/missed-report.js';
import { compareEventIds, isEventId } from '../../src/realtime/event-id.js';
import { formatSseEvent } from '../../src/wire/station-protocol.js';

describe('live channel event ids (Redis stream ids)', () => {
  it('accepts only <ms>-<seq> and orders by time, then sequence — numerically, not as text', () => {
    expect(isEventId('1733051234567-0')).toBe(true);
    for (const bad of ['', '1733051234567', 'abc-1', '1-2-3', '$', '0-0 OR 1', 42, null]) expect(isEventId(bad)).toBe(false);
    expect(compareEventIds('1733051234567-2', '1733051234567-10')).toBeLessThan(0);
    expect(compareEventIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1000-3', '1000-3')).toBe(0);
    expect(compareEventIds('1001-0', '1000-99')).toBeGreaterThan(0);
  });

  it('frames an event as SSE text with its id, type and one line of JSON', () => {
    expect(formatSseEvent({ type: 'stop', id: '5-1', data: { playNowId: 'p', airingIds: ['a\nb'] } })).toBe(
      'id: 5-1\nevent: stop\ndata: {"playNowId":"p","airingIds":["a\\nb"]}\n\n',
    );
    expect(formatSseEvent({ type: 'status', data: { fanout: 'ok' } })).toBe('event: status\ndata: {"fanout":"ok"}\n\n');
  });
});

describe('missed-airing reports', () => {
  const good = {
    eventId: 'e1',
    episodeId: '8a1f0c55-0000-4000-8000-000000000001',
    airingId: '8A1F0C55-0000-4000-8000-000000000002',
    startedAt: '2026-12-01T06:00:00+07:00',
    durationSec: 0,
    outcome: 'missed',
    reason: 'file_not_ready',
  };

  it('is told apart from a play by its outcome alone', () => {
    expect(isMissedReport(good)).toBe(true);
    expect(isMissedReport({ ...good, outcome: 'played' })).toBe(false);
    expect(isMissedReport({ ...good, outcome: undefined })).toBe(false);
    expect(isMissedReport(null)).toBe(false);
  });

  it('keeps the airing, the scheduled start and the reason; ids are lower-cased', () => {
    const v = classifyMissedReport(good);
    expect(v).toEqual({
      ok: true,
      miss: { eventId: 'e1', episodeId: good.episodeId, airingId: good.airingId.toLowerCase(), scheduledAt: new Date('2026-11-30T23:00:00Z'), reason: 'file_not_ready' },
    });
  });

  it.each([
    [{ airingId: undefined }, /^airingId:/],
    [{ reason: 'power_cut' }, /^reason: must be one of file_not_ready/],
    [{ startedAt: '2026-12-01 06:00' }, /^startedAt:/],
    [{ episodeId: 'x' }, /^episodeId:/],
  ])('names the field it refuses (%o)', (patch, message) => {
    const v = classifyMissedReport({ ...good, ...patch });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.message).toMatch(message);
      expect(v.eventId).toBe('e1');
    }
  });
});

describe('"Phát ngay" status', () => {
  const now = new Date('2026-12-01T03:00:00Z');
  it('is stopped once stopped, playing until its airings end, ended after', async () => {
    const { playNowStatus } = await import('../../src/services/play-now-service.js');
    expect(playNowStatus({ stoppedAt: null, endsAt: new Date(now.getTime() + 1) }, now)).toBe('playing');
    expect(playNowStatus({ stoppedAt: null, endsAt: now }, now)).toBe('ended');
    expect(playNowStatus({ stoppedAt: null, endsAt: null }, now)).toBe('ended');
    expect(playNowStatus({ stoppedAt: new Date(now.getTime() - 5000), endsAt: new Date(now.getTime() + 60_000) }, now)).toBe('stopped');
  });
});
