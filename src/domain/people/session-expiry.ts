/**
 * When a signed-in browser stops being signed in: revoked (signed out, password changed, user disabled) or idle for
 * longer than the idle limit. Pure, so the store's decisions are unit-tested without a clock or a database.
 */
export const SESSION_IDLE_MS = 12 * 60 * 60_000;
/** last_seen_at is written at most this often: a dashboard's every request would otherwise be a database write. */
export const SESSION_TOUCH_EVERY_MS = 60_000;

export interface SessionTimes {
  lastSeenAt: Date;
  revokedAt: Date | null;
}

export type SessionStatus = 'active' | 'revoked' | 'expired';

export function sessionStatus(s: SessionTimes, now: Date, idleMs = SESSION_IDLE_MS): SessionStatus {
  if (s.revokedAt) return 'revoked';
  return now.getTime() - s.lastSeenAt.getTime() >= idleMs ? 'expired' : 'active';
}

/** Whether a request seen now should move last_seen_at (the idle clock restarts from the last write). */
export const needsTouch = (lastSeenAt: Date, now: Date, everyMs = SESSION_TOUCH_EVERY_MS): boolean => now.getTime() - lastSeenAt.getTime() >= everyMs;
