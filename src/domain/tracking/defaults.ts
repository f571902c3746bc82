/**
 * Domain defaults for play tracking. The deployment's validated configuration may override each one;
 * they live here so the pure functions have sensible behaviour when called without configuration
 * (tests, scripts) and so the numbers that define "rebroadcast" and "missed" are stated in one place.
 */
export const TRACKING_DEFAULTS = Object.freeze({
  /** Station clocks drift; a start this far in the future is still believed. */
  clockSkewSec: 5 * 60,
  /** Offline stations report days late, but not years: older reports are probably a broken clock. */
  maxAgeDays: 400,
  /** A play may start this early/late relative to its airing window and still count as on schedule. */
  matchToleranceSec: 15 * 60,
  /** An airing without a play is only called missed this long after it should have ended. */
  missedGraceSec: 60 * 60,
  /** Share of the episode a play must cover to be a rebroadcast rather than a partial play. */
  rebroadcastThreshold: 0.9,
  /** A play may run longer than its episode (pauses, a looped intro) but not by more than this factor… */
  maxDurationFactor: 1.5,
  /** …plus this much slack, so very short bulletins are not rejected for a few seconds of overrun. */
  durationSlackSec: 60,
  /** No single play lasts longer than a day, whatever the episode. */
  maxPlaySec: 24 * 60 * 60,
  /** Upper bound of one report batch, matching the API contract. */
  maxPlaysPerBatch: 1000,
});

/** Report targets per station and month; the source document's defaults, configurable per deployment. */
export interface Targets {
  readonly rebroadcastsPerMonth: number;
  readonly ownProgrammesPerMonth: number;
}

export const DEFAULT_TARGETS: Targets = Object.freeze({ rebroadcastsPerMonth: 3, ownProgrammesPerMonth: 1 });
