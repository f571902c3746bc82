import { Router, type Request } from 'express';
import { z } from 'zod';
import { periodQuerySchema, periodSchema, type Period } from '../../domain/tracking/index.js';
import type { PlanService } from '../../services/plan-service.js';
import { complianceCsv, complianceXlsx, reportHeading } from '../../services/report-export.js';
import type { TrackingService } from '../../services/tracking-service.js';
import { assertMayReadStation, principalOf, requireRole } from '../auth.js';
import { HttpError } from '../errors.js';

const batchSchema = z.object({
  plays: z.array(z.unknown(), { error: 'plays must be an array' }).min(1, 'plays must not be empty').max(1000, 'at most 1000 plays per batch'),
});
const statsQuery = z.object({ groupBy: z.enum(['station', 'episode', 'month']).default('station') });
const reportQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json'), lang: z.enum(['vi', 'en']).default('vi') });
const airedSchema = z.object({
  startedAt: z.iso.datetime({ offset: true, error: 'startedAt must be ISO 8601 with an offset' }).optional(),
  durationSec: z.number().nonnegative().optional(),
});

/** Operators and stations count only for themselves. */
function scopeOf(req: Request): string[] | undefined {
  const p = principalOf(req);
  return p.role === 'operator' || p.role === 'station' ? [p.stationId!] : undefined;
}

function periodOf(req: Request): Period {
  const q = req.query;
  return q.preset !== undefined ? periodQuerySchema.parse({ preset: q.preset, year: q.year }) : periodSchema.parse({ from: q.from, to: q.to });
}

export function playsRouter(deps: { tracking: TrackingService }): Router {
  const r = Router();
  r.post('/plays', requireRole('station'), async (req, res) => {
    const { plays } = batchSchema.parse(req.body);
    const p = principalOf(req);
    const results = await deps.tracking.ingest(p.stationId!, plays, p.deviceId);
    res.json({ results });
  });
  return r;
}

/** An operator (or the centre) marks an airing as aired: a manual play under the same rules, safe to repeat. */
export function airedRouter(deps: { tracking: TrackingService; plans: PlanService }): Router {
  const r = Router();
  r.post('/:id/aired', requireRole('operator', 'admin', 'editor'), async (req, res) => {
    const id = z.uuid({ error: 'id must be a UUID' }).parse(req.params.id);
    const body = airedSchema.parse(req.body ?? {});
    const { airing } = await deps.plans.getAiring(id);
    assertMayReadStation(req, airing.stationId);
    if (airing.status !== 'live') throw new HttpError(409, 'AIRING_NOT_LIVE', 'Only a live airing can be marked as aired', 'Chỉ lượt phát đã phê duyệt mới đánh dấu đã phát được');
    const [result] = await deps.tracking.ingest(airing.stationId, [
      {
        eventId: `manual-${airing.id}`,
        episodeId: airing.episodeId,
        airingId: airing.id,
        startedAt: body.startedAt ?? airing.startsAt.toISOString(),
        durationSec: body.durationSec ?? (airing.endsAt.getTime() - airing.startsAt.getTime()) / 1000,
        source: 'manual',
      },
    ]);
    if (result!.status === 'rejected') throw new HttpError(422, 'PLAY_REJECTED', result!.message ?? 'rejected', 'Không ghi nhận được lượt phát', result);
    res.status(result!.status === 'accepted' ? 201 : 200).json(result);
  });
  return r;
}

export function statsRouter(deps: { tracking: TrackingService }): Router {
  const r = Router();
  r.get('/rebroadcasts', requireRole('admin', 'editor', 'viewer', 'operator'), async (req, res) => {
    const period = periodOf(req);
    const { groupBy } = statsQuery.parse(req.query);
    const { rows, totals } = await deps.tracking.stats(period, groupBy, scopeOf(req));
    res.json({
      period,
      groupBy,
      rows: rows.map((row) => ({ ...row, target: row.rebroadcastTarget })),
      totals: { ...totals, target: totals.rebroadcastTarget },
    });
  });
  return r;
}

export function reportsRouter(deps: { tracking: TrackingService }): Router {
  const r = Router();
  r.get('/compliance', requireRole('admin', 'editor', 'viewer', 'operator'), async (req, res) => {
    const period = periodOf(req);
    const { format, lang } = reportQuery.parse(req.query);
    const { rows, totals } = await deps.tracking.compliance(period, scopeOf(req));
    const name = `bao-cao-${period.from}_${period.to}`;
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(complianceCsv(rows, totals, lang));
      return;
    }
    if (format === 'xlsx') {
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`${name}.xlsx`)
        .send(await complianceXlsx(rows, totals, period, lang));
      return;
    }
    res.json({ title: reportHeading(period, lang), period, rows, totals });
  });
  return r;
}
