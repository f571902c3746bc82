import { describe, expect, it } from 'vitest';
import { cancelledWhilePlaying, decidePlayout, lastStartAt, MIN_LATE_MS, missedReason, type PlayoutInput } from '../../src/agent/playout-plan.js';
import { airing, sec } from '../helpers/agent-airings.js';

const ready = () => true;
const input = (over: Partial<PlayoutInput>): PlayoutInput => ({
  now: sec(0),
  airings: [],
  started: new Set(),
  isReady: ready,
  playing: null,
  lateStartMs: 600_000,
  ...over,
});

describe('playout decisions', () => {
  it('waits for the next start and plays an airing once it is due', () => {
    const a = airing('a1', 60);
    const before = decidePlayout(input({ now: sec(10), airings: [a] }));
    expect(before.start).toBeNull();
    expect(before.wakeAt).toBe(a.startsAt);
    const at = decidePlayout(input({ now: sec(60), airings: [a] }));
    expect(at.start).toEqual({ airing: a, interrupt: false });
    // A timer firing a few ms early still counts.
    expect(decidePlayout(input({ now: a.startsAt - 20, airings: [a] })).start?.airing.id).toBe('a1');
  });

  it('never starts an airing twice (the journal says it started)', () => {
    const a = airing('a1', 0);
    const d = decidePlayout(input({ now: sec(5), airings: [a], started: new Set(['a1']) }));
    expect(d.start).toBeNull();
    expect(d.missed).toEqual([]);
    expect(d.wakeAt).toBeNull();
  });

  it('starts late within the allowance, and calls it missed after', () => {
    const a = airing('a1', 0);
    expect(decidePlayout(input({ now: sec(599), airings: [a] })).start?.airing.id).toBe('a1');
    const late = decidePlayout(input({ now: sec(601), airings: [a] }));
    expect(late.start).toBeNull();
    expect(late.missed.map((x) => x.id)).toEqual(['a1']);
    // Even with no allowance a timer that fires a little late does not lose the airing.
    expect(decidePlayout(input({ now: sec(1), airings: [a], lateStartMs: 0 })).start?.airing.id).toBe('a1');
    expect(lastStartAt(a, 0)).toBe(a.startsAt + MIN_LATE_MS);
  });

  it('plays an emergency it hears of late, until the emergency window ends', () => {
    const e = airing('e1', 0, { durSec: 120, priority: 'emergency' });
    expect(decidePlayout(input({ now: sec(90), airings: [e], lateStartMs: 10_000 })).start?.airing.id).toBe('e1');
    expect(decidePlayout(input({ now: sec(121), airings: [e] })).missed.map((x) => x.id)).toEqual(['e1']);
  });

  it('waits for a missing file until it arrives or it is too late', () => {
    const a = airing('a1', 0);
    const d = decidePlayout(input({ now: sec(5), airings: [a], isReady: () => false }));
    expect(d.start).toBeNull();
    expect(d.waiting).toEqual([{ airing: a, reason: 'file_not_ready' }]);
    expect(d.wakeAt).toBe(lastStartAt(a, 600_000) + 1);
  });

  it('lets an emergency interrupt a normal play, but nothing interrupt an emergency', () => {
    const n = airing('n1', 0, { durSec: 1800 });
    const e = airing('e1', 300, { durSec: 60, priority: 'emergency', file: 'e' });
    const playingNormal = { airingId: 'n1', priority: 'normal' as const, endsAt: n.endsAt };
    const d = decidePlayout(input({ now: sec(300), airings: [n, e], started: new Set(['n1']), playing: playingNormal }));
    expect(d.start).toEqual({ airing: e, interrupt: true });

    const n2 = airing('n2', 330, { durSec: 60, file: 'b' });
    const playingEmergency = { airingId: 'e1', priority: 'emergency' as const, endsAt: e.endsAt };
    const w = decidePlayout(input({ now: sec(330), airings: [e, n2], started: new Set(['e1']), playing: playingEmergency }));
    expect(w.start).toBeNull();
    expect(w.waiting).toEqual([{ airing: n2, reason: 'busy' }]);
    expect(w.wakeAt).toBe(e.endsAt);
    // Once the emergency's window is over the waiting airing goes on (late, within the allowance).
    expect(decidePlayout(input({ now: sec(361), airings: [e, n2], started: new Set(['e1']), playing: playingEmergency })).start).toEqual({ airing: n2, interrupt: true });
  });

  it('cuts a play that overran its airing when the next airing starts, but not before', () => {
    const a = airing('a1', 0, { durSec: 60 });
    const b = airing('b1', 60, { durSec: 60, file: 'b' });
    const playing = { airingId: 'a1', priority: 'normal' as const, endsAt: a.endsAt };
    expect(decidePlayout(input({ now: sec(60), airings: [a, b], started: new Set(['a1']), playing })).start).toEqual({ airing: b, interrupt: true });
    expect(decidePlayout(input({ now: sec(59.9), airings: [a, b], started: new Set(['a1']), playing })).start).toBeNull();
  });

  it('when several are due, plays the highest priority first, then the earliest', () => {
    const n = airing('n', 0, { durSec: 60 });
    const p = airing('p', 10, { durSec: 60, priority: 'priority', file: 'b' });
    const n2 = airing('n2', 5, { durSec: 60, file: 'c' });
    const d = decidePlayout(input({ now: sec(20), airings: [n, n2, p] }));
    expect(d.start?.airing.id).toBe('p');
    expect(d.waiting.map((w) => w.airing.id)).toEqual(['n', 'n2']);
    // A due airing whose file is missing does not block one whose file is here.
    const d2 = decidePlayout(input({ now: sec(20), airings: [n, p], isReady: (f) => f !== p.file }));
    expect(d2.start?.airing.id).toBe('n');
  });
});

