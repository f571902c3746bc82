import { parseHHMM } from './clock.js';
import type { Grid, Interval, LocalDate, SlotInstance } from './types.js';
import { DAY_MS, MINUTE_MS, isoWeekdayOf, resolveWallTime, wallDate, zoneOf } from './wallclock.js';

/**
 * Every occurrence of the grid's slots whose local start date lies in [fromDate, toDate] (inclusive,
 * station-local), as UTC intervals sorted by start, then slot index.
 *
 * Daylight saving: a slot keeps its wall-clock start (06:00 stays 06:00 local on both sides of a change).
 * An occurrence covers the part of its wall-clock span that exists that day, and never lasts longer than the
 * slot's duration:
 *  - start in a skipped hour (spring forward, e.g. 02:30 on 29 Mar 2026 in Europe/Berlin): the occurrence
 *    starts when the gap closes (03:00 CEST); if the whole span was skipped there is no occurrence that day;
 *  - start in a repeated hour (fall back): the first occurrence of that wall time is used;
 *  - end = min(start + duration, the wall-clock end), so a slot never runs past its wall-clock end
 *    (hence never into quiet hours the grid was checked against) nor beyond its duration.
 */
export function slotInstances(grid: Grid, timezone: string, fromDate: LocalDate, toDate: LocalDate): SlotInstance[] {
  const zone = zoneOf(timezone);
  const first = wallDate(fromDate);
  const last = wallDate(toDate);
  const slots = grid.map((slot, slotIndex) => {
    const start = parseHHMM(slot.start);
    if (start === null || !(slot.durationMin > 0)) {
      throw new RangeError(`grid slot ${slotIndex} is malformed; validate the grid before materialising it`);
    }
    return { slotIndex, days: new Set(slot.days), startMs: start * MINUTE_MS, durationMs: slot.durationMin * MINUTE_MS };
  });

  const out: SlotInstance[] = [];
  for (let day = first; day <= last; day += DAY_MS) {
    const weekday = isoWeekdayOf(day);
    for (const slot of slots) {
      if (!slot.days.has(weekday)) continue;
      const wallStart = day + slot.startMs;
      const startsAt = resolveWallTime(zone, wallStart).at;
      const endsAt = Math.min(startsAt + slot.durationMs, resolveWallTime(zone, wallStart + slot.durationMs).at);
      if (endsAt > startsAt) out.push({ startsAt: new Date(startsAt), endsAt: new Date(endsAt), slotIndex: slot.slotIndex });
    }
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.slotIndex - b.slotIndex);
}

/** The period [fromDate 00:00, the day after toDate 00:00) in the station's zone, as UTC instants. */
export function localPeriod(timezone: string, fromDate: LocalDate, toDate: LocalDate): Interval {
  const zone = zoneOf(timezone);
  return {
    startsAt: new Date(resolveWallTime(zone, wallDate(fromDate)).at),
    endsAt: new Date(resolveWallTime(zone, wallDate(toDate) + DAY_MS).at),
  };
}
