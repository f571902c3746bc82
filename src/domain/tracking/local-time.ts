import { DateTime } from 'luxon';
import type { Period } from './period.js';
import { coversWholeMonth, monthsInPeriod } from './period.js';
import type { LocalDate, MonthKey } from './types.js';

/**
 * Calendar date of an instant in the station's zone — never in UTC: 18:00Z on 31 January is already
 * 1 February in Asia/Ho_Chi_Minh.
 * SQL mirror: `(started_at AT TIME ZONE station.timezone)::date`.
 */
export function localDate(instant: Date, zone: string): LocalDate {
  return inZone(instant, zone).toFormat('yyyy-MM-dd');
}

/** SQL mirror: `to_char(started_at AT TIME ZONE station.timezone, 'YYYY-MM')`. */
export function localMonth(instant: Date, zone: string): MonthKey {
  return inZone(instant, zone).toFormat('yyyy-MM');
}

/** One month of a period for one station, as a half-open UTC interval [startsAt, endsAt). */
export interface MonthWindow {
  readonly month: MonthKey;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** False for the clipped first/last month of a custom range that starts or ends mid-month. */
  readonly wholeMonth: boolean;
}

/**
 * The period's months for a station in its own zone, clipped to the period's dates, as UTC bounds.
 * Counting then compares instants against bounds (index-friendly in SQL, no per-row zone conversion here).
 */
export function monthWindows(period: Period, zone: string): MonthWindow[] {
  return monthsInPeriod(period).map((month) => {
    const monthStart = DateTime.fromISO(`${month}-01`, { zone });
    assertValid(monthStart, zone);
    const firstDay = maxDate(`${month}-01`, period.from);
    const dayAfterLast = minDate(monthStart.plus({ months: 1 }).toFormat('yyyy-MM-dd'), nextDay(period.to, zone));
    return {
      month,
      startsAt: DateTime.fromISO(firstDay, { zone }).toJSDate(),
      endsAt: DateTime.fromISO(dayAfterLast, { zone }).toJSDate(),
      wholeMonth: coversWholeMonth(period, month),
    };
  });
}

/** The window holding the instant, by binary search over windows in order; undefined outside the period. */
export function findMonthWindow(windows: readonly MonthWindow[], instant: Date): MonthWindow | undefined {
  const t = instant.getTime();
  let lo = 0;
  let hi = windows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = windows[mid];
    if (w === undefined) return undefined;
    if (t < w.startsAt.getTime()) hi = mid - 1;
    else if (t >= w.endsAt.getTime()) lo = mid + 1;
    else return w;
  }
  return undefined;
}

/** For validating station records up front; counting itself throws rather than silently falling back to UTC. */
export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

function inZone(instant: Date, zone: string): DateTime {
  const dt = DateTime.fromJSDate(instant, { zone });
  assertValid(dt, zone);
  return dt;
}

function assertValid(dt: DateTime, zone: string): void {
  if (!dt.isValid) throw new RangeError(`cannot evaluate dates in time zone "${zone}": ${dt.invalidExplanation ?? dt.invalidReason ?? 'invalid'}`);
}

function nextDay(date: LocalDate, zone: string): LocalDate {
  return DateTime.fromISO(date, { zone }).plus({ days: 1 }).toFormat('yyyy-MM-dd');
}

function maxDate(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
}

function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a < b ? a : b;
}
