import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { allocateAirings, localPeriod, slotInstances, validateGrid } from '../../src/domain/airtime/index.js';
import type { AllocationInput, Grid, Interval, PlannedAiring, SlotInstance } from '../../src/domain/airtime/index.js';

const HCM = 'Asia/Ho_Chi_Minh';
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const HOUR = 3600;
const DAY = 24 * HOUR;

/** Morning and evening hour, every day: the common commune pattern. */
const GRID: Grid = [
  { days: EVERY_DAY, start: '06:00', durationMin: 60 },
  { days: EVERY_DAY, start: '17:00', durationMin: 60 },
];

const at = (localIso: string, zone = HCM) => DateTime.fromISO(localIso, { zone }).toJSDate();
const local = (d: Date, zone = HCM) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');

function plan(over: Partial<AllocationInput> & { grid?: Grid; from?: string; to?: string; zone?: string } = {}) {
  const { grid = GRID, from = '2026-12-01', to = '2026-12-31', zone = HCM, ...rest } = over;
  const input: AllocationInput = {
    timezone: zone,
    slots: slotInstances(grid, zone, from, to),
    busy: [],
    durationSec: 30 * 60,
    count: 3,
    notBefore: at('2026-11-20T09:00'),
    now: at('2026-11-20T09:00'),
    priority: 'normal',
    period: localPeriod(zone, from, to),
    ...rest,
  };
  return { input, result: allocateAirings(input) };
}

/** The invariants every non-emergency allocation must satisfy, whatever the strategy. */
function expectValid(input: AllocationInput, airings: readonly PlannedAiring[]) {
  const gapMs = (input.minGapSec ?? DAY) * 1000;
  const sorted = [...airings].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  expect(sorted).toEqual(airings);
  airings.forEach((a, k) => {
    expect(a.endsAt.getTime() - a.startsAt.getTime()).toBe(Math.ceil(input.durationSec * 1000));
    expect(a.startsAt.getTime()).toBeGreaterThanOrEqual(Math.max(input.notBefore.getTime(), input.now.getTime()));
    const home = input.slots.find(
      (s) => s.slotIndex === a.slotIndex && s.startsAt <= a.startsAt && a.endsAt <= s.endsAt,
    );
    expect(home, `airing ${k} lies inside one occurrence of its slot`).toBeDefined();
    for (const b of input.busy) expect(overlaps(a, b), `airing ${k} overlaps busy time`).toBe(false);
    const next = airings[k + 1];
    if (next) {
      expect(overlaps(a, next)).toBe(false);
      // The gap is kept on the station's clock, so daily 06:00 counts as 24 h apart across a DST change.
      expect(wall(next.startsAt, input.timezone) - wall(a.startsAt, input.timezone)).toBeGreaterThanOrEqual(gapMs);
    }
  });
}

const wall = (d: Date, zone: string) => d.getTime() + DateTime.fromJSDate(d, { zone }).offset * 60_000;
const overlaps = (a: Interval, b: Interval) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

describe('allocateAirings: normal', () => {
  it('places the requested airings inside slots with no shortfall', () => {
    const { input, result } = plan();
    expect(result.airings).toHaveLength(3);
    expect(result.shortfall).toBeUndefined();
    expectValid(input, result.airings);
  });

  it('spreads airings across the period rather than bunching them at the start', () => {
    const { result } = plan();
    // 31 days cut in three; the middles are 6 Dec 04:00, 16 Dec 12:00 and 26 Dec 20:00: each airing takes the
    // slot nearest its target, at the top of the slot.
    expect(result.airings.map((a) => local(a.startsAt))).toEqual(['2026-12-06 06:00', '2026-12-16 17:00', '2026-12-26 17:00']);
  });

  it('spreads over what is left of the period when the episode becomes ready late', () => {
    const ready = at('2026-12-16T12:00');
    const { input, result } = plan({ notBefore: ready });
    expectValid(input, result.airings);
    expect(result.airings).toHaveLength(3);
    for (const a of result.airings) expect(a.startsAt.getTime()).toBeGreaterThan(ready.getTime());
    const days = result.airings.map((a) => Number(local(a.startsAt).slice(8, 10)));
    expect(days[2]! - days[0]!).toBeGreaterThanOrEqual(8);
  });

  it('still finds every airing when the only free times are squeezed at the end', () => {
    // Free time only on the last three days: spreading must not strand the later airings.
    const busy = [{ startsAt: at('2026-12-01T00:00'), endsAt: at('2026-12-29T00:00') }];
    const { input, result } = plan({ busy });
    expect(result.shortfall).toBeUndefined();
    expectValid(input, result.airings);
    expect(result.airings.map((a) => local(a.startsAt).slice(0, 10))).toEqual(['2026-12-29', '2026-12-30', '2026-12-31']);
  });
});

