import { TRACKING_DEFAULTS } from './defaults.js';
import { matchPlay } from './match.js';
import type { MatchablePlay } from './match.js';
import { playKind } from './play-kind.js';
import type { AiringWindow, PlayKind } from './types.js';

export interface PlayAnnotation {
  /** The matched airing, null when off schedule. */
  readonly airingId: string | null;
  readonly onSchedule: boolean;
  readonly kind: PlayKind;
}

export interface AnnotateOptions {
  readonly toleranceSec?: number;
  readonly rebroadcastThreshold?: number;
}

/**
 * The derived columns stored with an accepted play. Computed once at ingestion so counting never has to
 * re-run matching over a million plays; re-run it if the tolerance or threshold configuration changes.
 */
export function annotatePlay(
  play: MatchablePlay & { readonly durationSec: number },
  episodeDurationSec: number | null,
  airings: readonly AiringWindow[],
  opts: AnnotateOptions = {},
): PlayAnnotation {
  const airing = matchPlay(play, airings, opts.toleranceSec ?? TRACKING_DEFAULTS.matchToleranceSec);
  // Without a measured episode duration there is nothing to fall short of; count the play as reported.
  const kind =
    episodeDurationSec === null ? 'rebroadcast' : playKind(play.durationSec, episodeDurationSec, opts.rebroadcastThreshold);
  return { airingId: airing?.id ?? null, onSchedule: airing !== null, kind };
}
