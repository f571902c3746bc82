import { Router } from 'express';
import { z } from 'zod';
import { stationDeliveries } from '../../db/deliveries-repo.js';
import type { Database } from '../../db/database.js';
import { DateTime } from 'luxon';
import { localDateSchema, localPeriod } from '../../domain/airtime/index.js';
import { localDate } from '../../domain/tracking/index.js';
import { toAiringView, type PlanService } from '../../services/plan-service.js';
import type { DeviceService } from '../../services/device-service.js';
import { createStationSchema, updateStationSchema, type StationService } from '../../services/station-service.js';
import { assertMayReadStation, requireRole } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';

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
  const readers = requireRole('admin', 'editor', 'viewer', 'operator');

  r.post('/', requireRole('admin'), async (req, res) => {
    const created = await stations.create(parseBody(createStationSchema, req));
    res.status(201).location(`/api/v1/stations/${created.id}`).json(created);
  });

  r.get('/', requireRole('admin', 'editor', 'viewer'), async (req, res) => {
    const q = parseQuery(listSchema, req);
    const { items, total } = await stations.listViews(q);
    res.json({ items, total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', readers, async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    assertMayReadStation(req, id);
    res.json(await stations.view(id));
  });

  r.patch('/:id', requireRole('admin'), async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.update(id, parseBody(updateStationSchema, req));
    res.json(await stations.view(id));
  });

  r.post('/:id/deactivate', requireRole('admin'), async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await stations.deactivate(id);
    res.json(await stations.view(id));
  });

  r.post('/:id/rotate-token', requireRole('admin'), async (req, res) => {
    res.json(await stations.rotateToken(parseParam(idSchema, req, 'id')));
  });

  r.post('/:id/rotate-webhook-secret', requireRole('admin'), async (req, res) => {
    res.json(await stations.rotateWebhookSecret(parseParam(idSchema, req, 'id')));
  });

  // The station's live schedule, by station-local dates (default: today and the next 7 days).
  r.get('/:id/airings', readers, async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    assertMayReadStation(req, id);
    const station = await stations.get(id);
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

  r.get('/:id/deliveries', readers, async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    assertMayReadStation(req, id);
    await stations.get(id);
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