describe('allocateAirings: priority', () => {
  it('takes the earliest free times, a minimum gap apart', () => {
    const { input, result } = plan({ priority: 'priority' });
    expectValid(input, result.airings);
    expect(result.airings.map((a) => local(a.startsAt))).toEqual(['2026-12-01 06:00', '2026-12-02 06:00', '2026-12-03 06:00']);
  });

  it('packs several airings back-to-back in one slot when the gap allows, never past its end', () => {
    const { input, result } = plan({ priority: 'priority', minGapSec: 0, count: 5 });
    expectValid(input, result.airings);
    expect(result.airings.map((a) => `${local(a.startsAt)}–${local(a.endsAt).slice(11)}`)).toEqual([
      '2026-12-01 06:00–06:30',
      '2026-12-01 06:30–07:00',
      '2026-12-01 17:00–17:30',
      '2026-12-01 17:30–18:00',
      '2026-12-02 06:00–06:30',
    ]);
  });

  it('starts right after busy time inside a slot', () => {
    const busy = [{ startsAt: at('2026-12-01T06:00'), endsAt: at('2026-12-01T06:20') }];
    const { input, result } = plan({ priority: 'priority', busy, count: 1 });
    expectValid(input, result.airings);
    expect(local(result.airings[0]!.startsAt)).toBe('2026-12-01 06:20');
  });

  it('skips a slot whose remaining free time is too short', () => {
    const busy = [{ startsAt: at('2026-12-01T06:00'), endsAt: at('2026-12-01T06:45') }];
    const { input, result } = plan({ priority: 'priority', busy, count: 1 });
    expectValid(input, result.airings);
    expect(local(result.airings[0]!.startsAt)).toBe('2026-12-01 17:00');
  });

  it('waits for the episode to be ready, starting on a whole minute inside a running slot', () => {
    const ready = at('2026-12-01T06:17:23.456');
    const { input, result } = plan({ priority: 'priority', notBefore: ready, count: 2 });
    expectValid(input, result.airings);
    // Next day 06:00 would be under 24 h later; 06:30 is the next back-to-back position in that slot.
    expect(result.airings.map((a) => local(a.startsAt))).toEqual(['2026-12-01 06:18', '2026-12-02 06:30']);
    expect(result.airings[0]!.startsAt.getUTCSeconds()).toBe(0);
  });

  it('never starts in the past even when notBefore is earlier than now', () => {
    const now = at('2026-12-10T10:00');
    const { input, result } = plan({ priority: 'priority', now, notBefore: at('2026-11-01T00:00'), count: 1 });
    expectValid(input, result.airings);
    expect(local(result.airings[0]!.startsAt)).toBe('2026-12-10 17:00');
  });
});

describe('allocateAirings: emergency', () => {
  it('airs once, now, outside the grid and quiet hours, ignoring count', () => {
    const now = at('2026-12-05T23:10:00'); // quiet hours, no slot
    const busy = [{ startsAt: at('2026-12-05T23:00'), endsAt: at('2026-12-05T23:30') }];
    const { result } = plan({ priority: 'emergency', now, notBefore: now, busy, count: 5, durationSec: 95 });
    expect(result.shortfall).toBeUndefined();
    expect(result.airings).toEqual([{ startsAt: now, endsAt: new Date(now.getTime() + 95_000), slotIndex: null }]);
  });
});

