import { describe, expect, it } from 'vitest';
import {
  coversWholeMonth,
  findMonthWindow,
  isValidZone,
  localDate,
  localMonth,
  monthsInPeriod,
  monthWindows,
  periodPreset,
  periodQuerySchema,
  periodSchema,
  presetOf,
} from '../../src/domain/tracking/index.js';

const HCM = 'Asia/Ho_Chi_Minh';

describe('periodPreset', () => {
  it('gives the two halves and the whole year', () => {
    expect(periodPreset('H1', 2026)).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(periodPreset('H2', 2026)).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(periodPreset('year', 2027)).toEqual({ from: '2027-01-01', to: '2027-12-31' });
    expect(monthsInPeriod(periodPreset('H2', 2026))).toEqual(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(monthsInPeriod(periodPreset('year', 2026))).toHaveLength(12);
  });

  it('refuses a year that is not four digits', () => {
    expect(() => periodPreset('H1', 26)).toThrow(RangeError);
    expect(() => periodPreset('year', 2026.5)).toThrow(RangeError);
  });

  it('recognises a preset range and treats anything else as ad hoc', () => {
    expect(presetOf({ from: '2026-07-01', to: '2026-12-31' })).toEqual({ preset: 'H2', year: 2026 });
    expect(presetOf({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ preset: 'year', year: 2026 });
    expect(presetOf({ from: '2026-01-01', to: '2026-06-29' })).toBeNull();
  });
});

describe('monthsInPeriod', () => {
  it('runs across a year end in calendar order', () => {
    expect(monthsInPeriod({ from: '2026-11-01', to: '2027-02-28' })).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });

  it('includes clipped first and last months of a custom range', () => {
    const p = { from: '2026-01-15', to: '2026-03-10' };
    expect(monthsInPeriod(p)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect([coversWholeMonth(p, '2026-01'), coversWholeMonth(p, '2026-02'), coversWholeMonth(p, '2026-03')]).toEqual([
      false,
      true,
      false,
    ]);
    expect(coversWholeMonth({ from: '2028-02-01', to: '2028-02-29' }, '2028-02')).toBe(true);
    expect(coversWholeMonth({ from: '2028-02-01', to: '2028-02-28' }, '2028-02')).toBe(false);
  });

  it('refuses a reversed period', () => {
    expect(() => monthsInPeriod({ from: '2026-03-01', to: '2026-02-01' })).toThrow(RangeError);
  });
});

describe('periodSchema / periodQuerySchema', () => {
  it('accepts a valid custom range and rejects bad ones', () => {
    expect(periodSchema.safeParse({ from: '2026-11-01', to: '2027-02-28' }).success).toBe(true);
    expect(periodSchema.safeParse({ from: '2026-03-01', to: '2026-02-01' }).success).toBe(false);
    expect(periodSchema.safeParse({ from: '2026-02-30', to: '2026-03-01' }).success).toBe(false);
    expect(periodSchema.safeParse({ from: '01/02/2026', to: '2026-03-01' }).success).toBe(false);
    expect(periodSchema.safeParse({ from: '2000-01-01', to: '2010-01-01' }).success).toBe(false);
  });

  it('turns a preset query into dates', () => {
    expect(periodQuerySchema.parse({ preset: 'H1', year: '2026' })).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(periodQuerySchema.parse({ from: '2026-05-02', to: '2026-05-09' })).toEqual({ from: '2026-05-02', to: '2026-05-09' });
    expect(periodQuerySchema.safeParse({ preset: 'Q1', year: '2026' }).success).toBe(false);
  });
});

describe('local dates in the station’s zone', () => {
  it('puts 2026-01-31T18:00Z in February in Ho Chi Minh City but January in UTC', () => {
    const instant = new Date('2026-01-31T18:00:00Z');
    expect(localMonth(instant, HCM)).toBe('2026-02');
    expect(localDate(instant, HCM)).toBe('2026-02-01');
    expect(localMonth(instant, 'UTC')).toBe('2026-01');
  });

  it('cuts month windows at local midnight and clips them to the period', () => {
    const windows = monthWindows({ from: '2026-01-15', to: '2026-02-28' }, HCM);
    expect(windows.map((w) => [w.month, w.startsAt.toISOString(), w.endsAt.toISOString(), w.wholeMonth])).toEqual([
      ['2026-01', '2026-01-14T17:00:00.000Z', '2026-01-31T17:00:00.000Z', false],
      ['2026-02', '2026-01-31T17:00:00.000Z', '2026-02-28T17:00:00.000Z', true],
    ]);
    expect(findMonthWindow(windows, new Date('2026-01-31T16:59:59Z'))?.month).toBe('2026-01');
    expect(findMonthWindow(windows, new Date('2026-01-31T17:00:00Z'))?.month).toBe('2026-02');
    expect(findMonthWindow(windows, new Date('2026-01-14T16:59:59Z'))).toBeUndefined();
    expect(findMonthWindow(windows, new Date('2026-02-28T17:00:00Z'))).toBeUndefined();
  });

  it('follows a daylight-saving zone’s offset change within the period', () => {
    const windows = monthWindows({ from: '2026-03-01', to: '2026-04-30' }, 'Europe/Berlin');
    expect(windows.map((w) => w.startsAt.toISOString())).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
  });

  it('refuses an unknown zone instead of counting in UTC', () => {
    expect(isValidZone(HCM)).toBe(true);
    expect(isValidZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => localMonth(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => monthWindows(periodPreset('H1', 2026), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
