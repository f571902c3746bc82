import { describe, expect, it } from 'vitest';
import {
  classifyPlayBatch,
  classifyPlayEvent,
  durationLimitSec,
  playBatchSchema,
  type ClassifyContext,
  type SentEpisode,
} from '../../src/domain/tracking/index.js';

const EP = '11111111-1111-4111-8111-111111111111';
const EP_NULL_DURATION = '22222222-2222-4222-8222-222222222222';
const EP_NOT_SENT = '33333333-3333-4333-8333-333333333333';
const AIRING = '44444444-4444-4444-8444-444444444444';
const NOW = new Date('2026-03-10T12:00:00Z');

const episodes = new Map<string, SentEpisode>([
  [EP, { durationSec: 1800 }],
  [EP_NULL_DURATION, { durationSec: null }],
]);
const ctx: ClassifyContext = { now: NOW, episodes };

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventId: 'ev-1', episodeId: EP, startedAt: '2026-03-10T06:00:00+07:00', durationSec: 1790, ...overrides };
}

function reasonOf(raw: unknown, c: ClassifyContext = ctx): string {
  const v = classifyPlayEvent(raw, c);
  return v.ok ? 'ok' : v.reason;
}

describe('classifyPlayEvent: a valid event', () => {
  it('is normalised: instant from the offset, lower-case ids, source defaults to auto', () => {
    const v = classifyPlayEvent(event({ episodeId: EP.toUpperCase(), airingId: AIRING.toUpperCase() }), ctx);
    expect(v).toEqual({
      ok: true,
      play: {
        eventId: 'ev-1',
        episodeId: EP,
        airingId: AIRING,
        startedAt: new Date('2026-03-09T23:00:00Z'),
        durationSec: 1790,
        source: 'auto',
      },
    });
  });

  it('keeps a manual source and a null airing when none was named', () => {
    const v = classifyPlayEvent(event({ source: 'manual' }), ctx);
    expect(v.ok && v.play.source).toBe('manual');
    expect(v.ok && v.play.airingId).toBeNull();
  });

  it('accepts an episode lookup given as a function', () => {
    const lookup = (id: string): SentEpisode | undefined => (id === EP ? { durationSec: 1800 } : undefined);
    expect(reasonOf(event(), { now: NOW, episodes: lookup })).toBe('ok');
    expect(reasonOf(event({ episodeId: EP_NOT_SENT }), { now: NOW, episodes: lookup })).toBe('unknown_episode');
  });
});

