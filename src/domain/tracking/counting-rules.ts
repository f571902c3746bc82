import type { AiringStatus, PlayKind } from './types.js';

/**
 * The per-row rules that turn plays and airings into counts. Each is tiny on purpose: the database layer
 * does the same counting in SQL (see the mirrors) and must agree with these to the unit.
 */

/**
 * Counts of one group. `aired` is rebroadcasts only, and it splits exactly into `onSchedule + offSchedule`;
 * partial plays are counted apart and never count toward the target.
 */
export interface ActivityCounts {
  readonly scheduled: number;
  readonly aired: number;
  readonly onSchedule: number;
  readonly offSchedule: number;
  readonly partial: number;
  readonly missed: number;
}

export const ZERO_ACTIVITY: ActivityCounts = Object.freeze({
  scheduled: 0,
  aired: 0,
  onSchedule: 0,
  offSchedule: 0,
  partial: 0,
  missed: 0,
});

/** What decides whether an episode's plays count toward the rebroadcast target. */
export interface EpisodeFacts {
  /** Made by the commune itself: counts toward the own-programme target, not as a rebroadcast. */
  readonly ownProgramme: boolean;
  readonly seriesId: string | null;
}

/** Restricts the rebroadcast target to the producer's column(s); absent means every producer episode. */
export interface CountScope {
  readonly seriesIds?: readonly string[];
}

/**
 * SQL mirror: `NOT e.own_programme AND (e.series_id = ANY($seriesIds) OR $seriesIds IS NULL)`.
 */
export function countsTowardRebroadcasts(facts: EpisodeFacts | undefined, scope: CountScope = {}): boolean {
  if (facts === undefined || facts.ownProgramme) return false;
  if (scope.seriesIds === undefined) return true;
  return facts.seriesId !== null && scope.seriesIds.includes(facts.seriesId);
}

/**
 * SQL mirror:
 * `count(*) FILTER (WHERE kind = 'rebroadcast') AS aired,
 *  count(*) FILTER (WHERE kind = 'rebroadcast' AND airing_id IS NOT NULL) AS on_schedule,
 *  count(*) FILTER (WHERE kind = 'rebroadcast' AND airing_id IS NULL) AS off_schedule,
 *  count(*) FILTER (WHERE kind = 'partial') AS partial`.
 */
export function addPlay(counts: ActivityCounts, play: { readonly kind: PlayKind; readonly airingId: string | null }): ActivityCounts {
  if (play.kind === 'partial') return { ...counts, partial: counts.partial + 1 };
  return play.airingId !== null
    ? { ...counts, aired: counts.aired + 1, onSchedule: counts.onSchedule + 1 }
    : { ...counts, aired: counts.aired + 1, offSchedule: counts.offSchedule + 1 };
}

/** SQL mirror: `count(*) AS scheduled, count(*) FILTER (WHERE <status> = 'missed') AS missed`. */
export function addAiring(counts: ActivityCounts, status: AiringStatus): ActivityCounts {
  return { ...counts, scheduled: counts.scheduled + 1, missed: counts.missed + (status === 'missed' ? 1 : 0) };
}

export function sumActivity(items: Iterable<ActivityCounts>): ActivityCounts {
  let total = ZERO_ACTIVITY;
  for (const c of items) {
    total = {
      scheduled: total.scheduled + c.scheduled,
      aired: total.aired + c.aired,
      onSchedule: total.onSchedule + c.onSchedule,
      offSchedule: total.offSchedule + c.offSchedule,
      partial: total.partial + c.partial,
      missed: total.missed + c.missed,
    };
  }
  return total;
}
