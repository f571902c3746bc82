import { AIRTIME_DEFAULTS } from './defaults.js';
import {
  after,
  earliestChain,
  latestChain,
  nearestRunStart,
  startRuns,
  UNBOUNDED_BELOW,
  type Spacing,
  type Start,
  type StartRun,
} from './free-time.js';
import { explainShortfall, type Shortfall } from './shortfall.js';
import type { Interval, Priority, SlotInstance } from './types.js';
import { MINUTE_MS, zoneOf } from './wallclock.js';

export interface AllocationInput {
  /** The station's IANA zone; the minimum gap is measured on its clock. */
  readonly timezone: string;
  /** The station's slot occurrences in the plan's period, from `slotInstances`. */
  readonly slots: readonly SlotInstance[];
  /** The station's other airings; nothing is placed over them. */
  readonly busy: readonly Interval[];
  readonly durationSec: number;
  /** Airings wanted for this station (the plan's airingsPerStation). Ignored for `emergency`. */
  readonly count: number;
  /**
   * Minimum time between the starts of two of this plan's airings at the station, on the station's wall clock
   * (so 06:00 daily counts as 24 h apart across a DST change); default 24 h.
   */
  readonly minGapSec?: number;
  /** Nothing starts before this: the later of now and the time the episode became ready. */
  readonly notBefore: Date;
  readonly priority: Priority;
  readonly now: Date;
  /** The plan's period (see `localPeriod`); airings are spread across it. Defaults to the span of `slots`. */
  readonly period?: Interval;
}

export interface PlannedAiring {
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** Grid slot the airing sits in; null for an emergency airing, which ignores the grid. */
  readonly slotIndex: number | null;
}

export interface Allocation {
  readonly airings: PlannedAiring[];
  readonly shortfall?: Shortfall;
}

/**
 * Places one station's airings of one episode. Pure and deterministic: the same input gives the same output.
 *
 * Every airing lies inside one slot occurrence, overlaps neither busy time nor another airing, starts no earlier
 * than `notBefore` (rounded up to a whole minute) and at least `minGapSec` after the previous one.
 *  - `priority`: the earliest such starts.
 *  - `normal`: spread over the period. The period (from the earliest allowed start) is cut into `n` equal parts
 *    and each airing goes to the allowed start nearest the middle of its part, bounded so the later airings
 *    still fit; hence whenever `n` airings fit at all, `n` are placed.
 *  - `emergency`: "play now" — exactly one airing at `max(now, notBefore)` for the episode's duration, outside the
 *    grid and regardless of busy time (it pre-empts); `count` and `minGapSec` do not apply.
 * When fewer than `count` fit, the placed ones are returned with a shortfall saying why.
 */
export function allocateAirings(input: AllocationInput): Allocation {
  const durationMs = Math.ceil(checkPositive(input.durationSec, 'durationSec') * 1000);
  const gapMs = checkNonNegative(input.minGapSec ?? AIRTIME_DEFAULTS.minGapSec, 'minGapSec') * 1000;
  const now = checkDate(input.now, 'now');
  const notBefore = Math.max(now, checkDate(input.notBefore, 'notBefore'));

  if (input.priority === 'emergency') {
    return { airings: [{ startsAt: new Date(notBefore), endsAt: new Date(notBefore + durationMs), slotIndex: null }] };
  }
  if (!Number.isInteger(input.count) || input.count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${input.count}`);
  if (input.count === 0) return { airings: [] };

  // Whole minutes keep starts readable (06:18, not 06:17:23.456) when readiness falls inside a slot.
  const earliest = Math.ceil(notBefore / MINUTE_MS) * MINUTE_MS;
  const runs = startRuns(input.slots, input.busy, earliest, durationMs, zoneOf(input.timezone));
  const spacing: Spacing = { durationMs, gapMs };
  const capacity = earliestChain(runs, spacing, input.count);

  const window = spreadWindow(input, earliest);
  const starts = input.priority === 'priority' ? capacity : spread(runs, spacing, capacity.length, window);
  const airings = starts.map((s) => ({ startsAt: new Date(s.at), endsAt: new Date(s.at + durationMs), slotIndex: s.slotIndex }));
  if (airings.length === input.count) return { airings };

  const shortfall = explainShortfall({
    requested: input.count,
    placed: airings.length,
    spacing,
    slotCount: input.slots.length,
    longestSlotMs: input.slots.reduce((m, s) => Math.max(m, s.endsAt.getTime() - s.startsAt.getTime()), 0),
    usablePeriodMs: window.end - window.start,
    runs,
  });
  return { airings, shortfall };
}

interface Window {
  readonly start: number;
  readonly end: number;
}

/** The part of the period from the earliest allowed start; empty when the episode is ready only after it. */
function spreadWindow(input: AllocationInput, earliest: number): Window {
  let from = input.period?.startsAt.getTime();
  let to = input.period?.endsAt.getTime();
  if (from === undefined || to === undefined) {
    from = input.slots.reduce((m, s) => Math.min(m, s.startsAt.getTime()), Infinity);
    to = input.slots.reduce((m, s) => Math.max(m, s.endsAt.getTime()), -Infinity);
  }
  const start = Math.max(Number.isFinite(from) ? from : earliest, earliest);
  return { start, end: Math.max(Number.isFinite(to) ? to : start, start) };
}

/**
 * Targets the middles of n equal parts of the window. The k-th airing may not be later than its place in the
 * latest possible chain, which always leaves room for the rest, and that bound is itself always allowed after
 * the previous pick, so the search never dead-ends.
 */
function spread(runs: readonly StartRun[], spacing: Spacing, n: number, window: Window): Start[] {
  const latest = latestChain(runs, spacing, n);
  const out: Start[] = [];
  const part = (window.end - window.start) / n;
  for (let k = 0; k < n; k++) {
    const bound = latest[k] as Start;
    const previous = out[k - 1];
    const lo = previous === undefined ? UNBOUNDED_BELOW : after(previous, spacing);
    const target = window.start + (k + 0.5) * part;
    out.push(nearestRunStart(runs, target, lo, bound.at) ?? bound);
  }
  return out;
}

function checkPositive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

function checkNonNegative(v: number, name: string): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
  return v;
}

function checkDate(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}