describe('stopping a play whose airing was cancelled', () => {
  const a = airing('a1', 0, { durSec: 60 });
  const playing = { airingId: 'a1', endsAt: a.endsAt };

  it('stops when a newer manifest no longer lists the airing before its scheduled end', () => {
    expect(cancelledWhilePlaying(playing, [airing('other', 100)], sec(30))).toBe(true);
    expect(cancelledWhilePlaying(playing, [], sec(59))).toBe(true);
  });

  it('leaves it alone while it is listed, once its scheduled end has passed (an overrun), and for manual plays', () => {
    expect(cancelledWhilePlaying(playing, [a], sec(30))).toBe(false);
    expect(cancelledWhilePlaying(playing, [], sec(60))).toBe(false);
    expect(cancelledWhilePlaying(playing, [], sec(90))).toBe(false);
    expect(cancelledWhilePlaying({ airingId: null, endsAt: a.endsAt }, [], sec(30))).toBe(false);
    expect(cancelledWhilePlaying(null, [], sec(30))).toBe(false);
  });
});

describe('why an airing was missed', () => {
  const base = { lastStartAt: sec(600), agentStartedAt: sec(-3600), firstSeenAt: sec(-3600), fileReady: true, lastWait: null } as const;

  it('names the agent not running when it started after the last start moment', () => {
    expect(missedReason({ ...base, agentStartedAt: sec(700), firstSeenAt: sec(700), fileReady: false })).toBe('not_running');
  });

  it('names hearing of it too late when the first manifest listing it came after the last start moment', () => {
    expect(missedReason({ ...base, firstSeenAt: sec(601) })).toBe('learned_too_late');
  });

  it('names the file when it was not verified in time, even if it arrived just after', () => {
    expect(missedReason({ ...base, fileReady: false })).toBe('file_not_ready');
    expect(missedReason({ ...base, fileReady: true, lastWait: 'file_not_ready' })).toBe('file_not_ready');
  });

  it('names something else holding the air when the file was ready', () => {
    expect(missedReason({ ...base, lastWait: 'busy' })).toBe('busy');
  });

  it('an emergency heard of after its end is missed; a normal airing past the late-start allowance is missed too', () => {
    const e = airing('e1', 0, { durSec: 20, priority: 'emergency' });
    expect(decidePlayout(input({ now: sec(21), airings: [e] })).missed.map((x) => x.id)).toEqual(['e1']);
    expect(missedReason({ ...base, lastStartAt: lastStartAt(e, 600_000), firstSeenAt: sec(21) })).toBe('learned_too_late');
  });
});
