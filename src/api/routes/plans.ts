import { Router } from 'express';
import { z } from 'zod';
import { createPlanSchema, moveAiringSchema, toAiringView, toPlanView, type PlanService } from '../../services/plan-service.js';
import { assertMayReadStation, principalOf, requireRole } from '../auth.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });
const listSchema = z.object({
  status: z.enum(['draft', 'approved', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function plansRouter(deps: { plans: PlanService }): Router {
  const r = Router();
  const { plans } = deps;

  r.post('/', requireRole('admin', 'editor'), async (req, res) => {
    const result = await plans.create(createPlanSchema.parse(req.body), principalOf(req).userId);
    res.status(201).location(`/api/v1/plans/${result.plan.id}`).json(result);
  });

  r.get('/', requireRole('admin', 'editor', 'viewer'), async (req, res) => {
    const q = listSchema.parse(req.query);
    const { items, total } = await plans.list(q);
    res.json({ items: items.map(toPlanView), total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', requireRole('admin', 'editor', 'viewer'), async (req, res) => {
    res.json(await plans.get(idSchema.parse(req.params.id)));
  });

  r.post('/:id/approve', requireRole('admin'), async (req, res) => {
    res.json(await plans.approve(idSchema.parse(req.params.id), principalOf(req).userId));
  });

  r.post('/:id/cancel', requireRole('admin', 'editor'), async (req, res) => {
    res.json(await plans.cancel(idSchema.parse(req.params.id)));
  });

  return r;
}

export function airingsRouter(deps: { plans: PlanService }): Router {
  const r = Router();
  const { plans } = deps;

  r.get('/:id', requireRole('admin', 'editor', 'viewer', 'operator'), async (req, res) => {
    const { airing, station } = await plans.getAiring(idSchema.parse(req.params.id));
    assertMayReadStation(req, airing.stationId);
    res.json(toAiringView(airing, station.timezone));
  });

  r.patch('/:id', requireRole('admin', 'editor'), async (req, res) => {
    const { startsAt } = moveAiringSchema.parse(req.body);
    const { airing, station } = await plans.moveAiring(idSchema.parse(req.params.id), startsAt);
    res.json(toAiringView(airing, station.timezone));
  });

  r.post('/:id/cancel', requireRole('admin', 'editor'), async (req, res) => {
    const { airing, station } = await plans.cancelAiring(idSchema.parse(req.params.id));
    res.json(toAiringView(airing, station.timezone));
  });

  return r;
}
