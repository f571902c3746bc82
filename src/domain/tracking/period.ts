import { z } from 'zod';
import type { LocalDate, MonthKey } from './types.js';

/** A reporting period: calendar dates, both inclusive, read in each station's own time zone. */
export interface Period {
  readonly from: LocalDate;
  readonly to: LocalDate;
}

/** The source document's reporting rhythm: every 6 months and at year end; a month for the commune's own follow-up. */
export type PeriodPreset = 'month' | 'H1' | 'H2' | 'year';

/** Ten years of months is far beyond any report and keeps a typo (year 20266) from building huge grids. */
export const MAX_PERIOD_MONTHS = 120;

/** `month` (1–12) is read only by the monthly preset. */
export function periodPreset(preset: PeriodPreset, year: number, month = 1): Period {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`year must be a four-digit integer, got ${year}`);
  }
  switch (preset) {
    case 'month': {
      if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month must be 1–12, got ${month}`);
      const mm = String(month).padStart(2, '0');
      const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(lastDay).padStart(2, '0')}` };
    }
    case 'H1':
      return { from: `${year}-01-01`, to: `${year}-06-30` };
    case 'H2':
      return { from: `${year}-07-01`, to: `${year}-12-31` };
    case 'year':
      return { from: `${year}-01-01`, to: `${year}-12-31` };
  }
}

/** Months touched by the period, in calendar order (a period over a year end runs Nov, Dec, Jan, …). */
export function monthsInPeriod(period: Period): MonthKey[] {
  if (period.from > period.to) throw new RangeError(`period starts ${period.from}, after its end ${period.to}`);
  const months: MonthKey[] = [];
  let { year, month } = splitMonth(period.from.slice(0, 7));
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** Whether the period covers the whole month, i.e. the month's target is fairly comparable to its counts. */
export function coversWholeMonth(period: Period, month: MonthKey): boolean {
  const { year, month: m } = splitMonth(month);
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return period.from <= `${month}-01` && period.to >= `${month}-${String(lastDay).padStart(2, '0')}`;
}

function splitMonth(key: MonthKey): { year: number; month: number } {
  return { year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)) };
}

const localDateSchema = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

function monthSpan(period: Period): number {
  const a = splitMonth(period.from.slice(0, 7));
  const b = splitMonth(period.to.slice(0, 7));
  return (b.year - a.year) * 12 + (b.month - a.month) + 1;
}

/** A custom range, as the report query carries it. */
export const periodSchema = z
  .object({ from: localDateSchema, to: localDateSchema })
  .refine((p) => p.from <= p.to, { error: '"from" must not be after "to"', path: ['to'], params: { messageVi: 'phải cùng ngày hoặc sau «Từ ngày»' } })
  .refine((p) => monthSpan(p) <= MAX_PERIOD_MONTHS, {
    error: `the period must span at most ${MAX_PERIOD_MONTHS} months`,
    path: ['to'],
    params: { messageVi: `cách «Từ ngày» không quá ${MAX_PERIOD_MONTHS} tháng` },
  });

/**
 * Either a custom range or a preset (`preset=H1&year=2026`), as a report query may carry it.
 * Query strings are text, hence the coerced year.
 */
export const periodQuerySchema = z.union([
  periodSchema,
  z
    .object({ preset: z.enum(['H1', 'H2', 'year']), year: z.coerce.number().int().min(1000).max(9999) })
    .transform((q) => periodPreset(q.preset, q.year)),
  z
    .object({ preset: z.literal('month'), year: z.coerce.number().int().min(1000).max(9999), month: z.coerce.number().int().min(1).max(12) })
    .transform((q) => periodPreset('month', q.year, q.month)),
]);

/** Names a period that is exactly a preset (for the report title); anything else is an ad hoc range. */
export function presetOf(period: Period): { readonly preset: PeriodPreset; readonly year: number; readonly month?: number } | null {
  const year = Number(period.from.slice(0, 4));
  if (!(year >= 1000 && year <= 9999)) return null;
  for (const preset of ['H1', 'H2', 'year'] as const) {
    const p = periodPreset(preset, year);
    if (p.from === period.from && p.to === period.to) return { preset, year };
  }
  const month = Number(period.from.slice(5, 7));
  if (month >= 1 && month <= 12) {
    const p = periodPreset('month', year, month);
    if (p.from === period.from && p.to === period.to) return { preset: 'month', year, month };
  }
  return null;
}
