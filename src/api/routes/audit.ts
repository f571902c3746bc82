import { Router, type Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { neutraliseRow } from '../../domain/export/spreadsheet-cell.js';
import type { AccessService } from '../../services/access.js';
import type { AuditEntryView, AuditService } from '../../services/audit-service.js';
import { principalOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { parseQuery } from '../parse-request.js';

// Dates without a time are days in Vietnam: `to=2026-12-31` includes the whole of that day.
const ZONE = 'Asia/Ho_Chi_Minh';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const instantOrDay = z
  .string()
  .refine((v) => (DAY.test(v) ? DateTime.fromISO(v, { zone: ZONE }).isValid : /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) && DateTime.fromISO(v, { setZone: true }).isValid), {
    error: 'a date (YYYY-MM-DD) or an instant with its offset (2026-12-31T06:00:00+07:00)',
  })
  .meta({ description: 'YYYY-MM-DD (a day in Vietnam time) or an ISO 8601 instant with offset' });

export const auditQuerySchema = z.object({
  from: instantOrDay.optional(),
  to: instantOrDay.optional().meta({ description: 'Inclusive: a day includes all of it' }),
  actor: z.string().trim().min(1).max(200).optional().meta({ description: "A user's id, or part of a name (case-insensitive)" }),
  action: z.string().trim().regex(/^[a-z_]+(\.[a-z_]+)*$/, 'action: a dotted verb such as plan.approve, or its first part (plan)').max(100).optional(),
});
export const auditPageSchema = auditQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

function bounds(q: z.infer<typeof auditQuerySchema>): { from?: Date; to?: Date } {
  const from = q.from === undefined ? undefined : DAY.test(q.from) ? DateTime.fromISO(q.from, { zone: ZONE }).toJSDate() : DateTime.fromISO(q.from).toJSDate();
  const to = q.to === undefined ? undefined : DAY.test(q.to) ? DateTime.fromISO(q.to, { zone: ZONE }).plus({ days: 1 }).toJSDate() : new Date(DateTime.fromISO(q.to).toMillis() + 1);
  if (from && to && from >= to) {
    throw new HttpError(422, 'VALIDATION_FAILED', 'to: must not be before from', '«Đến ngày» không được trước «Từ ngày»', [
      { field: 'to', location: 'query', rule: 'order', message: 'must not be before from', messageEn: 'query parameter to: must not be before from', messageVi: 'Tham số «Đến ngày» không được trước «Từ ngày»' },
    ]);
  }
  return { from, to };
}

const filterOf = (q: z.infer<typeof auditQuerySchema>) => ({ ...bounds(q), actor: q.actor, action: q.action });

const CSV_HEADINGS = ['Thời điểm (giờ Việt Nam)', 'Người thực hiện', 'Mã người thực hiện', 'Vai trò', 'Địa chỉ IP', 'Mã yêu cầu', 'Thao tác', 'Loại đối tượng', 'Mã đối tượng', 'Trước', 'Sau'];
const cellJson = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
const csvRow = (e: AuditEntryView) =>
  neutraliseRow([
    DateTime.fromISO(e.at).setZone(ZONE).toFormat('yyyy-MM-dd HH:mm:ss'),
    e.actorName,
    e.actorId ?? '',
    e.actorRole ?? '',
    e.ip ?? '',
    e.requestId ?? '',
    e.action,
    e.targetType ?? '',
    e.targetId ?? '',
    cellJson(e.before),
    cellJson(e.after),
  ]);

/** The audit log, read-only: admins see the entries of their own area. No route edits or removes an entry. */
export function auditRouter(deps: { audit: AuditService; access: AccessService }): Router {
  const r = Router();
  const scopeOf = (req: Request) => deps.access.scope(principalOf(req), 'audit.read');

  r.get('/audit', async (req, res) => {
    const scope = scopeOf(req);
    const q = parseQuery(auditPageSchema, req);
    const { items, total } = await deps.audit.list(scope, { ...filterOf(q), limit: q.limit, offset: q.offset });
    res.json({ items, total, limit: q.limit, offset: q.offset });
  });

  // Every matching entry, newest first, a page at a time; the first page is read before anything is sent, so a
  // refusal or a failure still answers as JSON.
  r.get('/audit.csv', async (req, res) => {
    const scope = scopeOf(req);
    const pages = deps.audit.each(scope, filterOf(parseQuery(auditQuerySchema, req)));
    const first = await pages.next();
    res.type('text/csv; charset=utf-8').attachment(`nhat-ky-thao-tac-${DateTime.now().setZone(ZONE).toFormat('yyyyMMdd-HHmm')}.csv`).set('Cache-Control', 'no-store');
    res.write(`\uFEFF${stringify([neutraliseRow(CSV_HEADINGS)])}`);
    try {
      for (let page = first; !page.done; page = await pages.next()) {
        if (!res.write(stringify(page.value.map(csvRow)))) {
          await new Promise((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
        if (res.destroyed) return;
      }
      res.end();
    } catch (err) {
      req.log.error({ err }, 'audit export cut short');
      res.destroy(err as Error);
    }
  });

  return r;
}
