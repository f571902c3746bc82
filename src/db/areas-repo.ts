import type { Queryable } from './database.js';
import { updateSet } from './update-set.js';

export const AREA_KINDS = ['root', 'province', 'grouping', 'commune'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export interface AreaRow {
  id: string;
  parentId: string | null;
  kind: AreaKind;
  name: string;
  code: string | null;
  /** '/<root id>/<…>/<own id>/': everything below an area is a prefix match on it. */
  path: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

type Raw = Record<string, unknown>;

const toArea = (r: Raw): AreaRow => ({
  id: r.id as string,
  parentId: (r.parent_id as string | null) ?? null,
  kind: r.kind as AreaKind,
  name: r.name as string,
  code: (r.code as string | null) ?? null,
  path: r.path as string,
  active: Boolean(r.active),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

const COLUMNS = 'a.id, a.parent_id, a.kind, a.name, a.code, a.path, a.active, a.created_at, a.updated_at';

/** What sits directly in an area, for the list and for refusing to deactivate one still in use. */
export interface AreaCounts {
  stations: number;
  users: number;
}

export function areasRepo(db: Queryable) {
  return {
    async get(id: string): Promise<AreaRow | null> {
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM areas a WHERE a.id = $1`, [id]);
      return r.rows[0] ? toArea(r.rows[0]) : null;
    },

    /** Locks the row for the rest of the transaction (a move and an edit of the same area never interleave). */
    async getForUpdate(id: string): Promise<AreaRow | null> {
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM areas a WHERE a.id = $1 FOR UPDATE`, [id]);
      return r.rows[0] ? toArea(r.rows[0]) : null;
    },

    async byCode(code: string): Promise<AreaRow | null> {
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM areas a WHERE a.code = $1`, [code]);
      return r.rows[0] ? toArea(r.rows[0]) : null;
    },

    /** The areas at or below `within` (everything when null), depth first: a parent comes before its children. */
    async list(opts: { within: string | null; active?: boolean; id?: string }): Promise<(AreaRow & AreaCounts & { children: number })[]> {
      const params: unknown[] = [opts.within ?? ''];
      let where = 'left(a.path, length($1)) = $1';
      if (opts.id !== undefined) {
        params.push(opts.id);
        where += ` AND a.id = $${params.length}`;
      }
      if (opts.active !== undefined) {
        params.push(opts.active);
        where += ` AND a.active = $${params.length}`;
      }
      const r = await db.query<Raw>(
        `SELECT ${COLUMNS},
                (SELECT count(*) FROM stations s WHERE s.area_id = a.id) AS stations,
                (SELECT count(*) FROM users u WHERE u.area_id = a.id) AS users,
                (SELECT count(*) FROM areas c WHERE c.parent_id = a.id) AS children
           FROM areas a WHERE ${where} ORDER BY a.path`,
        params,
      );
      return r.rows.map((x) => ({ ...toArea(x), stations: Number(x.stations), users: Number(x.users), children: Number(x.children) }));
    },

    async insert(a: { id: string; parentId: string; kind: Exclude<AreaKind, 'root'>; name: string; code: string | null; path: string }): Promise<AreaRow> {
      const r = await db.query<Raw>(
        `INSERT INTO areas AS a (id, parent_id, kind, name, code, path) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [a.id, a.parentId, a.kind, a.name, a.code, a.path],
      );
      return toArea(r.rows[0]!);
    },

    async update(id: string, patch: Partial<{ name: string; code: string | null; kind: AreaKind; active: boolean }>): Promise<void> {
      const { set, params } = updateSet(id, { name: patch.name, code: patch.code, kind: patch.kind, active: patch.active }, ['updated_at = now()']);
      await db.query(`UPDATE areas SET ${set} WHERE id = $1`, params);
    },

    /**
     * Re-parents an area: its own path and every descendant's are rewritten by replacing the old prefix, in one
     * statement. Paths end in their own id, so no row ever takes another's path midway (the UNIQUE check holds).
     */
    async move(id: string, newParentId: string, oldPath: string, newPath: string): Promise<number> {
      await db.query('UPDATE areas SET parent_id = $2, updated_at = now() WHERE id = $1', [id, newParentId]);
      const r = await db.query(
        `UPDATE areas SET path = $2 || substr(path, length($1) + 1), updated_at = now() WHERE left(path, length($1)) = $1`,
        [oldPath, newPath],
      );
      return r.rowCount;
    },

    /** Deactivates an area with everything below it. */
    async deactivateSubtree(path: string): Promise<void> {
      await db.query('UPDATE areas SET active = false, updated_at = now() WHERE left(path, length($1)) = $1 AND active', [path]);
    },

    /** Active stations and enabled users at or below an area: what would be stranded by deactivating it. */
    async inUseBelow(path: string): Promise<AreaCounts> {
      const r = await db.query<{ stations: string; users: string }>(
        `SELECT (SELECT count(*) FROM stations s JOIN areas a ON a.id = s.area_id WHERE left(a.path, length($1)) = $1 AND s.active) AS stations,
                (SELECT count(*) FROM users u JOIN areas a ON a.id = u.area_id WHERE left(a.path, length($1)) = $1 AND u.disabled_at IS NULL) AS users`,
        [path],
      );
      return { stations: Number(r.rows[0]!.stations), users: Number(r.rows[0]!.users) };
    },

    async hasChildren(id: string): Promise<boolean> {
      return (await db.query('SELECT 1 FROM areas WHERE parent_id = $1 LIMIT 1', [id])).rowCount > 0;
    },

    /** Kinds found strictly below an area: a grouping holding communes cannot become a commune. */
    async kindsBelow(path: string): Promise<AreaKind[]> {
      const r = await db.query<{ kind: AreaKind }>('SELECT DISTINCT kind FROM areas WHERE left(path, length($1)) = $1 AND path <> $1', [path]);
      return r.rows.map((x) => x.kind);
    },
  };
}

export type AreasRepo = ReturnType<typeof areasRepo>;
