import { DEFAULT_TARGETS } from './defaults.js';
import type { Targets } from './defaults.js';
import { sumActivity } from './counting-rules.js';
import type { ActivityCounts } from './counting-rules.js';
import { isJudged, type ComplianceRow, type MonthStatus } from './compliance.js';
import type { ActivityCell } from './tally.js';
import type { MonthKey } from './types.js';

export type GroupBy = 'station' | 'episode' | 'month';

/**
 * In every grouped row the targets are in the same units as the counts beside them (summed over the
 * station-months or stations the row covers), and `compliant` means every part met its own target:
 * a station that over-delivers in one month does not make up for a month it missed.
 */
export interface StationStatsRow extends ActivityCounts {
  readonly stationId: string;
  readonly stationCode: string;
  readonly stationName: string;
  readonly ownProgrammes: number;
  /** Months judged (ended, station active). */
  readonly months: number;
  readonly monthsCompliant: number;
  readonly rebroadcastTarget: number;
  readonly ownProgrammeTarget: number;
  readonly compliant: boolean;
  readonly status: MonthStatus;
}

export interface MonthStatsRow extends ActivityCounts {
  readonly month: MonthKey;
  readonly ownProgrammes: number;
  /** Stations judged in the month (active, month ended). */
  readonly stations: number;
  readonly stationsCompliant: number;
  readonly rebroadcastTarget: number;
  readonly ownProgrammeTarget: number;
  readonly compliant: boolean;
  readonly status: MonthStatus;
}

/** Own programmes and their target do not apply to a producer's episode, so they are absent here. */
export interface EpisodeStatsRow extends ActivityCounts {
  readonly episodeId: string;
  /** Stations that had the episode scheduled or played in the period. */
  readonly stations: number;
  /** Stations that rebroadcast it at least the monthly target. */
  readonly stationsCompliant: number;
  readonly rebroadcastTarget: number;
  readonly compliant: boolean;
}

/** Rows of the grid folded per station, in the grid's station order. */
export function groupByStation(rows: readonly ComplianceRow[]): StationStatsRow[] {
  return [...bucket(rows, (r) => r.stationId).values()].map((all): StationStatsRow => {
    const first = all[0] as ComplianceRow;
    const { group, judged, status } = judgedPart(all);
    const monthsCompliant = judged.filter((r) => r.status === 'met').length;
    return {
      stationId: first.stationId,
      stationCode: first.stationCode,
      stationName: first.stationName,
      ...sumActivity(group),
      ownProgrammes: total(group, (r) => r.ownProgrammes),
      months: judged.length,
      monthsCompliant,
      rebroadcastTarget: total(group, (r) => r.rebroadcastTarget),
      ownProgrammeTarget: total(group, (r) => r.ownProgrammeTarget),
      compliant: status === 'met',
      status,
    };
  });
}

/** Rows of the grid folded per month across stations, in calendar order. */
export function groupByMonth(rows: readonly ComplianceRow[]): MonthStatsRow[] {
  return [...bucket(rows, (r) => r.month).values()]
    .map((all): MonthStatsRow => {
      const first = all[0] as ComplianceRow;
      const { group, judged, status } = judgedPart(all);
      const stationsCompliant = judged.filter((r) => r.status === 'met').length;
      return {
        month: first.month,
        ...sumActivity(group),
        ownProgrammes: total(group, (r) => r.ownProgrammes),
        stations: judged.length,
        stationsCompliant,
        rebroadcastTarget: total(group, (r) => r.rebroadcastTarget),
        ownProgrammeTarget: total(group, (r) => r.ownProgrammeTarget),
        compliant: status === 'met',
        status,
      };
    })
    .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

/**
 * Activity per episode across stations. A station meets the episode's target when it rebroadcast that
 * episode at least `rebroadcastsPerMonth` times in the period — the column's "3 times a month" applied to
 * the month's episode.
 */
export function groupByEpisode(activity: readonly ActivityCell[], targets: Targets = DEFAULT_TARGETS): EpisodeStatsRow[] {
  return [...bucket(activity, (c) => c.episodeId).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([episodeId, cells]): EpisodeStatsRow => {
      const perStation = [...bucket(cells, (c) => c.stationId).values()].map((g) => sumActivity(g));
      const stationsCompliant = perStation.filter((c) => c.aired >= targets.rebroadcastsPerMonth).length;
      return {
        episodeId,
        ...sumActivity(cells),
        stations: perStation.length,
        stationsCompliant,
        rebroadcastTarget: targets.rebroadcastsPerMonth * perStation.length,
        compliant: stationsCompliant === perStation.length,
      };
    });
}

export type StatsRow = StationStatsRow | MonthStatsRow | EpisodeStatsRow;

/** Dispatch for the stats endpoint's `groupBy` parameter. */
export function groupStats(
  groupBy: GroupBy,
  source: { readonly rows: readonly ComplianceRow[]; readonly activity: readonly ActivityCell[]; readonly targets?: Targets },
): StatsRow[] {
  switch (groupBy) {
    case 'station':
      return groupByStation(source.rows);
    case 'month':
      return groupByMonth(source.rows);
    case 'episode':
      return groupByEpisode(source.activity, source.targets);
  }
}

/** Totals line for any grouping: the counts summed, and met only when every row is met. */
export function statsTotals(rows: readonly StatsRow[]): ActivityCounts & { readonly rebroadcastTarget: number; readonly compliant: boolean } {
  // A station or month not judged yet (in progress, before the station existed) neither meets nor fails the whole.
  const judged = rows.filter((r) => !('status' in r) || isJudged(r.status));
  return {
    ...sumActivity(rows),
    rebroadcastTarget: total(rows, (r) => r.rebroadcastTarget),
    compliant: judged.length > 0 && judged.every((r) => r.compliant),
  };
}

/**
 * The rows that count (a station's months before it existed do not) and the judged ones among them. The group is
 * met or not met on its judged rows alone; with none judged it is in progress (or still to come, or not active).
 */
function judgedPart(all: readonly ComplianceRow[]): { group: ComplianceRow[]; judged: ComplianceRow[]; status: MonthStatus } {
  const group = all.filter((r) => r.status !== 'not_active');
  const judged = group.filter((r) => isJudged(r.status));
  let status: MonthStatus;
  if (judged.length > 0) status = judged.every((r) => r.status === 'met') ? 'met' : 'not_met';
  else if (group.some((r) => r.status === 'in_progress')) status = 'in_progress';
  else status = group.length > 0 ? 'upcoming' : 'not_active';
  return { group, judged, status };
}

function bucket<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}

function total<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((acc, item) => acc + f(item), 0);
}