describe('classifyPlayEvent: rejection reasons', () => {
  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['missing startedAt', event({ startedAt: undefined })],
    ['startedAt without offset', event({ startedAt: '2026-03-10T06:00:00' })],
    ['impossible calendar date', event({ startedAt: '2026-02-30T06:00:00Z' })],
    ['episodeId not a uuid', event({ episodeId: 'episode-7' })],
    ['airingId not a uuid', event({ airingId: '42' })],
    ['durationSec as text', event({ durationSec: '1790' })],
    ['unknown source', event({ source: 'robot' })],
    ['empty eventId', event({ eventId: '' })],
    ['eventId over 100 characters', event({ eventId: 'x'.repeat(101) })],
  ])('malformed: %s', (_label, raw) => {
    const v = classifyPlayEvent(raw, ctx);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toBe('malformed');
    expect(!v.ok && v.message.length).toBeGreaterThan(0);
  });

  it('accepts an eventId of exactly 100 characters', () => {
    expect(reasonOf(event({ eventId: 'x'.repeat(100) }))).toBe('ok');
  });

  it('names the offending field and echoes a usable eventId of a malformed event', () => {
    const v = classifyPlayEvent(event({ startedAt: 'yesterday' }), ctx);
    expect(v).toMatchObject({ ok: false, eventId: 'ev-1', reason: 'malformed' });
    expect(!v.ok && v.message).toMatch(/^startedAt: /);
    const noId = classifyPlayEvent(event({ eventId: 7 }), ctx);
    expect(noId).toMatchObject({ ok: false, eventId: null, reason: 'malformed' });
  });

  it('unknown_episode: an episode never sent to this station', () => {
    const v = classifyPlayEvent(event({ episodeId: EP_NOT_SENT }), ctx);
    expect(v).toMatchObject({ ok: false, eventId: 'ev-1', reason: 'unknown_episode' });
    expect(!v.ok && v.message).toContain(EP_NOT_SENT);
  });

  it('future_start: beyond the clock-skew allowance only', () => {
    expect(reasonOf(event({ startedAt: '2026-03-10T12:05:00Z' }))).toBe('ok');
    expect(reasonOf(event({ startedAt: '2026-03-10T12:05:01Z' }))).toBe('future_start');
    expect(reasonOf(event({ startedAt: '2026-03-10T12:01:00Z' }), { ...ctx, clockSkewSec: 30 })).toBe('future_start');
  });

  it('too_old: older than the maximum age', () => {
    expect(reasonOf(event({ startedAt: '2025-02-03T12:00:00Z' }))).toBe('ok'); // 400 days
    expect(reasonOf(event({ startedAt: '2025-02-03T11:59:59Z' }))).toBe('too_old');
    expect(reasonOf(event({ startedAt: '2026-03-01T00:00:00Z' }), { ...ctx, maxAgeDays: 7 })).toBe('too_old');
  });

  it('negative_duration', () => {
    expect(reasonOf(event({ durationSec: -0.5 }))).toBe('negative_duration');
    expect(reasonOf(event({ durationSec: 0 }))).toBe('ok');
  });

  it('impossible_duration: more than 1.5 × the episode + 60 s', () => {
    expect(durationLimitSec(1800)).toBe(2760);
    expect(reasonOf(event({ durationSec: 2760 }))).toBe('ok');
    const v = classifyPlayEvent(event({ durationSec: 2761 }), ctx);
    expect(v).toMatchObject({ ok: false, reason: 'impossible_duration' });
    expect(!v.ok && v.message).toContain('1800');
  });

  it('impossible_duration: more than a day, even when the episode duration is unknown', () => {
    expect(reasonOf(event({ episodeId: EP_NULL_DURATION, durationSec: 86_400 }))).toBe('ok');
    expect(reasonOf(event({ episodeId: EP_NULL_DURATION, durationSec: 86_401 }))).toBe('impossible_duration');
    expect(durationLimitSec(20 * 3600)).toBe(86_400);
  });
});

describe('classifyPlayBatch', () => {
  it('judges each event on its own and keeps the order sent', () => {
    const verdicts = classifyPlayBatch(
      [
        event({ eventId: 'a' }),
        event({ eventId: 'b', durationSec: -1 }),
        'garbage',
        event({ eventId: 'c', episodeId: EP_NOT_SENT }),
        event({ eventId: 'd' }),
      ],
      ctx,
    );
    expect(verdicts.map((v) => [v.eventId, v.status, v.status === 'rejected' ? v.reason : null])).toEqual([
      ['a', 'valid', null],
      ['b', 'rejected', 'negative_duration'],
      [null, 'rejected', 'malformed'],
      ['c', 'rejected', 'unknown_episode'],
      ['d', 'valid', null],
    ]);
  });

  it('marks the second occurrence of an eventId in the batch as duplicate', () => {
    const verdicts = classifyPlayBatch(
      [event({ eventId: 'x' }), event({ eventId: 'y' }), event({ eventId: 'x', durationSec: 10 })],
      ctx,
    );
    expect(verdicts.map((v) => v.status)).toEqual(['valid', 'valid', 'duplicate']);
    const first = verdicts[0];
    expect(first?.status === 'valid' && first.play.durationSec).toBe(1790);
  });

  it('lets a corrected copy after a rejected event with the same id through', () => {
    const verdicts = classifyPlayBatch([event({ eventId: 'z', durationSec: -5 }), event({ eventId: 'z' })], ctx);
    expect(verdicts.map((v) => v.status)).toEqual(['rejected', 'valid']);
  });
});

describe('playBatchSchema', () => {
  it('takes 1 to 1000 events without judging them', () => {
    expect(playBatchSchema.safeParse({ plays: [] }).success).toBe(false);
    expect(playBatchSchema.safeParse({ plays: Array.from({ length: 1000 }, () => 'anything') }).success).toBe(true);
    expect(playBatchSchema.safeParse({ plays: Array.from({ length: 1001 }, () => ({})) }).success).toBe(false);
    expect(playBatchSchema.safeParse({ events: [event()] }).success).toBe(false);
  });
});
