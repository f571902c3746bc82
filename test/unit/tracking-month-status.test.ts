import { describe, expect, it } from 'vitest';
import {
  buildComplianceRows,
  complianceTable,
  complianceTotals,
  groupByMonth,
  groupByStation,
  monthStatus,
  monthStatusLabel,
  periodPreset,
  periodQuerySchema,
  presetOf,
  reportTitle,
  statsTotals,
  type ActivityCell,
  type StationRef,
} from '../../src/domain/tracking/index.js';
import { reportHeading } from '../../src/services/report-export.js';

const HCM = 'Asia/Ho_Chi_Minh';
// Set up on 10 March 2026 (local); the report runs January–June and is made on 15 April 2026, 10:00 local.
const newStation: StationRef = { id: 'new', code: '20001', name: 'Đài xã Mới', timezone: HCM, activeFrom: new Date('2026-03-10T03:00:00Z') };
const oldStation: StationRef = { id: 'old', code: '10001', name: 'Đài xã Cũ', timezone: HCM, activeFrom: new Date('2020-01-01T00:00:00Z') };
const H1 = periodPreset('H1', 2026);
const NOW = new Date('2026-04-15T03:00:00Z');

function cell(stationId: string, month: string, aired: number): ActivityCell {
  return { stationId, month, episodeId: 'ep', scheduled: aired, aired, onSchedule: aired, offSchedule: 0, partial: 0, missed: 0 };
}

function grid(activity: ActivityCell[] = []) {
  return buildComplianceRows({
    stations: [newStation, oldStation],
    period: H1,
    activity,
    ownProgrammes: [
      { stationId: 'old', month: '2026-01', ownProgrammes: 1 },
      { stationId: 'old', month: '2026-02', ownProgrammes: 1 },
      { stationId: 'old', month: '2026-03', ownProgrammes: 1 },
    ],
    now: NOW,
  });
}

const statusOf = (rows: ReturnType<typeof grid>, stationId: string) => rows.filter((r) => r.stationId === stationId).map((r) => r.status);

describe('month status', () => {
  it('months before the station existed are not active, the current month is in progress, later ones not due', () => {
    const rows = grid([cell('old', '2026-01', 3), cell('old', '2026-02', 3), cell('old', '2026-03', 1), cell('new', '2026-03', 3)]);
    expect(statusOf(rows, 'new')).toEqual(['not_active', 'not_active', 'not_met', 'in_progress', 'upcoming', 'upcoming']);
    expect(statusOf(rows, 'old')).toEqual(['met', 'met', 'not_met', 'in_progress', 'upcoming', 'upcoming']);
    // The bare verdict is unchanged; the status is what a reader sees.
    expect(rows.find((r) => r.stationId === 'old' && r.month === '2026-04')!.compliant).toBe(false);
  });

  it('cuts months at the station’s local midnight, for both the set-up date and now', () => {
    // 31 March 17:30 UTC is already 1 April in Hà Nội: March is over, April has begun.
    const at = new Date('2026-03-31T17:30:00Z');
    expect(monthStatus('2026-03', { timezone: HCM }, at, { compliant: true, recorded: true })).toBe('met');
    expect(monthStatus('2026-04', { timezone: HCM }, at, { compliant: false, recorded: false })).toBe('in_progress');
    expect(monthStatus('2026-03', { timezone: 'UTC' }, at, { compliant: false, recorded: false })).toBe('in_progress');
    // Set up at 00:30 local on 1 April: March ended before it, so March is not held against it.
    const station = { timezone: HCM, activeFrom: new Date('2026-03-31T17:30:00Z') };
    expect(monthStatus('2026-03', station, NOW, { compliant: false, recorded: false })).toBe('not_active');
    expect(monthStatus('2026-04', station, new Date('2026-05-02T00:00:00Z'), { compliant: false, recorded: false })).toBe('not_met');
  });

  it('a month with something recorded counts even if the station record is newer (history kept on migration)', () => {
    const rows = grid([cell('new', '2026-01', 2)]);
    expect(statusOf(rows, 'new').slice(0, 2)).toEqual(['not_met', 'not_active']);
  });

  it('without a "now" every month is judged, as before', () => {
    const rows = buildComplianceRows({ stations: [oldStation], period: H1, activity: [], ownProgrammes: [] });
    expect(rows.every((r) => r.status === 'not_met')).toBe(true);
  });
});

