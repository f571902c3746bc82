import type { Queryable } from './database.js';

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
