import type { IANAZone } from 'luxon';
import type { Interval, SlotInstance } from './types.js';
import { offsetAt, transitionBetween } from './wallclock.js';

/**
 * Where an airing may start. Within each stretch of free slot time, starts are packed back-to-back from the
 * stretch's beginning (the slot start, or the end of whatever airs before), the way a station fills a slot, so
 * airings start at times a person would choose rather than at arbitrary instants. A stretch is held as an
 * arithmetic progression so that a day-long slot and a one-second bulletin do not enumerate 86,400 starts.
 * Each run also carries the station's UTC offset, so gaps can be measured on the station's clock.
 */
export interface StartRun {
  readonly first: number;
  readonly last: number;
  readonly step: number;
  readonly slotIndex: number;
  /** UTC offset (ms) in force for every start of the run. */
  readonly offset: number;
}

export interface Start {
  readonly at: number;
  /** `at` read on the station's wall clock, as epoch ms "as if UTC". */
  readonly wall: number;
  readonly slotIndex: number;
}

/** A start no earlier than `at` whose wall-clock reading is no earlier than `wall`. */
export interface Lower {
  readonly at: number;
  readonly wall: number;
}

/** A start no later than `at` whose wall-clock reading is no later than `wall`. */
export type Upper = Lower;

/**
 * Two airings of a plan must not overlap (absolute time) and must start at least `gapMs` apart on the
 * station's clock, so "24 h apart" still allows 06:00 every day across a daylight-saving change.
 */
export interface Spacing {
  readonly durationMs: number;
  readonly gapMs: number;
}

export const after = (s: Start, sp: Spacing): Lower => ({ at: s.at + sp.durationMs, wall: s.wall + sp.gapMs });
const before = (s: Start, sp: Spacing): Upper => ({ at: s.at - sp.durationMs, wall: s.wall - sp.gapMs });
export const UNBOUNDED_BELOW: Lower = { at: -Infinity, wall: -Infinity };
const UNBOUNDED_ABOVE: Upper = { at: Infinity, wall: Infinity };

/** Free stretches of each slot occurrence (after `notBefore`, minus busy time) long enough for one airing. */
export function startRuns(
  slots: readonly SlotInstance[],
  busy: readonly Interval[],
  notBefore: number,
  durationMs: number,
  zone: IANAZone,
): StartRun[] {
  const blocked = busy
    .map((b) => ({ s: b.startsAt.getTime(), e: b.endsAt.getTime() }))
    .filter((b) => b.e > b.s)
    .sort((a, b) => a.s - b.s);
  const runs: StartRun[] = [];
  for (const slot of slots) {
    const emit = (a: number, b: number) => {
      if (b - a < durationMs) return;
      const last = a + Math.floor((b - a - durationMs) / durationMs) * durationMs;
      const o1 = offsetAt(zone, a);
      const o2 = offsetAt(zone, last);
      if (o1 === o2) {
        runs.push({ first: a, last, step: durationMs, slotIndex: slot.slotIndex, offset: o1 });
        return;
      }
      // The clocks change inside this stretch: split it so each part has one offset.
      const split = a + Math.ceil((transitionBetween(zone, a, last, o1) - a) / durationMs) * durationMs;
      runs.push({ first: a, last: split - durationMs, step: durationMs, slotIndex: slot.slotIndex, offset: o1 });
      runs.push({ first: split, last, step: durationMs, slotIndex: slot.slotIndex, offset: o2 });
    };
    let from = Math.max(slot.startsAt.getTime(), notBefore);
    const to = slot.endsAt.getTime();
    for (const b of blocked) {
      if (b.e <= from) continue;
      if (b.s >= to) break;
      if (b.s > from) emit(from, b.s);
      from = Math.max(from, b.e);
    }
    if (from < to) emit(from, to);
  }
  return runs;
}

/** The run's smallest start ≥ x, or null. */
function ceilIn(r: StartRun, x: number): number | null {
  const at = x <= r.first ? r.first : r.first + Math.ceil((x - r.first) / r.step) * r.step;
  return at <= r.last ? at : null;
}

/** The run's largest start ≤ x, or null. */
function floorIn(r: StartRun, x: number): number | null {
  if (x < r.first) return null;
  return Math.min(r.first + Math.floor((x - r.first) / r.step) * r.step, r.last);
}

const lowestIn = (r: StartRun, lo: Lower) => ceilIn(r, Math.max(lo.at, lo.wall - r.offset));
const highestIn = (r: StartRun, hi: Upper) => floorIn(r, Math.min(hi.at, hi.wall - r.offset));
const start = (r: StartRun, at: number): Start => ({ at, wall: at + r.offset, slotIndex: r.slotIndex });
const earlier = (a: Start, b: Start | null) => b === null || a.at < b.at || (a.at === b.at && a.slotIndex < b.slotIndex);

function earliestFrom(runs: readonly StartRun[], lo: Lower): Start | null {
  let best: Start | null = null;
  for (const r of runs) {
    const at = lowestIn(r, lo);
    if (at !== null && earlier(start(r, at), best)) best = start(r, at);
  }
  return best;
}

function latestUpTo(runs: readonly StartRun[], hi: Upper): Start | null {
  let best: Start | null = null;
  for (const r of runs) {
    const at = highestIn(r, hi);
    if (at !== null && (best === null || at > best.at || (at === best.at && r.slotIndex < best.slotIndex))) best = start(r, at);
  }
  return best;
}

/**
 * The stretch of free time nearest `target` among starts in [lo, hiAt], and in it the earliest allowed start:
 * an airing near the target goes to the top of its slot, not to whichever packed position is closest.
 * Ties go to the earlier start.
 */
export function nearestRunStart(runs: readonly StartRun[], target: number, lo: Lower, hiAt: number): Start | null {
  let best: Start | null = null;
  let bestDistance = Infinity;
  for (const r of runs) {
    const first = lowestIn(r, lo);
    const last = floorIn(r, hiAt);
    if (first === null || last === null || first > last) continue;
    const distance = target < first ? first - target : target > last ? target - last : 0;
    const s = start(r, first);
    if (distance < bestDistance || (distance === bestDistance && earlier(s, best))) {
      best = s;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Earliest-first greedy: as many starts as possible (up to `limit`). Taking the earliest allowed start each time
 * is optimal for this kind of packing, so its length is the station's capacity for the plan.
 */
export function earliestChain(runs: readonly StartRun[], spacing: Spacing, limit: number): Start[] {
  const out: Start[] = [];
  let lo = UNBOUNDED_BELOW;
  while (out.length < limit) {
    const s = earliestFrom(runs, lo);
    if (s === null) break;
    out.push(s);
    lo = after(s, spacing);
  }
  return out;
}

/** Latest-first greedy: the latest each of `n` starts can be while the ones after it still fit. */
export function latestChain(runs: readonly StartRun[], spacing: Spacing, n: number): Start[] {
  const out: Start[] = [];
  let hi = UNBOUNDED_ABOVE;
  while (out.length < n) {
    const s = latestUpTo(runs, hi);
    if (s === null) break;
    out.unshift(s);
    hi = before(s, spacing);
  }
  return out;
}
