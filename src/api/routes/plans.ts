import { Router } from 'express';
import { z } from 'zod';
import { createPlanSchema, moveAiringSchema, toAiringView, toPlanView, type PlanService } from '../../services/plan-service.js';
import { assertMayReadStation, principalOf, requireRole } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const listSchema = z.object({
  status: z.enum(['draft', 'approved', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function plansRouter(deps: { plans: PlanService }): Router {
  const r = Router();
  const { plans } = deps;

  r.post('/', requireRole('admin', 'editor'), async (req, res) => {
    const result = await plans.create(parseBody(createPlanSchema, req), principalOf(req).userId);
    res.status(201).location(`/api/v1/plans/${result.plan.id}`).json(result);
  });

  r.get('/', requireRole('admin', 'editor', 'viewer'), async (req, res) => {
    const q = parseQuery(listSchema, req);
    const { items, total } = await plans.list(q);
    res.json({ items: items.map(toPlanView), total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', requireRole('admin', 'editor', 'viewer'), async (req, res) => {
    res.json(await plans.get(parseParam(idSchema, req, 'id')));
  });

  r.post('/:id/approve', requireRole('admin'), async (req, res) => {
    res.json(await plans.approve(parseParam(idSchema, req, 'id'), principalOf(req).userId));
  });

  r.post('/:id/cancel', requireRole('admin', 'editor'), async (req, res) => {
    res.json(await plans.cancel(parseParam(idSchema, req, 'id')));
  });

  return r;
}

export function airingsRouter(deps: { plans: PlanService }): Router {
  const r = Router();
  const { plans } = deps;

  r.get('/:id', requireRole('admin', 'editor', 'viewer', 'operator'), async (req, res) => {
    const { airing, station } = await plans.getAiring(parseParam(idSchema, req, 'id'));
    assertMayReadStation(req, airing.stationId);
    res.json(toAiringView(airing, station.timezone));
  });

  r.patch('/:id', requireRole('admin', 'editor'), async (req, res) => {
    const { startsAt } = parseBody(moveAiringSchema, req);
    const { airing, station } = await plans.moveAiring(parseParam(idSchema, req, 'id'), startsAt);
    res.json(toAiringView(airing, station.timezone));
  });

  r.post('/:id/cancel', requireRole('admin', 'editor'), async (req, res) => {
    const { airing, station } = await plans.cancelAiring(parseParam(idSchema, req, 'id'));
    res.json(toAiringView(airing, station.timezone));
  });

  return r;
}
