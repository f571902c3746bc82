import { DateTime } from 'luxon';
import { MINUTES_PER_DAY, parseHHMM } from './clock.js';
import type { GridRules, Interval } from './types.js';

/**
 * Whether any minute of a one-off airing falls in quiet hours, judged on the station's wall clock.
 * Used when a person moves a single airing by hand, where no grid slot vouches for the time.
 */
export function touchesQuietHours(airing: Interval, timezone: string, rules: Pick<GridRules, 'quietStart' | 'quietEnd'>): boolean {
  const qs = parseHHMM(rules.quietStart);
  const qe = parseHHMM(rules.quietEnd);
  if (qs === null || qe === null) throw new RangeError(`quiet hours must be HH:MM, got ${rules.quietStart}–${rules.quietEnd}`);
  if (qs === qe) return false;
  const start = DateTime.fromJSDate(airing.startsAt, { zone: timezone });
  const lengthMin = Math.ceil((airing.endsAt.getTime() - airing.startsAt.getTime()) / 60_000);
  if (lengthMin >= MINUTES_PER_DAY) return true;
  const from = start.hour * 60 + start.minute;
  // The quiet window as minute spans around the airing's local day (it may wrap past midnight).
  const quietLength = qs < qe ? qe - qs : MINUTES_PER_DAY - qs + qe;
  for (const day of [-1, 0, 1]) {
    const q0 = day * MINUTES_PER_DAY + qs;
    if (from < q0 + quietLength && q0 < from + lengthMin) return true;
  }
  return false;
}
