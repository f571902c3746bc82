import crypto from 'node:crypto';
import type { Queryable } from './database.js';

/** Only the SHA-256 of a session id is stored: a copy of the table signs no one in. */
export const hashSessionId = (sid: string): string => crypto.createHash('sha256').update(sid, 'utf8').digest('hex');

export interface SessionRow {
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
}

export function sessionsRepo(db: Queryable) {
  return {
    async find(idHash: string): Promise<SessionRow | null> {
      const r = await db.query<{ user_id: string; csrf_token: string; created_at: Date; last_seen_at: Date; revoked_at: Date | null }>(
        'SELECT user_id, csrf_token, created_at, last_seen_at, revoked_at FROM sessions WHERE id_hash = $1',
        [idHash],
      );
      const row = r.rows[0];
      return row
        ? { userId: row.user_id, csrfToken: row.csrf_token, createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at), revokedAt: row.revoked_at ? new Date(row.revoked_at) : null }
        : null;
    },
    /** A revoked session is never brought back by a late save from a request still in flight. */
    async save(s: { idHash: string; userId: string; csrfToken: string; ip: string | null; userAgent: string | null }): Promise<void> {
      await db.query(
        `INSERT INTO sessions (id_hash, user_id, csrf_token, ip, user_agent) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id_hash) DO UPDATE SET csrf_token = EXCLUDED.csrf_token, last_seen_at = now() WHERE sessions.revoked_at IS NULL`,
        [s.idHash, s.userId, s.csrfToken, s.ip, s.userAgent?.slice(0, 500) ?? null],
      );
    },
    async touch(idHash: string): Promise<void> {
      await db.query('UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
    },
    async revoke(idHash: string): Promise<void> {
      await db.query('UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
    },
    /** Signs a user out everywhere (a password change or reset, a disabled account), except perhaps the current browser. */
    async revokeAllOf(userId: string, exceptIdHash: string | null = null): Promise<number> {
      const r = await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id_hash IS DISTINCT FROM $2', [userId, exceptIdHash]);
      return r.rowCount ?? 0;
    },
    /** Rows of a user's long-gone sessions, dropped when they sign in again (kept a while for the record). */
    async pruneOf(userId: string, olderThanDays = 30): Promise<void> {
      await db.query(
        `DELETE FROM sessions WHERE user_id = $1 AND COALESCE(revoked_at, last_seen_at) < now() - make_interval(days => $2)`,
        [userId, olderThanDays],
      );
    },
  };
}
export type SessionsRepo = ReturnType<typeof sessionsRepo>;
