import { IANAZone } from 'luxon';

/**
 * Turning a wall-clock reading into an instant. Wall times are represented as "epoch milliseconds as if the
 * zone were UTC", so calendar arithmetic (next day, +30 minutes of wall time) is plain addition and never
 * depends on the host's zone.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

export interface ResolvedWallTime {
  /** Epoch milliseconds. */
  readonly at: number;
  /**
   * `exact`: the wall time occurs once. `repeated`: it occurs twice (clocks went back); `at` is the first
   * occurrence. `skipped`: it never occurs (clocks went forward); `at` is the instant the gap closes, i.e. the
   * first instant after the wall time that exists.
   */
  readonly kind: 'exact' | 'repeated' | 'skipped';
}

export function zoneOf(timezone: string): IANAZone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`unknown IANA time zone: ${timezone}`);
  return zone;
}

// Each Intl-backed offset lookup costs ~15 µs and a month of slots needs thousands, so offsets are remembered
// per six-hour bucket, but only for buckets whose two ends agree: clocks change at most once in six hours,
// so such a bucket has one offset throughout. Not observable from outside beyond speed.
const BUCKET_MS = 6 * 60 * MINUTE_MS;
const MAX_BUCKETS_PER_ZONE = 50_000;
const steadyOffsets = new Map<string, Map<number, number | null>>();

/** The zone's UTC offset at an instant, in milliseconds. */
export function offsetAt(zone: IANAZone, at: number): number {
  let byBucket = steadyOffsets.get(zone.name);
  if (byBucket === undefined) steadyOffsets.set(zone.name, (byBucket = new Map()));
  const bucket = Math.floor(at / BUCKET_MS);
  let steady = byBucket.get(bucket);
  if (steady === undefined) {
    const first = zone.offset(bucket * BUCKET_MS);
    steady = first === zone.offset((bucket + 1) * BUCKET_MS - 1) ? first : null;
    if (byBucket.size >= MAX_BUCKETS_PER_ZONE) byBucket.clear();
    byBucket.set(bucket, steady);
  }
  return (steady ?? zone.offset(at)) * MINUTE_MS;
}

/**
 * Resolves explicitly instead of trusting luxon's `fromObject`, which moves a skipped time forward by the
 * gap (02:30 → 03:30) and picks the later offset for a repeated one; a schedule needs both cases to follow a
 * rule we state. Assumes at most one offset change within a day of the wall time, true of every real zone.
 */
export function resolveWallTime(zone: IANAZone, wall: number): ResolvedWallTime {
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  // No change within a day either side: the common case, and the offset is simply that one.
  if (before === after) return { at: wall - before, kind: 'exact' };
  const occurrences = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((at) => at + offsetAt(zone, at) === wall)
    .sort((a, b) => a - b);
  const first = occurrences[0];
  if (first !== undefined) return { at: first, kind: occurrences.length > 1 ? 'repeated' : 'exact' };
  return { at: transitionBetween(zone, wall - after, wall - before, before), kind: 'skipped' };
}

/** First instant in (lo, hi] whose offset is no longer `oldOffset`; the caller knows it changes in there. */
export function transitionBetween(zone: IANAZone, lo: number, hi: number, oldOffset: number): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === oldOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` date as a wall time; throws on anything that is not a real date. */
export function wallDate(date: string): number {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`expected a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const wall = Date.UTC(y, mo - 1, d);
  const back = new Date(wall);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return wall;
}

/** ISO weekday (1 = Monday) of a wall date: a property of the calendar date itself, whatever the zone. */
export function isoWeekdayOf(wall: number): number {
  return ((new Date(wall).getUTCDay() + 6) % 7) + 1;
}
