import type { Queryable } from './database.js';

/** One change: who, when (the database's clock), from where, what, and before/after for edits. */
export interface AuditEntry {
  actorId: string | null;
  actorName: string;
  actorRole: string | null;
  ip: string | null;
  requestId: string | null;
  /** A dotted verb, e.g. 'plan.approve', 'station.update', 'session.sign_in_failed'. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** The area the target sits in, so area admins read only their own part of the log. */
  areaPath: string | null;
  before?: unknown;
  after?: unknown;
}

/** An entry as stored, with its number (bigserial, as text: it outgrows a JS number in principle) and time. */
export interface AuditRow extends Required<AuditEntry> {
  id: string;
  at: Date;
}

export interface AuditFilter {
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** An actor's user id, or part of its name (case-insensitive). */
  actor?: string;
  /** An action ('plan.approve') or a family of them ('plan'). */
  action?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

const toRow = (r: Record<string, unknown>): AuditRow => ({
  id: String(r.id),
  at: new Date(r.at as string),
  actorId: (r.actor_id as string | null) ?? null,
  actorName: r.actor_name as string,
  actorRole: (r.actor_role as string | null) ?? null,
  ip: (r.ip as string | null) ?? null,
  requestId: (r.request_id as string | null) ?? null,
  action: r.action as string,
  targetType: (r.target_type as string | null) ?? null,
  targetId: (r.target_id as string | null) ?? null,
  areaPath: (r.area_path as string | null) ?? null,
  before: json(r.before) ?? null,
  after: json(r.after) ?? null,
});

/** WHERE clause and parameters for a scope (area path prefix; null: everything) and a filter. */
function where(scope: string | null, f: AuditFilter): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Entries without an area (a failed sign-in for an unknown login) belong to the whole installation.
  if (scope !== null) conds.push(`left(area_path, length(${p(scope)}::text)) = $${params.length}`);
  if (f.from) conds.push(`at >= ${p(f.from.toISOString())}::timestamptz`);
  if (f.to) conds.push(`at < ${p(f.to.toISOString())}::timestamptz`);
  if (f.actor) {
    if (UUID.test(f.actor)) conds.push(`actor_id = ${p(f.actor)}::uuid`);
    else conds.push(`strpos(lower(actor_name), lower(${p(f.actor)}::text)) > 0`);
  }
  if (f.action) conds.push(`(action = ${p(f.action)}::text OR left(action, length($${params.length}) + 1) = $${params.length} || '.')`);
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

const COLUMNS = 'id, at, actor_id, actor_name, actor_role, ip, request_id, action, target_type, target_id, area_path, before, after';

export function auditRepo(db: Queryable) {
  return {
    /** Append-only: there is no update or delete here, and the database refuses them too (a trigger). */
    async append(e: AuditEntry): Promise<void> {
      await db.query(
        `INSERT INTO audit_log (actor_id, actor_name, actor_role, ip, request_id, action, target_type, target_id, area_path, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [e.actorId, e.actorName, e.actorRole, e.ip, e.requestId, e.action, e.targetType, e.targetId, e.areaPath,
          e.before === undefined ? null : JSON.stringify(e.before), e.after === undefined ? null : JSON.stringify(e.after)],
      );
    },

    /** Newest first. */
    async list(scope: string | null, f: AuditFilter & { limit: number; offset: number }): Promise<{ items: AuditRow[]; total: number }> {
      const w = where(scope, f);
      const n = w.params.length;
      const r = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM audit_log ${w.sql} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...w.params, f.limit, f.offset],
      );
      const total = r.rows[0] ? Number(r.rows[0].total) : f.offset > 0 ? Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log ${w.sql}`, w.params)).rows[0]!.n) : 0;
      return { items: r.rows.map(toRow), total };
    },

    /** Newest first, the `size` entries before entry `beforeId` (keyset paging, for exports). */
    async page(scope: string | null, f: AuditFilter, size: number, beforeId?: string): Promise<AuditRow[]> {
      const w = where(scope, f);
      const params = [...w.params];
      let sql = w.sql;
      if (beforeId !== undefined) {
        params.push(beforeId);
        sql = `${sql ? `${sql} AND` : 'WHERE'} id < $${params.length}::bigint`;
      }
      params.push(size);
      const r = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM audit_log ${sql} ORDER BY id DESC LIMIT $${params.length}`, params);
      return r.rows.map(toRow);
    },
  };
}
