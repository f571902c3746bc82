import type { Queryable } from '../db/database.js';
import { auditRepo, type AuditFilter, type AuditRow } from '../db/audit-repo.js';
import type { AccessPrincipal } from '../domain/access/policy.js';
import type { Logger } from '../logger.js';
import { ROOT_AREA_ID } from './access.js';

export const ROOT_AREA_PATH = `/${ROOT_AREA_ID}/`;

/** Who acts: the principal as the access rule and the log see it (areaPath null: the bootstrap ADMIN_TOKEN, the root). */
export interface Actor extends AccessPrincipal {
  userId: string | null;
  name: string;
}

/** Where a change came from: built by the API from the request (principal, address, request id). */
export interface AuditContext {
  principal: Actor | null;
  ip: string | null;
  requestId: string | null;
}

/** A change someone makes: the services that check access take this. */
export interface ActingContext extends AuditContext {
  principal: Actor;
}

/** One change, as a service or route describes it. */
export interface AuditChange {
  /** A dotted verb: 'station.update', 'plan.approve', 'user.reset_password'. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** The area the target sits in; when absent, the station's (stationId) or else the actor's own area. */
  areaPath?: string | null;
  stationId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Overrides the actor's name (a failed sign-in names the login that was tried). */
  actorName?: string;
}

// Never logged, however a caller shapes its before/after: passwords, hashes, tokens and secrets.
const SECRET_KEY = /^(password|.*(hash|secret|token))$/i;

/** A copy with every secret-looking field left out, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !SECRET_KEY.test(k)).map(([k, v]) => [k, withoutSecrets(v)]));
}

/** Only what changed, on each side: an edit's entry reads as "name: A → B", not two whole records. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    b[key] = before[key];
    a[key] = after[key];
  }
  return { before: b, after: a };
}

/** An entry as the API answers it: the stored row with its time as ISO text. */
export type AuditEntryView = Omit<AuditRow, 'at'> & { at: string };

export const toAuditView = (r: AuditRow): AuditEntryView => ({ ...r, at: r.at.toISOString() });

/**
 * The audit log: every change, appended with who, when (the database's clock), from where and what. Nothing here
 * edits or removes an entry, and the database refuses to (a trigger).
 */
export function auditService(deps: { db: Queryable; logger?: Logger }) {
  async function areaOfStation(q: Queryable, stationId: string): Promise<string | null> {
    const r = await q.query<{ path: string }>('SELECT a.path FROM stations s JOIN areas a ON a.id = s.area_id WHERE s.id = $1', [stationId]);
    return r.rows[0]?.path ?? null;
  }

  return {
    /**
     * Appends one entry. Pass the transaction that made the change, so the change and its trace commit together;
     * without one (a change made elsewhere), a failure to record is logged and does not undo the change.
     */
    async record(ctx: AuditContext, change: AuditChange, tx?: Queryable): Promise<void> {
      const q = tx ?? deps.db;
      const write = async () => {
        const areaPath =
          change.areaPath !== undefined ? change.areaPath : change.stationId ? await areaOfStation(q, change.stationId) : (ctx.principal?.areaPath ?? ROOT_AREA_PATH);
        await auditRepo(q).append({
          actorId: ctx.principal?.userId ?? null,
          actorName: change.actorName ?? ctx.principal?.name ?? 'unknown',
          actorRole: ctx.principal?.role ?? null,
          ip: ctx.ip,
          requestId: ctx.requestId,
          action: change.action,
          targetType: change.targetType,
          targetId: change.targetId,
          areaPath,
          before: change.before === undefined ? undefined : withoutSecrets(change.before),
          after: change.after === undefined ? undefined : withoutSecrets(change.after),
        });
      };
      if (tx) return write();
      await write().catch((err: unknown) => deps.logger?.error({ err, action: change.action, targetId: change.targetId }, 'audit entry not recorded'));
    },

    /** A page, newest first, of the entries at or below `scope` (null: all) matching the filter. */
    async list(scope: string | null, filter: AuditFilter & { limit: number; offset: number }): Promise<{ items: AuditEntryView[]; total: number }> {
      const { items, total } = await auditRepo(deps.db).list(scope, filter);
      return { items: items.map(toAuditView), total };
    },

    /** Every matching entry, newest first, a page at a time (for the CSV export). */
    async *each(scope: string | null, filter: AuditFilter, pageSize = 2000): AsyncGenerator<AuditEntryView[]> {
      let beforeId: string | undefined;
      for (;;) {
        const rows = await auditRepo(deps.db).page(scope, filter, pageSize, beforeId);
        if (rows.length === 0) return;
        yield rows.map(toAuditView);
        if (rows.length < pageSize) return;
        beforeId = rows.at(-1)!.id;
      }
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
