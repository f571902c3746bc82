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
}

export interface ComplianceGridInput {
  readonly stations: readonly StationRef[];
  readonly period: Period;
  readonly activity: readonly ActivityCell[];
  readonly ownProgrammes: readonly OwnProgrammeCell[];
  readonly targets?: Targets;
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
        ...evaluateCompliance({ aired: counts.aired, ownProgrammes }, targets),
      };
    }),
  );
}

export interface ComplianceTotals extends ActivityCounts {
  readonly ownProgrammes: number;
  readonly rebroadcastTarget: number;
  readonly ownProgrammeTarget: number;
  readonly rows: number;
  readonly compliantRows: number;
  /** Every station-month met its targets; false for an empty report rather than a vacuous "met". */
  readonly compliant: boolean;
}

/** The totals line of the report: sums of the rows, targets summed the same way. */
export function complianceTotals(rows: readonly ComplianceRow[]): ComplianceTotals {
  const compliantRows = rows.filter((r) => r.compliant).length;
  return {
    ...sumActivity(rows),
    ownProgrammes: sum(rows, (r) => r.ownProgrammes),
    rebroadcastTarget: sum(rows, (r) => r.rebroadcastTarget),
    ownProgrammeTarget: sum(rows, (r) => r.ownProgrammeTarget),
    rows: rows.length,
    compliantRows,
    compliant: rows.length > 0 && compliantRows === rows.length,
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
  });
  return { rows, totals: complianceTotals(rows) };
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((acc, item) => acc + f(item), 0);
}

// Codes are 5-digit strings; a plain code-unit comparison is stable and locale-independent.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
