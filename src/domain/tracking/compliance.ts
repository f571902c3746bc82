import { DateTime } from 'luxon';
import { DEFAULT_TARGETS } from './defaults.js';
import type { Targets } from './defaults.js';
import { sumActivity } from './counting-rules.js';
import type { ActivityCounts } from './counting-rules.js';
import { coversWholeMonth, monthsInPeriod } from './period.js';
import type { Period } from './period.js';
import { tallyActivity } from './tally.js';
import type { ActivityCell, OwnProgrammeCell, StationRef, TallyInput } from './tally.js';
import type { MonthKey } from './types.js';

export interface ComplianceVerdict {
  readonly rebroadcastsMet: boolean;
  readonly ownProgrammesMet: boolean;
  /** Both targets met: "Đạt"; otherwise "Chưa đạt". */
  readonly compliant: boolean;
}

/** The target rule for one station-month, whatever produced the counts (this module or SQL). */
export function evaluateCompliance(
  counts: { readonly aired: number; readonly ownProgrammes: number },
  targets: Targets = DEFAULT_TARGETS,
): ComplianceVerdict {
  const rebroadcastsMet = counts.aired >= targets.rebroadcastsPerMonth;
  const ownProgrammesMet = counts.ownProgrammes >= targets.ownProgrammesPerMonth;
  return { rebroadcastsMet, ownProgrammesMet, compliant: rebroadcastsMet && ownProgrammesMet };
}

/**
 * Whether a station-month can be judged yet. Only a month that has ended, in a station that existed, is "Đạt" or
 * "Chưa đạt": the current month is "đang diễn ra" until it ends, a month still to come is not due, and months
 * before the station was set up are not held against it ("—", left out of the totals).
 */
export type MonthStatus = 'met' | 'not_met' | 'in_progress' | 'upcoming' | 'not_active';

export function isJudged(status: MonthStatus): boolean {
  return status === 'met' || status === 'not_met';
}

/**
 * The month's status for a station, with the month cut at the station's local midnight. The month the station
 * was set up in counts (it had part of the month to reach its target, as with a clipped custom range), and so
 * does any month with something recorded in it (a station migrated from an older system keeps its history).
 */
export function monthStatus(
  month: MonthKey,
  station: Pick<StationRef, 'timezone' | 'activeFrom'>,
  now: Date | undefined,
  cell: { readonly compliant: boolean; readonly recorded: boolean },
): MonthStatus {
  const start = DateTime.fromISO(`${month}-01`, { zone: station.timezone });
  if (!start.isValid) throw new RangeError(`cannot evaluate dates in time zone "${station.timezone}"`);
  const end = start.plus({ months: 1 });
  if (!cell.recorded && station.activeFrom !== undefined && station.activeFrom.getTime() >= end.toMillis()) return 'not_active';
  if (now !== undefined) {
    if (now.getTime() < start.toMillis()) return 'upcoming';
    if (now.getTime() < end.toMillis()) return 'in_progress';
  }
  return cell.compliant ? 'met' : 'not_met';
}

/** One cell of the stations × months grid. */
export interface ComplianceRow extends ActivityCounts, ComplianceVerdict {
  readonly stationId: string;
  readonly stationCode: string;
  readonly stationName: string;
  readonly month: MonthKey;
  /**
   * False when a custom range cuts the month; the row still holds the full monthly target, so a reader
   * should not take "not met" in a clipped month at face value.
   */
  readonly wholeMonth: boolean;
  readonly ownProgrammes: number;
  readonly rebroadcastTarget: number;
  readonly ownProgrammeTarget: number;
  /** `compliant` is the bare count-against-target verdict; only a judged status (met/not_met) is shown as such. */
  readonly status: MonthStatus;
}

export interface ComplianceGridInput {
  readonly stations: readonly StationRef[];
  readonly period: Period;
  readonly activity: readonly ActivityCell[];
  readonly ownProgrammes: readonly OwnProgrammeCell[];
  readonly targets?: Targets;
  /** When the report is made: months not over by then are in progress or still to come. Absent: all judged. */
  readonly now?: Date;
}

/**
 * Every station × every month of the period, zeros included — a station that reported nothing is exactly
 * the one the report must show as behind. Ordered by commune code, then month.
 */
