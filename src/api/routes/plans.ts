import { Router } from 'express';
import { z } from 'zod';
import { createPlanSchema, moveAiringSchema, toAiringView, toPlanView, type PlanService } from '../../services/plan-service.js';
import { principalOf } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';
import { recordChange } from '../audit-context.js';
import type { PlanResult } from '../../services/plan-service.js';

/** A plan as its audit entry keeps it: a plan for 10,000 stations names its first ones and counts the rest. */
const auditedPlan = (r: PlanResult, body?: { areaIds?: unknown }) => ({
  episodeId: r.plan.episodeId,
  status: r.plan.status,
  priority: r.plan.priority,
  airingsPerStation: r.plan.airingsPerStation,
  from: r.plan.from,
  to: r.plan.to,
  stations: r.stations.length,
  stationIds: r.stations.slice(0, 50).map((s) => s.stationId),
  ...(body?.areaIds ? { areaIds: body.areaIds } : {}),
});

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const listSchema = z.object({
  status: z.enum(['draft', 'approved', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

// Who may do what, and where, is the plan service's to ask (src/services/access.ts).
export function plansRouter(deps: { plans: PlanService }): Router {
  const r = Router();
  const { plans } = deps;

  r.post('/', async (req, res) => {
    const body = parseBody(createPlanSchema, req);
    const result = await plans.create(principalOf(req), body);
    await recordChange(req, { action: 'plan.create', targetType: 'plan', targetId: result.plan.id, after: auditedPlan(result, body as { areaIds?: unknown }) });
    res.status(201).location(`/api/v1/plans/${result.plan.id}`).json(result);
  });

  r.get('/', async (req, res) => {
    const q = parseQuery(listSchema, req);
    const { items, total } = await plans.list(principalOf(req), q);
    res.json({ items: items.map(toPlanView), total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', async (req, res) => {
    res.json(await plans.get(principalOf(req), parseParam(idSchema, req, 'id')));
  });

  r.post('/:id/approve', async (req, res) => {
    const result = await plans.approve(principalOf(req), parseParam(idSchema, req, 'id'));
    await recordChange(req, { action: 'plan.approve', targetType: 'plan', targetId: result.plan.id, before: { status: 'draft' }, after: auditedPlan(result) });
    res.json(result);
  });

  r.post('/:id/cancel', async (req, res) => {
    const result = await plans.cancel(principalOf(req), parseParam(idSchema, req, 'id'));
    await recordChange(req, { action: 'plan.cancel', targetType: 'plan', targetId: result.plan.id, after: { status: result.plan.status } });
    res.json(result);
  });

  return r;
}

export function airingsRouter(deps: { plans: PlanService }): Router {
  const r = Router();
  const { plans } = deps;

  r.get('/:id', async (req, res) => {
    const { airing, station } = await plans.getAiring(principalOf(req), parseParam(idSchema, req, 'id'));
    res.json(toAiringView(airing, station.timezone));
  });

  r.patch('/:id', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    const { startsAt } = parseBody(moveAiringSchema, req);
    const before = (await plans.getAiring(principalOf(req), id, 'airing.move')).airing;
    const { airing, station } = await plans.moveAiring(principalOf(req), id, startsAt);
    await recordChange(req, { action: 'airing.move', targetType: 'airing', targetId: id, stationId: airing.stationId, before: { startsAt: before.startsAt.toISOString(), endsAt: before.endsAt.toISOString() }, after: { startsAt: airing.startsAt.toISOString(), endsAt: airing.endsAt.toISOString(), planId: airing.planId } });
    res.json(toAiringView(airing, station.timezone));
  });

  r.post('/:id/cancel', async (req, res) => {
    const { airing, station } = await plans.cancelAiring(principalOf(req), parseParam(idSchema, req, 'id'));
    await recordChange(req, { action: 'airing.cancel', targetType: 'airing', targetId: airing.id, stationId: airing.stationId, after: { status: airing.status, planId: airing.planId, startsAt: airing.startsAt.toISOString() } });
    res.json(toAiringView(airing, station.timezone));
  });

  return r;
}
