import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { periodQuerySchema, periodSchema, type Period } from '../../domain/tracking/index.js';
import type { PlanService } from '../../services/plan-service.js';
import { complianceCsv, complianceXlsx, reportHeading } from '../../services/report-export.js';
import type { TrackingService } from '../../services/tracking-service.js';
import { principalOf } from '../auth.js';
import { permit } from '../permit.js';
import { HttpError } from '../errors.js';
import type { Config } from '../../../config/index.js';
import type { Logger } from '../../logger.js';
import { PdfUnavailableError, reportPdfRenderer, type ReportPdfRenderer } from '../../services/report-pdf.js';
import { parseBody, parseParam, parseQuery, parseQueryValues } from '../parse-request.js';
import { recordChange } from '../audit-context.js';

export const batchSchema = z.object({
  plays: z.array(z.unknown(), { error: 'plays must be an array' }).min(1, 'plays must not be empty').max(1000, 'at most 1000 plays per batch'),
});
export const statsQuery = z.object({ groupBy: z.enum(['station', 'episode', 'month']).default('station') });
export const reportQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx', 'pdf']).default('json'), lang: z.enum(['vi', 'en']).default('vi') });
export const airedSchema = z.object({
  startedAt: z.iso.datetime({ offset: true, error: 'startedAt must be ISO 8601 with an offset' }).optional(),
  durationSec: z.number().nonnegative().optional(),
});

function periodOf(req: Request): Period {
  const q = req.query;
  return q.preset !== undefined ? parseQueryValues(periodQuerySchema, { preset: q.preset, year: q.year, month: q.month }) : parseQueryValues(periodSchema, { from: q.from, to: q.to });
}

export function playsRouter(deps: { tracking: TrackingService }): Router {
  const r = Router();
  r.post('/plays', permit('station.feed'), async (req, res) => {
    const { plays } = parseBody(batchSchema, req);
    const p = principalOf(req);
    const results = await deps.tracking.ingest(p.stationId!, plays, p.deviceId);
    res.json({ results });
  });
  return r;
}

/** An operator (or the centre) marks an airing as aired: a manual play under the same rules, safe to repeat. */
export function airedRouter(deps: { tracking: TrackingService; plans: PlanService }): Router {
  const r = Router();
  r.post('/:id/aired', async (req, res) => {
    const id = parseParam(z.uuid({ error: 'id must be a UUID' }), req, 'id');
    const body = parseBody(airedSchema, req, {});
    const { airing, station } = await deps.plans.getAiring(principalOf(req), id, 'airing.markAired');
    if (airing.status !== 'live') throw new HttpError(409, 'AIRING_NOT_LIVE', 'Only a live airing can be marked as aired', 'Chỉ lượt phát đã phê duyệt mới đánh dấu đã phát được');
    const recorded = await deps.tracking.recordedPlay(airing.id);
    if (recorded) throw alreadyRecorded(recorded, station.timezone);
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
    if (result!.status === 'rejected') {
      throw new HttpError(422, 'PLAY_REJECTED', result!.message ?? 'rejected', `Không ghi nhận được lượt phát: ${result!.messageVi ?? ''}`, result);
    }
    // Two marks racing past the check above: the second finds the first one's event.
    if (result!.status === 'duplicate') {
      throw alreadyRecorded((await deps.tracking.recordedPlay(airing.id)) ?? { eventId: `manual-${airing.id}`, startedAt: null, source: 'manual' }, station.timezone);
    }
    await recordChange(req, { action: 'airing.mark_aired', targetType: 'airing', targetId: airing.id, stationId: airing.stationId, after: { status: result!.status, startedAt: body.startedAt ?? airing.startsAt.toISOString(), durationSec: body.durationSec ?? null } });
    res.status(201).json(result);
  });
  return r;
}

/** Marking twice, or marking what the device already reported, would count nothing: say what is on record. */
function alreadyRecorded(play: { eventId: string; startedAt: Date | null; source: string }, timezone: string): HttpError {
  const by = play.source === 'manual' ? { en: 'marked by hand', vi: 'đánh dấu thủ công' } : { en: 'reported by the device', vi: 'do cụm loa báo về' };
  const at = play.startedAt ? DateTime.fromJSDate(play.startedAt, { zone: timezone }) : null;
  return new HttpError(
    409,
    'ALREADY_RECORDED',
    `This airing is already recorded as aired (${by.en}${at ? `, started ${at.toISO({ suppressMilliseconds: true })}` : ''})`,
    `Lượt phát này đã được ghi nhận là đã phát (${by.vi}${at ? `, bắt đầu lúc ${at.toFormat('HH:mm')} ngày ${at.toFormat('dd/MM/yyyy')}` : ''})`,
    { eventId: play.eventId, startedAt: play.startedAt?.toISOString() ?? null, source: play.source },
  );
}