export function buildComplianceRows(input: ComplianceGridInput): ComplianceRow[] {
  const targets = input.targets ?? DEFAULT_TARGETS;
  const months = monthsInPeriod(input.period);
  const key = (stationId: string, month: MonthKey): string => `${stationId}\u0000${month}`;

  const activity = new Map<string, ActivityCounts[]>();
  for (const cell of input.activity) {
    const k = key(cell.stationId, cell.month);
    const list = activity.get(k) ?? [];
    list.push(cell);
    activity.set(k, list);
  }
  const own = new Map<string, number>();
  for (const cell of input.ownProgrammes) {
    const k = key(cell.stationId, cell.month);
    own.set(k, (own.get(k) ?? 0) + cell.ownProgrammes);
  }

  const stations = [...input.stations].sort((a, b) => compareText(a.code, b.code) || compareText(a.id, b.id));
  return stations.flatMap((station) =>
    months.map((month): ComplianceRow => {
      const k = key(station.id, month);
      const counts = sumActivity(activity.get(k) ?? []);
      const ownProgrammes = own.get(k) ?? 0;
      const verdict = evaluateCompliance({ aired: counts.aired, ownProgrammes }, targets);
      return {
        stationId: station.id,
        stationCode: station.code,
        stationName: station.name,
        month,
        wholeMonth: coversWholeMonth(input.period, month),
        ...counts,
        ownProgrammes,
        rebroadcastTarget: targets.rebroadcastsPerMonth,
        ownProgrammeTarget: targets.ownProgrammesPerMonth,
        ...verdict,
        status: monthStatus(month, station, input.now, { compliant: verdict.compliant, recorded: isRecorded(counts, ownProgrammes) }),
      };
    }),
  );
}

export interface ComplianceTotals extends ActivityCounts {
  readonly ownProgrammes: number;
  readonly rebroadcastTarget: number;
  readonly ownProgrammeTarget: number;
  /** Station-months judged (ended, station active): the denominator of "met". */
  readonly rows: number;
  readonly compliantRows: number;
  /** Station-months not over yet (in progress or still to come): counted, not judged. */
  readonly openRows: number;
  /** Every judged station-month met its targets; false when nothing is judged rather than a vacuous "met". */
  readonly compliant: boolean;
}

/**
 * The totals line of the report: sums of the rows, targets summed the same way. Months before a station
 * existed add nothing, neither counts nor targets; months not over yet add their counts and targets but no verdict.
 */
export function complianceTotals(all: readonly ComplianceRow[]): ComplianceTotals {
  const rows = all.filter((r) => r.status !== 'not_active');
  const judged = rows.filter((r) => isJudged(r.status));
  const compliantRows = judged.filter((r) => r.status === 'met').length;
  return {
    ...sumActivity(rows),
    ownProgrammes: sum(rows, (r) => r.ownProgrammes),
    rebroadcastTarget: sum(rows, (r) => r.rebroadcastTarget),
    ownProgrammeTarget: sum(rows, (r) => r.ownProgrammeTarget),
    rows: judged.length,
    compliantRows,
    openRows: rows.length - judged.length,
    compliant: judged.length > 0 && compliantRows === judged.length,
  };
}

export interface ComplianceReport {
  readonly rows: ComplianceRow[];
  readonly totals: ComplianceTotals;
}

/** The whole pipeline in memory: tally, then grid, then totals. The SQL path replaces only the tally. */
export function computeCompliance(input: TallyInput & { readonly targets?: Targets }): ComplianceReport {
  const tally = tallyActivity(input);
  const rows = buildComplianceRows({
    stations: input.stations,
    period: input.period,
    activity: tally.activity,
    ownProgrammes: tally.ownProgrammes,
    ...(input.targets !== undefined ? { targets: input.targets } : {}),
    now: input.now,
  });
  return { rows, totals: complianceTotals(rows) };
}

function isRecorded(counts: ActivityCounts, ownProgrammes: number): boolean {
  return ownProgrammes > 0 || counts.scheduled + counts.aired + counts.partial + counts.missed > 0;
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((acc, item) => acc + f(item), 0);
}

// Codes are 5-digit strings; a plain code-unit comparison is stable and locale-independent.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
