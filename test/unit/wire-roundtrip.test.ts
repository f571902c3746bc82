import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createChannelParser, type DecodedMessage } from '../../src/agent/channel.js';
import { buildHeartbeat } from '../../src/agent/heartbeat.js';
import { foldJournal } from '../../src/agent/journal-fold.js';
import { parseManifest } from '../../src/agent/manifest.js';
import { toReport } from '../../src/agent/report-batch.js';
import { parseHeartbeat } from '../../src/domain/devices/heartbeat-schema.js';
import { buildManifest, type ManifestDocument } from '../../src/domain/manifest/index.js';
import { classifyMissedReport, isMissedReport } from '../../src/domain/tracking/missed-report.js';
import { playEventSchema } from '../../src/domain/tracking/play-schema.js';
import { formatSseEvent, type ChannelEvent, type WireManifest, type WirePlayReport } from '../../src/wire/station-protocol.js';

/**
 * The service and the agent are deployed apart and must keep understanding each other: what the service writes
 * (manifest, channel events) the agent reads back field for field, and what the agent sends (play and missed
 * reports, heartbeats) passes the service's own parsers unchanged.
 */
const uuid = () => crypto.randomUUID();
const sha = (c: string) => c.repeat(64);

describe('wire round trip: service → agent', () => {
  it('a manifest built by the service parses in the agent with every field intact', () => {
    const station = { id: uuid(), code: '04001', name: 'Đài xã Tả Van', timezone: 'Asia/Ho_Chi_Minh' };
    const at = (iso: string) => new Date(iso);
    const inputs = [
      { id: uuid(), episodeId: uuid(), title: 'Chuyển đổi số — số 12', startsAt: at('2026-12-01T02:00:00Z'), endsAt: at('2026-12-01T02:30:00Z'), priority: 'normal' as const, media: { url: 'https://loaxa.example.vn/api/v1/station/media/s/e.mp3?exp=1&sig=abcdefghijkl', format: 'mp3', sizeBytes: 345_678, sha256: sha('a'), durationSec: 1_234.5 } },
      { id: uuid(), episodeId: uuid(), title: 'Tin khẩn: lũ quét', startsAt: at('2026-12-01T01:59:40Z'), endsAt: at('2026-12-01T02:00:00Z'), priority: 'emergency' as const, media: { url: 'https://s3.example/renditions/x.opus?X-Amz-Signature=1', format: 'opus', sizeBytes: 99, sha256: sha('b'), durationSec: 20 } },
      { id: uuid(), episodeId: uuid(), title: '', startsAt: at('2026-12-02T23:00:00Z'), endsAt: at('2026-12-02T23:05:00Z'), priority: 'priority' as const, media: { url: 'http://10.0.0.2:8080/m.mp3', format: 'mp3', sizeBytes: 0, sha256: sha('c'), durationSec: 0 } },
    ];
    const doc: ManifestDocument = buildManifest({ station, airings: inputs, generatedAt: at('2026-12-01T01:59:50Z') });
    // The service's document is the wire document (this stops the build if the two drift).
    const wire: WireManifest = doc;
    const { manifest, dropped } = parseManifest(JSON.parse(JSON.stringify(wire)));
    expect(dropped).toEqual([]);
    expect(manifest.station).toEqual(station);
    expect(manifest.version).toBe(doc.version);
    expect(manifest.generatedAt).toBe(doc.generatedAt);
    expect(manifest.airings).toHaveLength(3);
    for (const a of manifest.airings) {
      const sent = doc.airings.find((x) => x.id === a.id)!;
      const input = inputs.find((x) => x.id === a.id)!;
      expect({ id: a.id, episodeId: a.episodeId, title: a.title, priority: a.priority, media: a.media }).toEqual({ id: sent.id, episodeId: sent.episodeId, title: sent.title, priority: sent.priority, media: sent.media });
      // Instants: the station's offset on the wire, the same UTC instant in the agent.
      expect(sent.startsAt).toMatch(/\+07:00$/);
      expect(a.startsAtLocal).toBe(sent.startsAt);
      expect(a.startsAt).toBe(input.startsAt.getTime());
      expect(a.endsAt).toBe(input.endsAt.getTime());
      expect(a.file).toBe(`${input.media.sha256}.${input.media.format}`);
    }
    // Ordered by start, as the service orders them.
    expect(manifest.airings.map((a) => a.id)).toEqual(doc.airings.map((a) => a.id));
  });

  it('channel events framed by the service come out of the agent parser as they went in, whatever the chunking', () => {
    const now = new Date().toISOString();
    const sent: ChannelEvent[] = [
      { type: 'hello', data: { deviceId: uuid(), stationId: uuid(), heartbeatSec: 20, fanout: 'ok', serverTime: now } },
      { type: 'manifest', id: '1733011200000-0', data: { reason: 'plan_approved' } },
      { type: 'play-now', id: '1733011200001-0', data: { playNowId: uuid(), airingId: uuid(), episodeId: uuid(), startsAt: '2026-12-01T09:00:00+07:00', endsAt: '2026-12-01T09:00:20+07:00' } },
      { type: 'stop', id: '1733011200002-0', data: { playNowId: uuid(), airingIds: [uuid(), uuid()] } },
      { type: 'status', data: { fanout: 'degraded' } },
      { type: 'status', data: { fanout: 'ok' } },
      { type: 'revoked', data: { deviceId: uuid() } },
    ];
    // As the service writes a stream: a retry hint, events, heartbeat comments between them.
    const stream = `retry: 2000\n\n${sent.map((e) => formatSseEvent(e)).join(': hb\n\n')}`;
    for (const size of [1, 7, 64, stream.length]) {
      const got: DecodedMessage[] = [];
      const parser = createChannelParser(({ rawId: _rawId, ...m }) => got.push(m));
      for (let i = 0; i < stream.length; i += size) parser.feed(stream.slice(i, i + size));
      expect(got).toEqual(sent.map((event) => ({ kind: 'event', event })));
    }
  });
});

