import { Router } from 'express';
import { z } from 'zod';
import { stationDeliveries } from '../../db/deliveries-repo.js';
import type { Database } from '../../db/database.js';
import { DateTime } from 'luxon';
import { localDateSchema, localPeriod } from '../../domain/airtime/index.js';
import { localDate } from '../../domain/tracking/index.js';
import { toAiringView, type PlanService } from '../../services/plan-service.js';
import type { DeviceService } from '../../services/device-service.js';
import { auditedStation, createStationSchema, updateStationSchema, type StationService } from '../../services/station-service.js';
import { changedFields } from '../../services/audit-service.js';
import { recordChange } from '../audit-context.js';
import { principalOf } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';
import { gridCheckSchema } from '../../services/grid-check.js';
import { assertAllowed } from '../../services/access.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const listSchema = z.object({
  active: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export const rangeSchema = z.object({ from: localDateSchema.optional(), to: localDateSchema.optional() });

export function stationsRouter(deps: { stations: StationService; plans: PlanService; db: Database; devices: DeviceService }): Router {
  const r = Router();
  const { stations } = deps;

  // Before '/:id…': judges a grid being typed, saving nothing. Who may add or change stations may ask.
  r.post('/grid-check', (req, res) => {
    assertAllowed(principalOf(req), 'station.manage');
    res.json(stations.checkGridDraft(parseBody(gridCheckSchema, req)));
  });

  r.post('/', async (req, res) => {
    const created = await stations.create(parseBody(createStationSchema, req), principalOf(req));
    await recordChange(req, { action: 'station.create', targetType: 'station', targetId: created.id, stationId: created.id, after: auditedStation(created) });
    res.status(201).location(`/api/v1/stations/${created.id}`).json(created);
  });

  r.get('/', async (req, res) => {
    const q = parseQuery(listSchema, req);
    const { items, total } = await stations.listViewsFor(principalOf(req), q);
    res.json({ items, total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.readable(principalOf(req), id);
    res.json(await stations.view(id));
  });

  r.patch('/:id', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.mayManage(principalOf(req), id);
    const patch = parseBody(updateStationSchema, req);
    const before = await stations.get(id);
    const after = await stations.update(id, patch, principalOf(req));
    const diff = changedFields(auditedStation(before), auditedStation(after));
    // The area it sat in before a move: its former area's admins see the station leave.
    if (Object.keys(diff.after).length > 0) await recordChange(req, { action: 'station.update', targetType: 'station', targetId: id, stationId: id, ...diff });
    res.json(await stations.view(id));
  });

  r.post('/:id/deactivate', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.mayManage(principalOf(req), id);
    const before = await stations.get(id);
    await stations.deactivate(id);
    if (before.active) await recordChange(req, { action: 'station.deactivate', targetType: 'station', targetId: id, stationId: id, before: { active: true }, after: { active: false } });
    res.json(await stations.view(id));
  });

  r.post('/:id/rotate-token', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.mayManage(principalOf(req), id);
    const rotated = await stations.rotateToken(id);
    await recordChange(req, { action: 'station.rotate_token', targetType: 'station', targetId: id, stationId: id });
    res.json(rotated);
  });

  r.post('/:id/rotate-webhook-secret', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.mayManage(principalOf(req), id);
    const rotated = await stations.rotateWebhookSecret(id);
    await recordChange(req, { action: 'station.rotate_webhook_secret', targetType: 'station', targetId: id, stationId: id });
    res.json(rotated);
  });

  // The station's live schedule, by station-local dates (default: today and the next 7 days).
  r.get('/:id/airings', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    const station = await stations.readable(principalOf(req), id);
    const q = parseQuery(rangeSchema, req);
    const from = q.from ?? localDate(new Date(), station.timezone);
    const to = q.to ?? DateTime.fromISO(from).plus({ days: 7 }).toISODate()!;
    const period = localPeriod(station.timezone, from, to);
    const airings = await deps.plans.stationAirings(id, period.startsAt, period.endsAt);
    // What each of the station's loudspeaker clusters did with each airing.
    const outcomes = await deps.devices.airingOutcomes(id, airings);
    res.json({
      stationId: id,
      from,
      to,
      items: airings.map((a) => ({ ...toAiringView(a, station.timezone), title: a.title, devices: outcomes.get(a.id) ?? [] })),
    });
  });

  r.get('/:id/deliveries', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.readable(principalOf(req), id);
    const rows = await stationDeliveries(deps.db, id);
    res.json({
      items: rows.map((d) => ({
        episodeId: d.episodeId,
        rendition: d.rendition,
        sizeBytes: d.sizeBytes,
        bytesServed: d.bytesServed,
        ranges: d.ranges,
        completedAt: d.completedAt?.toISOString() ?? null,
      })),
    });
  });

  return r;
}
