import { airingStatus } from './airing-status.js';
import { addAiring, addPlay, countsTowardRebroadcasts, ZERO_ACTIVITY } from './counting-rules.js';
import type { ActivityCounts, CountScope, EpisodeFacts } from './counting-rules.js';
import { findMonthWindow, monthWindows } from './local-time.js';
import type { MonthWindow } from './local-time.js';
import type { Period } from './period.js';
import type { AiringWindow, MonthKey, PlayKind } from './types.js';

export interface StationRef {
  readonly id: string;
  /** The commune's 5-digit administrative code. */
  readonly code: string;
  readonly name: string;
  /** IANA zone; months are cut at the station's local midnight. */
  readonly timezone: string;
  /** When the station was set up: months that ended before it are not counted against it. */
  readonly activeFrom?: Date;
}

export interface TrackedPlay {
  readonly stationId: string;
  readonly episodeId: string;
  /** The airing it matched at ingestion; null = off schedule. */
  readonly airingId: string | null;
  readonly startedAt: Date;
  readonly kind: PlayKind;
}

export interface TrackedAiring extends AiringWindow {
  readonly stationId: string;
}

/** One own programme of a commune, dated by whatever the deployment counts it by (upload or first air). */
export interface OwnProgrammeRecord {
  readonly stationId: string;
  readonly episodeId: string;
  readonly countedAt: Date;
}

/** Counts for one station, month and episode: the grain the SQL `GROUP BY` produces. */
export interface ActivityCell extends ActivityCounts {
  readonly stationId: string;
  readonly month: MonthKey;
  readonly episodeId: string;
}

export interface OwnProgrammeCell {
  readonly stationId: string;
  readonly month: MonthKey;
  readonly ownProgrammes: number;
}

export interface TallyInput {
  readonly stations: readonly StationRef[];
  readonly episodes: ReadonlyMap<string, EpisodeFacts>;
  readonly plays: readonly TrackedPlay[];
  readonly airings: readonly TrackedAiring[];
  readonly ownProgrammes: readonly OwnProgrammeRecord[];
  readonly period: Period;
  readonly now: Date;
  readonly missedGraceSec: number;
  readonly scope?: CountScope;
}

export interface Tally {
  readonly activity: ActivityCell[];
  readonly ownProgrammes: OwnProgrammeCell[];
}

/**
 * Reference implementation of the counting the database does in SQL: what the report means, in code small
 * enough to test exhaustively. Fine for thousands of rows; the SQL path exists for a million.
 *
 * Airing status uses every play given, not only those inside the period, because a play matched within the
 * tolerance may start just across the period's edge from its airing.
 */
export function tallyActivity(input: TallyInput): Tally {
  const windows = new Map<string, MonthWindow[]>(
    input.stations.map((s) => [s.id, monthWindows(input.period, s.timezone)]),
  );
  const monthOf = (stationId: string, at: Date): MonthKey | undefined => {
    const w = windows.get(stationId);
    return w === undefined ? undefined : findMonthWindow(w, at)?.month;
  };
  const counts = (episodeId: string): boolean => countsTowardRebroadcasts(input.episodes.get(episodeId), input.scope);

  const cells = new Map<string, { stationId: string; month: MonthKey; episodeId: string; counts: ActivityCounts }>();
  const bump = (stationId: string, month: MonthKey, episodeId: string, f: (c: ActivityCounts) => ActivityCounts): void => {
    const key = `${stationId}\u0000${month}\u0000${episodeId}`;
    const cell = cells.get(key) ?? { stationId, month, episodeId, counts: ZERO_ACTIVITY };
    cells.set(key, { ...cell, counts: f(cell.counts) });
  };

  // An airing airs once: a second full play matched to it (the agent's report after an operator marked it by
  // hand, say) is kept on record but adds no rebroadcast. SQL mirror: count(DISTINCT airing_id).
  const airedAirings = new Set<string>();
  // The first full play decides, wherever it falls: a repeat stays a repeat when the period cuts between the two
  // (SQL mirror: the `repeat` flag, set at ingestion in arrival order).
  for (const play of input.plays) {
    if (play.kind === 'rebroadcast' && play.airingId !== null) {
      if (airedAirings.has(play.airingId)) continue;
      airedAirings.add(play.airingId);
    }
    if (!counts(play.episodeId)) continue;
    const month = monthOf(play.stationId, play.startedAt);
    if (month === undefined) continue;
    bump(play.stationId, month, play.episodeId, (c) => addPlay(c, play));
  }

  const matched = new Map<string, { kind: PlayKind }[]>();
  for (const play of input.plays) {
    if (play.airingId === null) continue;
    const list = matched.get(play.airingId) ?? [];
    list.push(play);
    matched.set(play.airingId, list);
  }
  for (const airing of input.airings) {
    if (!counts(airing.episodeId)) continue;
    const month = monthOf(airing.stationId, airing.startsAt);
    if (month === undefined) continue;
    const status = airingStatus(airing, matched.get(airing.id) ?? [], input.now, input.missedGraceSec);
    bump(airing.stationId, month, airing.episodeId, (c) => addAiring(c, status));
  }

  // Distinct per episode: the same programme listed twice (re-upload, two airings) is still one programme.
  const own = new Map<string, { stationId: string; month: MonthKey; episodes: Set<string> }>();
  for (const rec of input.ownProgrammes) {
    const month = monthOf(rec.stationId, rec.countedAt);
    if (month === undefined) continue;
    const key = `${rec.stationId}\u0000${month}`;
    const entry = own.get(key) ?? { stationId: rec.stationId, month, episodes: new Set<string>() };
    entry.episodes.add(rec.episodeId);
    own.set(key, entry);
  }

  return {
    activity: [...cells.values()].map((c) => ({ stationId: c.stationId, month: c.month, episodeId: c.episodeId, ...c.counts })),
    ownProgrammes: [...own.values()].map((o) => ({ stationId: o.stationId, month: o.month, ownProgrammes: o.episodes.size })),
  };
}
