import type { AiringWindow } from './types.js';

/** The facts of a play that matching looks at. */
export interface MatchablePlay {
  readonly episodeId: string;
  readonly startedAt: Date;
  /** The airing the station says it was playing, if it said. A hint, not a claim we must believe. */
  readonly airingId?: string | null;
}

/**
 * Finds the airing a play belongs to, or null when it is off schedule.
 *
 * `airings` must be the reporting station's own airings (not cancelled); that is what makes an explicit
 * airingId "belong to the station". A play fits an airing when it is the same episode and starts inside
 * [startsAt − tolerance, endsAt + tolerance]. The station's explicit airingId wins when it fits; a stale or
 * wrong hint falls back to the window search instead of making the play off schedule. Among several fitting
 * airings (the same episode scheduled back to back) the one whose start is closest wins, earliest on a tie,
 * so the answer does not depend on the order the airings were loaded in.
 */
export function matchPlay(
  play: MatchablePlay,
  airings: readonly AiringWindow[],
  toleranceSec: number,
): AiringWindow | null {
  const toleranceMs = toleranceSec * 1000;
  const at = play.startedAt.getTime();
  const fits = (a: AiringWindow): boolean =>
    a.episodeId === play.episodeId &&
    at >= a.startsAt.getTime() - toleranceMs &&
    at <= a.endsAt.getTime() + toleranceMs;

  if (play.airingId != null) {
    const named = airings.find((a) => a.id === play.airingId);
    if (named !== undefined && fits(named)) return named;
  }

  let best: AiringWindow | null = null;
  let bestDistance = Infinity;
  for (const airing of airings) {
    if (!fits(airing)) continue;
    const distance = Math.abs(at - airing.startsAt.getTime());
    if (
      distance < bestDistance ||
      (distance === bestDistance && best !== null && airing.startsAt.getTime() < best.startsAt.getTime())
    ) {
      best = airing;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The widest span of airing starts a play can match, for loading candidate airings before matching:
 * airings starting in [startedAt − maxAiringSec − tolerance, startedAt + tolerance].
 */
export function candidateAiringRange(
  startedAt: Date,
  toleranceSec: number,
  maxAiringSec: number,
): { readonly from: Date; readonly to: Date } {
  const at = startedAt.getTime();
  return {
    from: new Date(at - (maxAiringSec + toleranceSec) * 1000),
    to: new Date(at + toleranceSec * 1000),
  };
}
