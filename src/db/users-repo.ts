import type { Queryable } from './database.js';
import { updateSet } from './update-set.js';

export const ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenOwner {
  userId: string;
  login: string;
  name: string;
  role: Role;
  stationId: string | null;
  areaId: string;
  /** The area's materialised path: what the access rule scopes by. */
  areaPath: string;
  mustChangePassword: boolean;
}

/** A person's account as the service reads it; never the password hash (see credentialsByLogin). */
export interface UserRow {
  id: string;
  login: string;
  name: string;
  role: Role;
  areaId: string;
  areaPath: string;
  areaName: string;
  stationId: string | null;
  disabledAt: Date | null;
  mustChangePassword: boolean;
  hasPassword: boolean;
  passwordChangedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type Raw = Record<string, unknown>;
const date = (v: unknown) => (v ? new Date(v as string) : null);

const toUser = (r: Raw): UserRow => ({
  id: r.id as string,
  login: r.login as string,
  name: r.name as string,
  role: r.role as Role,
  areaId: r.area_id as string,
  areaPath: r.area_path as string,
  areaName: r.area_name as string,
  stationId: (r.station_id as string | null) ?? null,
  disabledAt: date(r.disabled_at),
  mustChangePassword: Boolean(r.must_change_password),
  hasPassword: Boolean(r.has_password),
  passwordChangedAt: date(r.password_changed_at),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

const COLUMNS = `u.id, u.login, u.name, u.role, u.area_id, a.path AS area_path, a.name AS area_name, u.station_id, u.disabled_at,
  u.must_change_password, u.password_hash IS NOT NULL AS has_password, u.password_changed_at, u.created_at, u.updated_at`;

/** A login made from a display name, for accounts created without one (scripts, older CLI calls). */
export const loginFromName = (name: string, id: string): string =>
  `${name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/[^a-z0-9_.-]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 40) || 'user'}.${id.slice(0, 8)}`;

export function usersRepo(db: Queryable) {
  return {
    /** Without an area the user acts for its station's area, or the whole installation (the root area). */
    async create(u: { id: string; name: string; role: Role; stationId: string | null; login?: string; areaId?: string | null; passwordHash?: string | null; mustChangePassword?: boolean }): Promise<void> {
      await db.query(
        `INSERT INTO users (id, name, role, station_id, login, area_id, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5,
                 COALESCE($6::uuid, (SELECT area_id FROM stations WHERE id = $4::uuid), '00000000-0000-4000-8000-000000000001'::uuid),
                 $7, $8)`,
        [u.id, u.name, u.role, u.stationId, u.login ?? loginFromName(u.name, u.id), u.areaId ?? null, u.passwordHash ?? null, u.mustChangePassword ?? false],
      );
    },
    async findByName(name: string): Promise<{ id: string; role: Role } | null> {
      const r = await db.query<{ id: string; role: Role }>('SELECT id, role FROM users WHERE name = $1', [name]);
      return r.rows[0] ?? null;
    },
    async loginTaken(login: string): Promise<boolean> {
      return (await db.query('SELECT 1 FROM users WHERE lower(login) = lower($1)', [login])).rowCount > 0;
    },
    async get(id: string): Promise<UserRow | null> {
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM users u JOIN areas a ON a.id = u.area_id WHERE u.id = $1`, [id]);
      return r.rows[0] ? toUser(r.rows[0]) : null;
    },
    /** Locks the user's row for the rest of the transaction. */
    async getForUpdate(id: string): Promise<UserRow | null> {
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM users u JOIN areas a ON a.id = u.area_id WHERE u.id = $1 FOR UPDATE OF u`, [id]);
      return r.rows[0] ? toUser(r.rows[0]) : null;
    },
    /** Users acting for an area at or below `within` (everyone when null), by login. */
    async list(opts: { within: string | null; login?: string; role?: Role; disabled?: boolean; limit: number; offset: number }): Promise<{ items: UserRow[]; total: number }> {
      const params: unknown[] = [opts.within ?? '', opts.limit, opts.offset];
      const conds = ['left(a.path, length($1)) = $1'];
      if (opts.login) {
        params.push(opts.login);
        conds.push(`lower(u.login) = lower($${params.length})`);
      }
      if (opts.role) {
        params.push(opts.role);
        conds.push(`u.role = $${params.length}`);
      }
      if (opts.disabled !== undefined) conds.push(opts.disabled ? 'u.disabled_at IS NOT NULL' : 'u.disabled_at IS NULL');
      const r = await db.query<Raw>(
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM users u JOIN areas a ON a.id = u.area_id
          WHERE ${conds.join(' AND ')} ORDER BY lower(u.login) LIMIT $2 OFFSET $3`,
        params,
      );
      return { items: r.rows.map(toUser), total: r.rows[0] ? Number(r.rows[0].total) : 0 };
    },
    async update(id: string, patch: Partial<{ name: string; role: Role; areaId: string; stationId: string | null; disabled: boolean }>): Promise<void> {
      // Disabling keeps the first time it happened; enabling clears it.
      const disabled = patch.disabled === undefined ? [] : [patch.disabled ? 'disabled_at = COALESCE(disabled_at, now())' : 'disabled_at = NULL'];
      const { set, params } = updateSet(id, { name: patch.name, role: patch.role, area_id: patch.areaId, station_id: patch.stationId }, [...disabled, 'updated_at = now()']);
      await db.query(`UPDATE users SET ${set} WHERE id = $1`, params);
    },
    async setPassword(id: string, passwordHash: string, mustChange: boolean): Promise<void> {
      await db.query('UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now(), updated_at = now() WHERE id = $1', [id, passwordHash, mustChange]);
    },
    /** Signs the user out everywhere: every browser session ends at its next request. */
    async revokeSessions(userId: string): Promise<number> {
      return (await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rowCount;
    },
    async revokeTokens(userId: string): Promise<number> {
      return (await db.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rowCount;
    },
    async addToken(t: { id: string; userId: string; tokenHash: string; label: string | null }): Promise<void> {
      await db.query('INSERT INTO api_tokens (id, user_id, token_hash, label) VALUES ($1, $2, $3, $4)', [t.id, t.userId, t.tokenHash, t.label]);
    },
    async ownerOfToken(tokenHash: string): Promise<TokenOwner | null> {
      const r = await db.query<{ user_id: string; login: string; name: string; role: Role; station_id: string | null; area_id: string; path: string; must_change_password: boolean }>(
        `SELECT u.id AS user_id, u.login, u.name, u.role, u.station_id, u.area_id, a.path, u.must_change_password
         FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN areas a ON a.id = u.area_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
        [tokenHash],
      );
      const row = r.rows[0];
      return row
        ? { userId: row.user_id, login: row.login, name: row.name, role: row.role, stationId: row.station_id, areaId: row.area_id, areaPath: row.path, mustChangePassword: Boolean(row.must_change_password) }
        : null;
    },
  };
}
