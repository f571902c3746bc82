import { TRACKING_DEFAULTS } from './defaults.js';
import type { PlayKind } from './types.js';

// Durations arrive as floats (e.g. 1619.9999999 from a player's clock); a microsecond of slack keeps an
// exact 90% play from being judged partial by rounding alone.
const EPSILON_SEC = 1e-6;

/**
 * Rebroadcast when the play covered at least `threshold` of the episode, else partial.
 * SQL mirror: `CASE WHEN duration_sec + 1e-6 >= threshold * episode_duration_sec THEN 'rebroadcast' ELSE 'partial' END`.
 */
export function playKind(
  durationSec: number,
  episodeDurationSec: number,
  threshold: number = TRACKING_DEFAULTS.rebroadcastThreshold,
): PlayKind {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`rebroadcast threshold must be in (0, 1], got ${threshold}`);
  }
  return durationSec + EPSILON_SEC >= threshold * episodeDurationSec ? 'rebroadcast' : 'partial';
}
