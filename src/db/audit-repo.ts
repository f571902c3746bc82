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
  };
}
