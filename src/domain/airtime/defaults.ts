/**
 * Airtime defaults. The deployment's validated configuration may override each one; they live here so
 * the pure functions behave sensibly without configuration (tests, scripts) and the numbers are stated once.
 */
export const AIRTIME_DEFAULTS = Object.freeze({
  timezone: 'Asia/Ho_Chi_Minh',
  /** A mis-set relay once made loudspeakers play at 03:15; nothing airs in this window. */
  quietStart: '22:00',
  quietEnd: '05:00',
  maxSessionMin: 180,
  airingsPerStation: 3,
  minGapSec: 24 * 60 * 60,
});

export const DEFAULT_GRID_RULES = Object.freeze({
  quietStart: AIRTIME_DEFAULTS.quietStart,
  quietEnd: AIRTIME_DEFAULTS.quietEnd,
  maxSessionMin: AIRTIME_DEFAULTS.maxSessionMin,
});

/** Bounds the pairwise overlap check and any one station's grid to something a person could maintain. */
export const MAX_GRID_SLOTS = 200;
