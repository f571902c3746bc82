import type { AiringStatus, AiringWindow, PlayKind } from './types.js';

/**
 * The instant after which an airing with no matched play is missed.
 * SQL mirror: `ends_at + make_interval(secs => grace) < now()`.
 */
export function missedAfter(airing: Pick<AiringWindow, 'endsAt'>, graceSec: number): Date {
  return new Date(airing.endsAt.getTime() + graceSec * 1000);
}

/**
 * Status of an airing, recomputed from data every time rather than stored, so a late report from a station
 * that was offline for days turns a missed airing back into aired with no state to repair.
 * A full play beats a partial one; missed needs both "no play at all" and the grace period to have passed.
 */
export function airingStatus(
  airing: Pick<AiringWindow, 'endsAt'>,
  matchedPlays: readonly { readonly kind: PlayKind }[],
  now: Date,
  graceSec: number,
): AiringStatus {
  if (matchedPlays.some((p) => p.kind === 'rebroadcast')) return 'aired';
  if (matchedPlays.length > 0) return 'partial';
  return now.getTime() > missedAfter(airing, graceSec).getTime() ? 'missed' : 'scheduled';
}