describe('allocateAirings: shortfall', () => {
  it('places what fits and reports no_capacity when the slots are full', () => {
    // One day, two one-hour slots, a 45-minute episode: one per slot, never two in a slot.
    const { input, result } = plan({ from: '2026-12-01', to: '2026-12-01', durationSec: 45 * 60, count: 4, minGapSec: 0 });
    expectValid(input, result.airings);
    expect(result.airings.map((a) => local(a.startsAt))).toEqual(['2026-12-01 06:00', '2026-12-01 17:00']);
    expect(result.shortfall).toMatchObject({ missing: 2, reason: 'no_capacity' });
    expect(result.shortfall?.message).toMatch(/^only 2 of 4 airings fit/);
    expect(result.shortfall?.messageVi).toMatch(/^Chỉ xếp được 2\/4 lượt phát/);
  });

  it('reports no_capacity when busy time fills every slot', () => {
    const { input } = plan();
    const busy = input.slots.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt }));
    const result = allocateAirings({ ...input, busy });
    expect(result.airings).toEqual([]);
    expect(result.shortfall).toMatchObject({ missing: 3, reason: 'no_capacity' });
  });

  it('reports no_capacity for a station without a grid', () => {
    const { result } = plan({ grid: [] });
    expect(result.shortfall).toMatchObject({ missing: 3, reason: 'no_capacity' });
    expect(result.shortfall?.message).toContain('no airtime slots');
  });

  it('reports episode_longer_than_slots', () => {
    const { result } = plan({ durationSec: 90 * 60 });
    expect(result.airings).toEqual([]);
    expect(result.shortfall).toMatchObject({ missing: 3, reason: 'episode_longer_than_slots' });
    expect(result.shortfall?.message).toContain('1 h 30 min');
  });

  it('reports period_too_short when the gaps cannot fit in the period', () => {
    const { input, result } = plan({ from: '2026-12-01', to: '2026-12-01', count: 3 });
    expectValid(input, result.airings);
    expect(result.airings).toHaveLength(1);
    expect(result.shortfall).toMatchObject({ missing: 2, reason: 'period_too_short' });
    expect(result.shortfall?.message).toContain('24 h');
  });

  it('reports period_too_short when the episode is ready only after the period', () => {
    const late = at('2027-01-02T08:00');
    const { result } = plan({ notBefore: late, now: late });
    expect(result.airings).toEqual([]);
    expect(result.shortfall).toMatchObject({ missing: 3, reason: 'period_too_short' });
  });

  it('reports min_gap when there is room, but not far enough apart', () => {
    // Two slots on Tuesdays only, a week-long period: four places, but only one per 24 h.
    const grid: Grid = [
      { days: [2], start: '06:00', durationMin: 60 },
      { days: [2], start: '17:00', durationMin: 60 },
    ];
    const { input, result } = plan({ grid, from: '2026-12-01', to: '2026-12-07' });
    expectValid(input, result.airings);
    expect(result.airings).toHaveLength(1);
    expect(result.shortfall).toMatchObject({ missing: 2, reason: 'min_gap' });
    // With the gap lowered, the same grid holds all three.
    const relaxed = allocateAirings({ ...input, minGapSec: 0 });
    expect(relaxed.shortfall).toBeUndefined();
    expect(relaxed.airings).toHaveLength(3);
  });
});

