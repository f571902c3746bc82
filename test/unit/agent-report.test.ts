import { describe, expect, it } from 'vitest';
import { foldJournal, pendingAll } from '../../src/agent/journal-fold.js';
import type { WirePlayReport } from '../../src/wire/station-protocol.js';
import { interpretResults, toReport, type PlayReport } from '../../src/agent/report-batch.js';

const report = (eventId: string): PlayReport => ({ eventId, episodeId: 'ep', startedAt: '2026-12-01T00:00:00Z', durationSec: 10, source: 'auto' });

describe('play reports', () => {
  it('builds the contract event from a journal play', () => {
    const s = foldJournal(
      [
        { t: 'start', eventId: 'e1', airingId: 'a1', episodeId: 'ep1', file: 'f', priority: 'normal', startedAt: '2026-12-01T00:00:00.000Z', plannedSec: 21.3, source: 'auto' },
        { t: 'end', eventId: 'e1', endedAt: '2026-12-01T00:00:21.4Z', durationSec: 21.41234, outcome: 'completed' },
        { t: 'start', eventId: 'e2', airingId: null, episodeId: 'ep1', file: 'f', priority: 'normal', startedAt: '2026-12-01T01:00:00.000Z', plannedSec: 21.3, source: 'auto' },
        { t: 'end', eventId: 'e2', endedAt: '2026-12-01T00:00:21.4Z', durationSec: 3, outcome: 'interrupted' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
      '',
    );
    expect(toReport(s.plays.get('e1')!)).toEqual({ eventId: 'e1', episodeId: 'ep1', airingId: 'a1', startedAt: '2026-12-01T00:00:00.000Z', durationSec: 21.412, source: 'auto', outcome: 'played' });
    expect(toReport(s.plays.get('e2')!)).not.toHaveProperty('airingId');
  });

  it('reports a missed airing at its scheduled start, with nothing aired and the reason', () => {
    const missed = { t: 'missed', eventId: 'm1', airingId: 'a9', episodeId: 'ep9', title: 'Tin khẩn', startsAt: '2026-12-01T01:00:00.000Z', endsAt: '2026-12-01T01:00:20.000Z', reason: 'file_not_ready', at: '2026-12-01T01:00:20.500Z' };
    const s = foldJournal(JSON.stringify(missed), '');
    const pending = pendingAll(s);
    expect(pending).toHaveLength(1);
    const r: WirePlayReport = toReport(pending[0]!);
    expect(r).toEqual({ eventId: 'm1', episodeId: 'ep9', airingId: 'a9', startedAt: '2026-12-01T01:00:00.000Z', durationSec: 0, source: 'auto', outcome: 'missed', reason: 'file_not_ready' });
    // Acked like a play: answered once, never sent again.
    expect(pendingAll(foldJournal(JSON.stringify(missed), JSON.stringify({ eventId: 'm1', status: 'accepted', at: '2026-12-01T01:01:00Z' })))).toEqual([]);
  });

  it('settles accepted, duplicate and rejected events, in the order sent', () => {
    const sent = [report('a'), report('b'), report('c')];
    const r = interpretResults(sent, {
      results: [
        { eventId: 'a', status: 'accepted' },
        { eventId: 'b', status: 'duplicate' },
        { eventId: 'c', status: 'rejected', reason: 'future_start', message: 'check the clock' },
      ],
    });
    expect(r.verdicts).toEqual([
      { eventId: 'a', status: 'accepted' },
      { eventId: 'b', status: 'duplicate' },
      { eventId: 'c', status: 'rejected', reason: 'future_start', message: 'check the clock' },
    ]);
    expect(r.unanswered).toEqual([]);
    expect(r.problem).toBeUndefined();
  });

  it('matches by eventId when given, by position when the id is missing', () => {
    const sent = [report('a'), report('b')];
    const r = interpretResults(sent, { results: [{ eventId: 'b', status: 'accepted' }, { eventId: null, status: 'rejected', reason: 'malformed' }] });
    expect(r.verdicts.map((v) => [v.eventId, v.status])).toEqual([['b', 'accepted']]);
    // Position 1 is 'b', already settled: the unnamed verdict is not applied to anything else.
    expect(r.unanswered).toEqual(['a']);
    const byPos = interpretResults(sent, { results: [{ status: 'accepted' }, { eventId: null, status: 'rejected', reason: 'malformed' }] });
    expect(byPos.verdicts.map((v) => [v.eventId, v.status])).toEqual([
      ['a', 'accepted'],
      ['b', 'rejected'],
    ]);
  });

  it('leaves events pending when the answer is short, odd, or not the promised shape', () => {
    const sent = [report('a'), report('b')];
    const short = interpretResults(sent, { results: [{ eventId: 'a', status: 'accepted' }] });
    expect(short.unanswered).toEqual(['b']);
    expect(short.problem).toMatch(/1 results for 2/);
    expect(interpretResults(sent, { results: [{ eventId: 'a', status: 'maybe' }, { eventId: 'zzz', status: 'accepted' }] }).unanswered).toEqual(['a', 'b']);
    expect(interpretResults(sent, { ok: true })).toMatchObject({ verdicts: [], unanswered: ['a', 'b'] });
    expect(interpretResults(sent, undefined).unanswered).toEqual(['a', 'b']);
  });
});
