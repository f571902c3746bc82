import type { Queryable } from './database.js';

export const ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenOwner {
  userId: string;
  name: string;
  role: Role;
  stationId: string | null;
}

export function usersRepo(db: Queryable) {
  return {
    async create(u: { id: string; name: string; role: Role; stationId: string | null }): Promise<void> {
      await db.query('INSERT INTO users (id, name, role, station_id) VALUES ($1, $2, $3, $4)', [u.id, u.name, u.role, u.stationId]);
    },
    async findByName(name: string): Promise<{ id: string; role: Role } | null> {
      const r = await db.query<{ id: string; role: Role }>('SELECT id, role FROM users WHERE name = $1', [name]);
      return r.rows[0] ?? null;
    },
    async addToken(t: { id: string; userId: string; tokenHash: string; label: string | null }): Promise<void> {
      await db.query('INSERT INTO api_tokens (id, user_id, token_hash, label) VALUES ($1, $2, $3, $4)', [t.id, t.userId, t.tokenHash, t.label]);
    },
    async ownerOfToken(tokenHash: string): Promise<TokenOwner | null> {
      const r = await db.query<{ user_id: string; name: string; role: Role; station_id: string | null }>(
        `SELECT u.id AS user_id, u.name, u.role, u.station_id FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
        [tokenHash],
      );
      const row = r.rows[0];
      return row ? { userId: row.user_id, name: row.name, role: row.role, stationId: row.station_id } : null;
    },
  };
}