export function statsRouter(deps: { tracking: TrackingService }): Router {
  const r = Router();
  r.get('/rebroadcasts', async (req, res) => {
    const period = periodOf(req);
    const { groupBy } = parseQuery(statsQuery, req);
    const { rows, totals, areas } = await deps.tracking.stats(principalOf(req), period, groupBy);
    res.json({
      period,
      groupBy,
      rows: rows.map((row) => ({ ...row, target: row.rebroadcastTarget })),
      totals: { ...totals, target: totals.rebroadcastTarget },
      areas,
    });
  });
  return r;
}

export function reportsRouter(deps: { tracking: TrackingService; config: Config; logger: Logger }): Router {
  const r = Router();
  const pdf = reportPdfRenderer({ chromiumPath: deps.config.report.chromiumPath, timeoutMs: deps.config.report.pdfTimeoutMs, logger: deps.logger });
  // Asked up front as well: a PDF starts a browser, which nobody refused should cost.
  r.get('/compliance', permit('stats.read'), async (req, res) => {
    const period = periodOf(req);
    const { format, lang } = parseQuery(reportQuery, req);
    const name = `bao-cao-${period.from}_${period.to}`;
    if (format === 'pdf') {
      const file = await compliancePdf(pdf, req, res, period, lang);
      res.type('application/pdf').attachment(`${name}.pdf`).send(file);
      return;
    }
    const { rows, totals, areas } = await deps.tracking.compliance(principalOf(req), period);
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(complianceCsv(rows, totals, lang, areas));
      return;
    }
    if (format === 'xlsx') {
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`${name}.xlsx`)
        .send(await complianceXlsx(rows, totals, period, lang, areas));
      return;
    }
    const { issuer, issuerParent, place, signerTitle } = deps.config.report;
    // What the printed form needs besides the table: who issues it, where, and who signs.
    res.json({ title: reportHeading(period, lang), period, rows, totals, areas, document: { issuer, issuerParent: issuerParent ?? null, place: place ?? null, signerTitle } });
  });
  return r;
}

/**
 * The dashboard's print page for this period, rendered by Chromium as the requester (their own token), reached at
 * this process's own listening address so no Host header or proxy decides where the browser goes.
 */
async function compliancePdf(pdf: ReportPdfRenderer, req: Request, res: Response, period: Period, lang: 'vi' | 'en'): Promise<Buffer> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const address = req.socket.localAddress ?? '127.0.0.1';
  const origin = `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
  const route = `/reports/print?${new URLSearchParams({ from: period.from, to: period.to }).toString()}`;
  try {
    return await pdf.render({ origin, route, token, lang });
  } catch (err) {
    if (!(err instanceof PdfUnavailableError)) throw err;
    if (err.reason === 'busy') {
      res.setHeader('Retry-After', '15');
      throw new HttpError(503, 'PDF_BUSY', 'Another PDF is being rendered: try again in a minute', 'Máy chủ đang xuất một tệp PDF khác. Hãy thử lại sau ít phút.');
    }
    if (err.reason === 'no_browser') {
      throw new HttpError(
        503,
        'PDF_UNAVAILABLE',
        `PDF export is not available: ${err.message}. Install Chromium or set CHROMIUM_PATH; meanwhile use "Print report" and save as PDF.`,
        'Chưa xuất được tệp PDF: máy chủ chưa có trình duyệt Chromium. Hãy bấm «In báo cáo» rồi chọn «Lưu thành PDF», hoặc nhờ quản trị viên cài Chromium trên máy chủ.',
      );
    }
    throw new HttpError(503, 'PDF_FAILED', `The PDF could not be rendered: ${err.message}`, 'Chưa xuất được tệp PDF do lỗi khi dựng trang in. Hãy thử lại, hoặc bấm «In báo cáo» rồi chọn «Lưu thành PDF».');
  }
}
