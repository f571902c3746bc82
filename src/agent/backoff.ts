export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Exponential back-off with "equal jitter": half the step is fixed, half random, so retries from many stations
 * that lost the link together do not return together, yet no retry comes back at once.
 * `attempt` counts failures so far (1 after the first failure).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 40));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A steady interval spread ±spread (a fraction) so that polls from a fleet do not line up. */
export function jittered(intervalMs: number, spread = 0.2, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalMs * (1 - spread + 2 * spread * random())));
}
