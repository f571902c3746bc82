import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PlayJournal } from '../../src/agent/journal.js';
import {
  compactJournal,
  crashEnd,
  foldJournal,
  isMissed,
  openPlays,
  pendingAll,
  pendingMissed,
  pendingReports,
  type AckRecord,
  type EndRecord,
  type MissedRecord,
  type PlayRecord,
  type StartRecord,
} from '../../src/agent/journal-fold.js';

const start = (eventId: string, over: Partial<StartRecord> = {}): StartRecord => ({
  t: 'start',
  eventId,
  airingId: `air-${eventId}`,
  episodeId: 'ep-1',
  file: 'f.mp3',
  priority: 'normal',
  startedAt: '2026-12-01T00:00:00.000Z',
  plannedSec: 600,
  source: 'auto',
  ...over,
});
const end = (eventId: string, over: Partial<EndRecord> = {}): EndRecord => ({ t: 'end', eventId, endedAt: '2026-12-01T00:10:00.000Z', durationSec: 600, outcome: 'completed', ...over });
const ack = (eventId: string, status: AckRecord['status'] = 'accepted'): AckRecord => ({ eventId, status, at: '2026-12-01T01:00:00.000Z' });
const lines = (recs: readonly unknown[]) => recs.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('play journal folding', () => {
  it('a play is pending from its end until the server answers for it', () => {
    const plays: PlayRecord[] = [start('e1'), end('e1'), start('e2'), end('e2'), start('e3')];
    const s = foldJournal(lines(plays), lines([ack('e1')]));
    expect(pendingReports(s).map((p) => p.start.eventId)).toEqual(['e2']);
    expect(openPlays(s).map((p) => p.start.eventId)).toEqual(['e3']);
    expect([...s.startedAirings]).toEqual(['air-e1', 'air-e2', 'air-e3']);
  });

  it('rejected and duplicate answers settle a play as much as accepted ones', () => {
    const s = foldJournal(lines([start('a'), end('a'), start('b'), end('b'), start('c'), end('c')]), lines([ack('a', 'duplicate'), ack('b', 'rejected'), ack('c')]));
    expect(pendingReports(s)).toEqual([]);
  });

  it('a play that never got on air is not reported, but its airing still counts as started', () => {
    const s = foldJournal(lines([start('a'), end('a', { outcome: 'not_started', durationSec: 0 })]), '');
    expect(pendingReports(s)).toEqual([]);
    expect(s.startedAirings.has('air-a')).toBe(true);
  });

  it('skips a torn last line and garbage, and counts them', () => {
    const text = `${lines([start('a'), end('a')])}{"t":"start","eventId":"b","epi`;
    const s = foldJournal(text, `not json\n${lines([ack('a')])}\n\n`);
    expect(s.badLines).toBe(2);
    expect(s.plays.size).toBe(1);
    expect(pendingReports(s)).toEqual([]);
  });

  it('ignores repeated records: the first start and the first end stand', () => {
    const s = foldJournal(lines([start('a'), start('a', { startedAt: '2027-01-01T00:00:00Z' }), end('a', { durationSec: 5 }), end('a', { durationSec: 9 })]), lines([ack('a', 'accepted'), ack('a', 'rejected')]));
    const p = s.plays.get('a')!;
    expect(p.start.startedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(p.end?.durationSec).toBe(5);
    expect(s.acks.get('a')?.status).toBe('accepted');
  });

  it('a play the agent died in is closed at its last progress mark', () => {
    const s = foldJournal(lines([start('a'), { t: 'progress', eventId: 'a', playedSec: 30 }, { t: 'progress', eventId: 'a', playedSec: 60 }]), '');
    const [open] = openPlays(s);
    expect(crashEnd(open!, new Date('2026-12-01T00:05:00Z'))).toMatchObject({ t: 'end', eventId: 'a', durationSec: 60, outcome: 'crashed' });
  });

  it('an ack written before a crash survives; an answer never recorded means sending again with the same id', () => {
    // The agent sent e1 and e2, the server stored both, the agent recorded only e1's ack and died.
    const s = foldJournal(lines([start('e1'), end('e1'), start('e2'), end('e2')]), lines([ack('e1')]));
    expect(pendingReports(s).map((p) => p.start.eventId)).toEqual(['e2']);
  });
});

describe('journal compaction', () => {
  const now = Date.parse('2026-12-30T00:00:00Z');
  const keep = 14 * 86_400_000;

  it('drops old settled plays and their acks; keeps pending, open and recent ones', () => {
    const old = '2026-12-01T00:00:00.000Z';
    const recent = '2026-12-29T00:00:00.000Z';
    const s = foldJournal(
      lines([
        start('old-acked', { startedAt: old }),
        end('old-acked'),
        start('old-pending', { startedAt: old }),
        end('old-pending'),
        start('old-failed', { startedAt: old }),
        end('old-failed', { outcome: 'not_started', durationSec: 0 }),
        start('recent-acked', { startedAt: recent }),
        end('recent-acked'),
        start('open', { startedAt: old }),
        { t: 'progress', eventId: 'open', playedSec: 12 },
      ]),
      lines([ack('old-acked'), ack('recent-acked')]),
    );
    const c = compactJournal(s, now, keep);
    const again = foldJournal(lines(c.plays), lines(c.acks));
    expect([...again.plays.keys()]).toEqual(['old-pending', 'recent-acked', 'open']);
    expect(pendingReports(again).map((p) => p.start.eventId)).toEqual(['old-pending']);
    expect(again.plays.get('open')?.playedSec).toBe(12);
    expect(c.acks.map((a) => a.eventId)).toEqual(['recent-acked']);
  });
});

describe('missed airings in the journal', () => {
  const missed = (eventId: string, airingId: string, over: Partial<MissedRecord> = {}): MissedRecord => ({
    t: 'missed',
    eventId,
    airingId,
    episodeId: 'ep-1',
    startsAt: '2026-12-01T00:00:00.000Z',
    endsAt: '2026-12-01T00:00:20.000Z',
    reason: 'file_not_ready',
    at: '2026-12-01T00:00:20.001Z',
    ...over,
  });

  it('are pending until acked, alongside plays, and never counted twice for one airing', () => {
    const s = foldJournal(
      lines([start('p1'), end('p1'), missed('m1', 'air-x'), missed('m2', 'air-x', { reason: 'busy' }), missed('m3', 'air-y', { reason: 'not_running' })]),
      lines([ack('m3')]),
    );
    expect([...s.missedAirings]).toEqual(['air-x', 'air-y']);
    // The second record for air-x (two writers racing, a restart deciding again) is ignored: the first stands.
    expect(s.missed.get('m2')).toBeUndefined();
    expect(s.missed.get('m1')?.reason).toBe('file_not_ready');
    expect(pendingAll(s).map((p) => (isMissed(p) ? p.eventId : p.start.eventId))).toEqual(['p1', 'm1']);
    expect(pendingMissed(s).map((m) => m.eventId)).toEqual(['m1']);
    // A missed airing is not a started one: were it moved later, it could still play.
    expect(s.startedAirings.has('air-x')).toBe(false);
  });

  it('skips a missed line without its airing or reason', () => {
    const s = foldJournal(`${JSON.stringify({ t: 'missed', eventId: 'm1', episodeId: 'e', startsAt: 'x' })}\n`, '');
    expect(s.badLines).toBe(1);
    expect(s.missed.size).toBe(0);
  });

  it('compaction keeps pending and recent misses with their acks, and drops old settled ones', () => {
    const now = Date.parse('2026-12-30T00:00:00Z');
    const s = foldJournal(
      lines([missed('old-acked', 'a1'), missed('old-pending', 'a2'), missed('recent-acked', 'a3', { at: '2026-12-29T00:00:00.000Z' })]),
      lines([ack('old-acked'), ack('recent-acked')]),
    );
    const c = compactJournal(s, now, 14 * 86_400_000);
    const again = foldJournal(lines(c.plays), lines(c.acks));
    expect([...again.missed.keys()]).toEqual(['old-pending', 'recent-acked']);
    expect(pendingMissed(again).map((m) => m.eventId)).toEqual(['old-pending']);
    expect(again.missedAirings.has('a3')).toBe(true);
  });
});

describe('the journal on disk', () => {
  it('writes a missed airing once, fsynced, and still knows it after a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loaxa-journal-'));
    const log = pino({ level: 'silent' });
    const rec = { eventId: 'm1', airingId: 'air-1', episodeId: 'ep', startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2026-12-01T00:00:20.000Z', reason: 'busy' as const, at: '2026-12-01T00:00:21.000Z' };
    const j = await PlayJournal.open(dir, log);
    const [first, second] = await Promise.all([j.missed(rec), j.missed({ ...rec, eventId: 'm2' })]);
    expect([first, second]).toEqual([true, false]);
    await j.close();
    const j2 = await PlayJournal.open(dir, log);
    expect(await j2.missed({ ...rec, eventId: 'm3' })).toBe(false);
    expect(j2.pending().map((p) => (isMissed(p) ? p.eventId : p.start.eventId))).toEqual(['m1']);
    await j2.ack([{ eventId: 'm1', status: 'accepted', at: '2026-12-01T00:01:00Z' }]);
    await j2.close();
    const j3 = await PlayJournal.open(dir, log);
    expect(j3.pending()).toEqual([]);
    await j3.close();
    expect(fs.readFileSync(path.join(dir, 'plays.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
