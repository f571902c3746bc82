import { describe, expect, it } from 'vitest';
import {
  annotatePlay,
  candidateAiringRange,
  matchPlay,
  playKind,
  type AiringWindow,
} from '../../src/domain/tracking/index.js';

const EP = 'ep-column';
const OTHER_EP = 'ep-other';
const TOL = 900; // 15 min

function airing(id: string, start: string, end: string, episodeId = EP): AiringWindow {
  return { id, episodeId, startsAt: new Date(start), endsAt: new Date(end) };
}

// 06:00–06:30 and 17:00–17:30 local (UTC+7) on 10 March 2026.
const morning = airing('morning', '2026-03-09T23:00:00Z', '2026-03-09T23:30:00Z');
const evening = airing('evening', '2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z');
const airings = [morning, evening];

const at = (iso: string, airingId?: string) => ({ episodeId: EP, startedAt: new Date(iso), airingId: airingId ?? null });

describe('matchPlay', () => {
  it('matches a play that starts inside the window', () => {
    expect(matchPlay(at('2026-03-09T23:02:00Z'), airings, TOL)?.id).toBe('morning');
    expect(matchPlay(at('2026-03-10T10:29:00Z'), airings, TOL)?.id).toBe('evening');
  });

  it('matches up to the tolerance before the start and after the end, inclusive', () => {
    expect(matchPlay(at('2026-03-09T22:45:00Z'), airings, TOL)?.id).toBe('morning');
    expect(matchPlay(at('2026-03-09T23:45:00Z'), airings, TOL)?.id).toBe('morning');
    expect(matchPlay(at('2026-03-09T22:44:59Z'), airings, TOL)).toBeNull();
    expect(matchPlay(at('2026-03-09T23:45:01Z'), airings, TOL)).toBeNull();
    expect(matchPlay(at('2026-03-09T22:50:00Z'), airings, 0)).toBeNull();
  });

  it('is off schedule (null) between airings or for another episode', () => {
    expect(matchPlay(at('2026-03-10T04:00:00Z'), airings, TOL)).toBeNull();
    expect(matchPlay({ ...at('2026-03-09T23:05:00Z'), episodeId: OTHER_EP }, airings, TOL)).toBeNull();
    expect(matchPlay(at('2026-03-09T23:05:00Z'), [], TOL)).toBeNull();
  });

  it('picks the airing whose start is closest when several fit, regardless of order', () => {
    const first = airing('first', '2026-03-10T00:00:00Z', '2026-03-10T00:30:00Z');
    const second = airing('second', '2026-03-10T00:35:00Z', '2026-03-10T01:05:00Z');
    // 00:32 fits both (second via tolerance); it is 3 min from second's start and 32 min from first's.
    expect(matchPlay(at('2026-03-10T00:32:00Z'), [first, second], TOL)?.id).toBe('second');
    expect(matchPlay(at('2026-03-10T00:32:00Z'), [second, first], TOL)?.id).toBe('second');
    expect(matchPlay(at('2026-03-10T00:10:00Z'), [second, first], TOL)?.id).toBe('first');
  });

  it('lets an explicit airingId win when it fits, even over a closer start', () => {
    const first = airing('first', '2026-03-10T00:00:00Z', '2026-03-10T00:30:00Z');
    const second = airing('second', '2026-03-10T00:35:00Z', '2026-03-10T01:05:00Z');
    expect(matchPlay(at('2026-03-10T00:32:00Z', 'first'), [first, second], TOL)?.id).toBe('first');
  });

  it('ignores an explicit airingId that does not fit or is not the station’s, falling back to the window', () => {
    expect(matchPlay(at('2026-03-09T23:05:00Z', 'evening'), airings, TOL)?.id).toBe('morning');
    expect(matchPlay(at('2026-03-09T23:05:00Z', 'someone-elses'), airings, TOL)?.id).toBe('morning');
    expect(matchPlay(at('2026-03-10T04:00:00Z', 'evening'), airings, TOL)).toBeNull();
  });

  it('gives the span of airing starts worth loading before matching', () => {
    const range = candidateAiringRange(new Date('2026-03-10T10:00:00Z'), 900, 3600);
    expect(range.from.toISOString()).toBe('2026-03-10T08:45:00.000Z');
    expect(range.to.toISOString()).toBe('2026-03-10T10:15:00.000Z');
  });
});

describe('playKind', () => {
  it('is a rebroadcast at 90% of the episode and partial just below', () => {
    expect(playKind(1620, 1800)).toBe('rebroadcast');
    expect(playKind(1800, 1800)).toBe('rebroadcast');
    expect(playKind(1619.9, 1800)).toBe('partial');
    expect(playKind(0, 1800)).toBe('partial');
  });

  it('is not fooled by floating-point rounding at the boundary', () => {
    // 0.9 × 13 = 11.700000000000001 in IEEE doubles, so a naive >= would call an exact 90% play partial.
    expect(0.9 * 13).toBeGreaterThan(11.7);
    expect(playKind(11.7, 13)).toBe('rebroadcast');
    expect(playKind(11.69, 13)).toBe('partial');
  });

  it('honours a configured threshold and refuses a nonsense one', () => {
    expect(playKind(1620, 1800, 0.95)).toBe('partial');
    expect(playKind(1710, 1800, 0.95)).toBe('rebroadcast');
    expect(() => playKind(10, 10, 0)).toThrow(RangeError);
    expect(() => playKind(10, 10, 1.2)).toThrow(RangeError);
  });
});

describe('annotatePlay', () => {
  it('derives the stored airing, on/off schedule and kind in one step', () => {
    expect(annotatePlay({ ...at('2026-03-09T23:01:00Z'), durationSec: 1700 }, 1800, airings)).toEqual({
      airingId: 'morning',
      onSchedule: true,
      kind: 'rebroadcast',
    });
    expect(annotatePlay({ ...at('2026-03-10T04:00:00Z'), durationSec: 600 }, 1800, airings)).toEqual({
      airingId: null,
      onSchedule: false,
      kind: 'partial',
    });
    expect(annotatePlay({ ...at('2026-03-10T04:00:00Z'), durationSec: 600 }, 1800, airings, { rebroadcastThreshold: 0.3 }).kind).toBe(
      'rebroadcast',
    );
  });
});
