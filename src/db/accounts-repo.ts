import type { Queryable } from './database.js';
import type { Role } from './users-repo.js';

/** A user as signing in needs them: the stored hash and whether the account may act at all. */
export interface SignInUser {
  id: string;
  login: string;
  name: string;
  role: Role;
  areaId: string;
  areaPath: string;
  stationId: string | null;
  passwordHash: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
}

/** A signed-in person, as each of their requests needs them (null once disabled: the session ends). */
export type SessionUser = Omit<SignInUser, 'passwordHash' | 'disabled'>;

export interface PersonalToken {
  id: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

type UserRow = { id: string; login: string; name: string; role: Role; area_id: string; path: string; station_id: string | null; password_hash: string | null; disabled_at: Date | null; must_change_password: boolean };
const USER_COLUMNS = 'u.id, u.login, u.name, u.role, u.area_id, a.path, u.station_id, u.password_hash, u.disabled_at, u.must_change_password';
const toUser = (r: UserRow): SignInUser => ({
  id: r.id,
  login: r.login,
  name: r.name,
  role: r.role,
  areaId: r.area_id,
  areaPath: r.path,
  stationId: r.station_id,
  passwordHash: r.password_hash,
  disabled: r.disabled_at !== null,
  mustChangePassword: r.must_change_password,
});

/** Sign-in, one's own password and personal tokens: the queries of a person acting on their own account. */
export function accountsRepo(db: Queryable) {
  return {
    async forSignIn(login: string): Promise<SignInUser | null> {
      const r = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u JOIN areas a ON a.id = u.area_id WHERE lower(u.login) = lower($1)`, [login]);
      return r.rows[0] ? toUser(r.rows[0]) : null;
    },
    async sessionUser(userId: string): Promise<SessionUser | null> {
      const r = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u JOIN areas a ON a.id = u.area_id WHERE u.id = $1 AND u.disabled_at IS NULL`, [userId], { prepare: 'session_user' });
      if (!r.rows[0]) return null;
      const { passwordHash: _h, disabled: _d, ...user } = toUser(r.rows[0]);
      return user;
    },
    async setOwnPassword(userId: string, hash: string): Promise<void> {
      await db.query('UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now(), updated_at = now() WHERE id = $1', [userId, hash]);
    },
    async anyPassword(): Promise<boolean> {
      const r = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM users WHERE password_hash IS NOT NULL) AS any');
      return r.rows[0]!.any;
    },
    async loginTaken(login: string): Promise<boolean> {
      const r = await db.query('SELECT 1 FROM users WHERE lower(login) = lower($1)', [login]);
      return r.rows.length > 0;
    },
    async createAdmin(u: { id: string; login: string; name: string; passwordHash: string; areaId: string }): Promise<void> {
      await db.query(
        `INSERT INTO users (id, name, login, role, area_id, password_hash, password_changed_at) VALUES ($1, $2, $3, 'admin', $4, $5, now())`,
        [u.id, u.name, u.login, u.areaId, u.passwordHash],
      );
    },
    async addToken(t: { id: string; userId: string; tokenHash: string; label: string | null }): Promise<Date> {
      const r = await db.query<{ created_at: Date }>('INSERT INTO api_tokens (id, user_id, token_hash, label) VALUES ($1, $2, $3, $4) RETURNING created_at', [t.id, t.userId, t.tokenHash, t.label]);
      return new Date(r.rows[0]!.created_at);
    },
    async tokensOf(userId: string): Promise<PersonalToken[]> {
      const r = await db.query<{ id: string; label: string | null; created_at: Date; last_used_at: Date | null }>(
        'SELECT id, label, created_at, last_used_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id',
        [userId],
      );
      return r.rows.map((t) => ({ id: t.id, label: t.label, createdAt: iso(t.created_at)!, lastUsedAt: iso(t.last_used_at) }));
    },
    /** The revoked token's label, or undefined when the user has no such live token. */
    async revokeToken(userId: string, id: string): Promise<string | null | undefined> {
      const r = await db.query<{ label: string | null }>('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING label', [id, userId]);
      return r.rows[0] ? r.rows[0].label : undefined;
    },
  };
}
