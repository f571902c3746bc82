import type { Request, RequestHandler } from 'express';
import type { ActingContext, AuditChange, AuditContext, AuditService } from '../services/audit-service.js';
import { principalOf } from './auth.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The audit log, for routes that record the change they made (recordChange). */
    audit?: AuditService;
  }
}

/** Makes the audit log reachable from every route behind it, without threading it through each router. */
export function attachAudit(audit: AuditService): RequestHandler {
  return (req, _res, next) => {
    req.audit = audit;
    next();
  };
}

/** Who (if anyone has signed in yet), from which address (req.ip honours TRUST_PROXY only), which request. */
export function auditContextOf(req: Request): AuditContext {
  return { principal: req.principal ?? null, ip: req.ip ?? null, requestId: req.id === undefined ? null : String(req.id) };
}

/** The same for a signed-in caller: what services that check access and record changes take. */
export function actingContextOf(req: Request): ActingContext {
  return { ...auditContextOf(req), principal: principalOf(req) };
}

/**
 * Records a change this request made, once it has succeeded. The change is already committed: an entry that
 * cannot be written is logged, not answered as a failure (a retry would repeat the change).
 */
export async function recordChange(req: Request, change: AuditChange): Promise<void> {
  await req.audit?.record(auditContextOf(req), change);
}
