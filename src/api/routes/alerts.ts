import { Router } from 'express';
import { z } from 'zod';
import { ALERT_KINDS, type AlertKind } from '../../domain/alerts/index.js';
import type { AlertService } from '../../services/alert-service.js';
import { principalOf } from '../auth.js';
import { parseQuery } from '../parse-request.js';

export const listQuery = z.object({
  status: z.enum(['open', 'resolved', 'all'], { error: 'status must be open, resolved or all' }).default('open'),
  kind: z.enum(ALERT_KINDS as [AlertKind, ...AlertKind[]], { error: `kind must be one of ${ALERT_KINDS.join(', ')}` }).optional(),
  stationId: z.uuid({ error: 'stationId must be a UUID' }).optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be ≥ 1').max(1000, 'limit must be ≤ 1000').default(100),
  offset: z.coerce.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0, 'offset must be ≥ 0').default(0),
});

export function alertsRouter(deps: { alerts: AlertService }): Router {
  const r = Router();
  // The caller's stations' alerts only (its area, or its one station), asked for or not.
  r.get('/', async (req, res) => {
    const q = parseQuery(listQuery, req);
    const { items, total, open } = await deps.alerts.list(principalOf(req), q);
    res.json({ items, total, open, limit: q.limit, offset: q.offset });
  });
  return r;
}