describe('allocateAirings: guardrails', () => {
  it('keeps to the quiet-hours boundary: an evening slot ending at 22:00 is never overrun', () => {
    const grid: Grid = [{ days: EVERY_DAY, start: '21:00', durationMin: 60 }];
    expect(validateGrid(grid, { quietStart: '22:00', quietEnd: '05:00', maxSessionMin: 180 })).toEqual([]);
    const { input, result } = plan({ grid, from: '2026-12-01', to: '2026-12-03', durationSec: 45 * 60, minGapSec: 0, count: 10 });
    expectValid(input, result.airings);
    expect(result.airings).toHaveLength(3);
    for (const a of result.airings) expect(local(a.endsAt).slice(11) <= '22:00').toBe(true);
    expect(result.shortfall?.reason).toBe('no_capacity');
  });

  it('keeps wall-clock times across DST in Europe/Berlin', () => {
    const zone = 'Europe/Berlin';
    const grid: Grid = [{ days: EVERY_DAY, start: '06:00', durationMin: 30 }];
    const now = at('2026-03-01T00:00', zone);
    for (const [from, to] of [
      ['2026-03-27', '2026-03-31'],
      ['2026-10-23', '2026-10-27'],
    ] as const) {
      const { input, result } = plan({ grid, zone, from, to, now, notBefore: now, priority: 'priority', count: 5, durationSec: 600 });
      expectValid(input, result.airings);
      expect(result.airings.map((a) => local(a.startsAt, zone).slice(11))).toEqual(['06:00', '06:00', '06:00', '06:00', '06:00']);
      expect(new Set(result.airings.map((a) => a.startsAt.getUTCHours())).size).toBe(2);
    }
  });

  it('is deterministic and independent of the order slots and busy times arrive in', () => {
    const busy = [
      { startsAt: at('2026-12-06T06:00'), endsAt: at('2026-12-06T06:40') },
      { startsAt: at('2026-12-16T17:00'), endsAt: at('2026-12-16T17:50') },
    ];
    const { input, result } = plan({ busy });
    const again = allocateAirings({ ...input, slots: [...input.slots].reverse(), busy: [...busy].reverse() });
    expect(again).toEqual(result);
    expectValid(input, result.airings);
  });

  it('rejects nonsense input', () => {
    expect(() => plan({ durationSec: 0 })).toThrow(RangeError);
    expect(() => plan({ count: -1 })).toThrow(RangeError);
    expect(() => plan({ minGapSec: Number.NaN })).toThrow(RangeError);
    expect(() => plan({ now: new Date('nope') })).toThrow(RangeError);
  });
});

describe('allocateAirings: randomised invariants', () => {
  // A fixed-seed generator keeps failures reproducible.
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  it('normal spreading places as many airings as earliest-first packing, and both obey every rule', () => {
    const rand = rng(20261201);
    // Half the cases straddle Berlin's spring-forward, so gaps and slot bounds are exercised across DST.
    const settings = [
      { zone: HCM, from: '2026-12-01', to: '2026-12-14' },
      { zone: 'Europe/Berlin', from: '2026-03-22', to: '2026-04-04' },
    ] as const;
    for (let n = 0; n < 80; n++) {
      const { zone, from, to } = settings[n % 2]!;
      const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
      const grid: Grid = Array.from({ length: int(1, 3) }, (_, i) => ({
        days: EVERY_DAY.filter(() => rand() < 0.5).concat([int(1, 7)]).filter((d, j, all) => all.indexOf(d) === j),
        start: `${String(5 + i * 6).padStart(2, '0')}:${rand() < 0.5 ? '00' : '30'}`,
        durationMin: int(15, 180),
      }));
      const slots: SlotInstance[] = slotInstances(grid, zone, from, to);
      const busy: Interval[] = slots
        .filter(() => rand() < 0.4)
        .map((s) => {
          const start = s.startsAt.getTime() + int(0, 60) * 60_000;
          return { startsAt: new Date(start), endsAt: new Date(start + int(5, 90) * 60_000) };
        });
      const base: AllocationInput = {
        timezone: zone,
        slots,
        busy,
        durationSec: int(60, 90 * 60),
        count: int(1, 12),
        minGapSec: [0, 2 * HOUR, DAY, 2 * DAY][int(0, 3)],
        notBefore: new Date((slots[0]?.startsAt.getTime() ?? 0) + int(0, 5 * 24 * 60) * 60_000 - 12 * HOUR * 1000),
        now: at('2026-01-01T00:00'),
        priority: 'normal',
        period: localPeriod(zone, from, to),
      };
      const normal = allocateAirings(base);
      const priority = allocateAirings({ ...base, priority: 'priority' });
      expectValid(base, normal.airings);
      expectValid(base, priority.airings);
      expect(normal.airings.length).toBe(priority.airings.length);
      expect(normal.shortfall?.missing ?? 0).toBe(base.count - normal.airings.length);
    }
  });
});
