import fs from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import type { Database, Queryable, QueryResult } from './database.js';

const parsers = { [types.INT8]: (v: string) => Number(v) };

/** PGlite keeps data under dir (or in memory when dir is undefined). It serialises queries on one connection. */
export async function createPgliteDatabase(dir: string | undefined): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  // btree_gist backs the exclusion constraint that keeps a station's airings from overlapping.
  const db = await PGlite.create(dir, { parsers, extensions: { btree_gist } });

  const wrap = (c: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<R>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await c.query<R>(text, params);
      // PGlite reports affectedRows = 0 for a SELECT: count what came back, as node-postgres does.
      return { rows: r.rows, rowCount: Math.max(r.rows.length, r.affectedRows ?? 0) };
    },
    async exec(sql: string) {
      await c.exec(sql);
    },
  });

  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async close() {
      await db.close();
    },
  };
}