describe('wire round trip: agent → service', () => {
  const journalOf = (records: unknown[]) => foldJournal(records.map((r) => JSON.stringify(r)).join('\n'), '');

  it('a play report from the journal passes the service schema, field for field', () => {
    const ids = { eventId: uuid(), airingId: uuid(), episodeId: uuid() };
    const s = journalOf([
      { t: 'start', ...ids, file: 'f.mp3', priority: 'normal', startedAt: '2026-12-01T02:00:00.120Z', plannedSec: 60, source: 'auto' },
      { t: 'end', eventId: ids.eventId, endedAt: '2026-12-01T02:01:00Z', durationSec: 59.9876, outcome: 'completed' },
    ]);
    const report: WirePlayReport = toReport(s.plays.get(ids.eventId)!);
    expect(isMissedReport(report)).toBe(false);
    const parsed = playEventSchema.parse(report);
    expect(parsed).toEqual({ ...ids, startedAt: '2026-12-01T02:00:00.120Z', durationSec: 59.988, source: 'auto' });
    expect(report.outcome).toBe('played');
  });

  it('a missed report is recognised and read by the service as the airing, its scheduled start and the reason', () => {
    const ids = { eventId: uuid(), airingId: uuid(), episodeId: uuid() };
    const s = journalOf([{ t: 'missed', ...ids, startsAt: '2026-12-01T02:00:00.000Z', endsAt: '2026-12-01T02:00:20.000Z', reason: 'learned_too_late', at: '2026-12-01T02:00:21.000Z' }]);
    const report = toReport(s.missed.get(ids.eventId)!);
    expect(isMissedReport(report)).toBe(true);
    const v = classifyMissedReport(report);
    expect(v).toEqual({ ok: true, miss: { ...ids, scheduledAt: new Date('2026-12-01T02:00:00.000Z'), reason: 'learned_too_late' } });
  });

  it('a heartbeat built by the agent is read back unchanged by the service', () => {
    const a = { id: uuid(), episodeId: uuid(), title: 'Bản tin', startsAt: Date.parse('2026-12-01T09:00:00+07:00'), endsAt: Date.parse('2026-12-01T09:10:00+07:00'), startsAtLocal: '2026-12-01T09:00:00+07:00', priority: 'normal' as const, media: { url: 'http://x/m.mp3', format: 'mp3', sizeBytes: 1, sha256: sha('d'), durationSec: 600 }, file: `${sha('d')}.mp3` };
    const hb = buildHeartbeat({
      now: Date.parse('2026-12-01T08:00:00+07:00'),
      agentVersion: '0.1.0',
      agentStartedAt: new Date('2026-12-01T00:00:00Z'),
      manifest: { station: { id: uuid(), code: '04001', name: 'x', timezone: 'Asia/Ho_Chi_Minh' }, version: 'v', airings: [a] },
      started: new Set(),
      lateStartMs: 600_000,
      isReady: () => true,
      nowPlaying: { airingId: uuid(), episodeId: uuid(), title: 'Đang phát', startedAt: '2026-12-01T00:59:00.000Z' },
      cacheBytes: 10,
      freeDiskBytes: 20,
      pendingReports: 0,
      lastPlayer: { at: '2026-12-01T00:58:00.000Z', exitCode: 1, signal: null, error: 'x'.repeat(5_000) },
      problems: [{ at: 1, message: 'player: x' }],
      clockOffsetMs: 250,
      channelOpen: true,
    });
    expect(parseHeartbeat(JSON.parse(JSON.stringify(hb)))).toEqual(hb);
    expect(hb.nextAiring).toMatchObject({ airingId: a.id, fileReady: true });
  });
});