describe('totals leave out months before a station existed and judge only finished months', () => {
  const rows = grid([cell('old', '2026-01', 3), cell('old', '2026-02', 3), cell('old', '2026-03', 1), cell('old', '2026-04', 2), cell('new', '2026-03', 3)]);

  it('report totals', () => {
    const t = complianceTotals(rows);
    // new: Mar judged (not met: no own programme), Apr–Jun open; old: Jan, Feb met, Mar not met, Apr–Jun open.
    expect(t.rows).toBe(4);
    expect(t.compliantRows).toBe(2);
    expect(t.openRows).toBe(6);
    expect(t.aired).toBe(3 + 3 + 1 + 2 + 3);
    // Targets: 10 station-months counted (new's January and February are not), 3 rebroadcasts each.
    expect(t.rebroadcastTarget).toBe(10 * 3);
    expect(t.ownProgrammeTarget).toBe(10);
    expect(t.compliant).toBe(false);
  });

  it('per station and per month', () => {
    const byStation = groupByStation(rows);
    const fresh = byStation.find((s) => s.stationId === 'new')!;
    expect(fresh).toMatchObject({ months: 1, monthsCompliant: 0, rebroadcastTarget: 4 * 3, status: 'not_met', compliant: false });
    const byMonth = groupByMonth(rows);
    expect(byMonth.map((m) => [m.month, m.status, m.stations, m.stationsCompliant])).toEqual([
      ['2026-01', 'met', 1, 1],
      ['2026-02', 'met', 1, 1],
      ['2026-03', 'not_met', 2, 0],
      ['2026-04', 'in_progress', 0, 0],
      ['2026-05', 'upcoming', 0, 0],
      ['2026-06', 'upcoming', 0, 0],
    ]);
    // Months in progress neither meet nor fail the whole: January and February alone are met.
    expect(statsTotals(byMonth.slice(0, 2).concat(byMonth.slice(3))).compliant).toBe(true);
  });

  it('in words: "—" before the station existed, "Đang diễn ra" for the current month', () => {
    const table = complianceTable(rows, complianceTotals(rows), 'vi');
    const headings = table.headings;
    const col = (name: string) => headings.indexOf(name);
    // Ordered by commune code: the old station (10001) first, then the new one.
    const newJan = table.rows[6]!;
    expect(newJan[col('Tháng')]).toBe('01/2026');
    expect(newJan[col('Phát lại')]).toBe('—');
    expect(newJan[col('Chỉ tiêu phát lại')]).toBe('—');
    expect(newJan[col('Đạt chỉ tiêu')]).toBe('—');
    const newApr = table.rows[9]!;
    expect(newApr[col('Đạt chỉ tiêu')]).toBe('Đang diễn ra');
    expect(newApr[col('Phát lại')]).toBe(0);
    expect(table.totals[col('Đạt chỉ tiêu')]).toBe('2/4');
    expect(monthStatusLabel('in_progress', 'en')).toBe('In progress');
    expect(monthStatusLabel('not_met')).toBe('Chưa đạt');
  });
});

describe('monthly preset', () => {
  it('is the calendar month, leap years included', () => {
    expect(periodPreset('month', 2026, 2)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodPreset('month', 2028, 2)).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodPreset('month', 2026, 12)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(() => periodPreset('month', 2026, 13)).toThrow(RangeError);
    expect(() => periodPreset('month', 2026, 0)).toThrow(RangeError);
  });

  it('is read from a query and named in the report title', () => {
    expect(periodQuerySchema.parse({ preset: 'month', year: '2026', month: '3' })).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(periodQuerySchema.safeParse({ preset: 'month', year: '2026' }).success).toBe(false);
    expect(periodQuerySchema.safeParse({ preset: 'month', year: '2026', month: '13' }).success).toBe(false);
    expect(presetOf({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ preset: 'month', year: 2026, month: 3 });
    expect(presetOf({ from: '2026-03-01', to: '2026-03-30' })).toBeNull();
    // The yearly and half-year names still win for their own ranges.
    expect(presetOf({ from: '2026-01-01', to: '2026-06-30' })).toEqual({ preset: 'H1', year: 2026 });
    expect(reportTitle('month')).toBe('Báo cáo tháng');
    expect(reportHeading({ from: '2026-03-01', to: '2026-03-31' }, 'vi')).toBe('Báo cáo tháng 03/2026 — 01/03/2026–31/03/2026');
    expect(reportHeading({ from: '2026-03-01', to: '2026-03-31' }, 'en')).toBe('Monthly report 03/2026 — 01/03/2026–31/03/2026');
  });
});
