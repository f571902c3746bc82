import session from 'express-session';
import { hashSessionId, type SessionsRepo } from '../../db/sessions-repo.js';
import { needsTouch, sessionStatus } from '../../domain/people/session-expiry.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    /** Where the browser signed in from, kept with the session row. */
    ip: string | null;
    userAgent: string | null;
    /** When the row last moved, as read: the store writes last_seen_at only when it is a minute old. */
    lastSeenAt: string;
  }
}

type Cb = (err?: unknown) => void;

/**
 * express-session's store over the `sessions` table. A revoked or idle (12 h) session reads as no session: the
 * browser is signed out, whatever its cookie says. Rolling expiry: each request moves last_seen_at (at most once a
 * minute), so only idleness ends a session.
 */
export class DbSessionStore extends session.Store {
  constructor(private readonly repo: SessionsRepo) {
    super();
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    this.repo.find(hashSessionId(sid)).then(
      (row) => {
        if (!row || sessionStatus(row, new Date()) !== 'active') return cb(null, null);
        // The cookie itself is only written at sign-in (a browser-session cookie); these attributes are not re-sent.
        const cookie = { originalMaxAge: null, httpOnly: true, sameSite: 'strict', path: '/' } as session.Cookie;
        cb(null, { cookie, userId: row.userId, csrfToken: row.csrfToken, ip: null, userAgent: null, lastSeenAt: row.lastSeenAt.toISOString() });
      },
      (err: unknown) => cb(err),
    );
  }

  override set(sid: string, s: session.SessionData, cb?: Cb): void {
    // Only a signed-in session is worth a row (saveUninitialized is off, so this is the sign-in or a CSRF token change).
    if (!s.userId || typeof s.csrfToken !== 'string') return void cb?.();
    this.repo.save({ idHash: hashSessionId(sid), userId: s.userId, csrfToken: s.csrfToken, ip: s.ip ?? null, userAgent: s.userAgent ?? null }).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override touch(sid: string, s: session.SessionData, cb?: Cb): void {
    if (s.lastSeenAt && !needsTouch(new Date(s.lastSeenAt), new Date())) return void cb?.();
    this.repo.touch(hashSessionId(sid)).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: Cb): void {
    this.repo.revoke(hashSessionId(sid)).then(() => cb?.(), (err: unknown) => cb?.(err));
  }
}
