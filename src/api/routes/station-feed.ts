import { Router, type Request } from 'express';
import { createEvents, type EventAttributes } from 'ics';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../../../config/index.js';
import type { Database } from '../../db/database.js';
import { recordDeliverySpan } from '../../db/deliveries-repo.js';
import { episodesRepo } from '../../db/episodes-repo.js';
import { episodeSentToStation } from '../../db/manifest-repo.js';
import type { StationsRepo } from '../../db/stations-repo.js';
import { isProbe } from '../../domain/delivery/ranges.js';
import { buildM3u } from '../../domain/export/m3u.js';
import { ifNoneMatchHits, manifestEtag, type ManifestDocument } from '../../domain/manifest/index.js';
import { LINK_PARAMS, missingLinkParams, verifyMediaLink, type LinkParam } from '../../domain/media-links.js';
import type { Logger } from '../../logger.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { permit } from '../permit.js';
import { HttpError } from '../errors.js';
import { baseUrlOf } from '../base-url.js';
import { sendObject } from '../send-object.js';
import { parseParams, parseQuery } from '../parse-request.js';

type GetManifest = (station: NonNullable<Request['station']>, at: Date, baseUrl: string) => Promise<{ doc: ManifestDocument }>;

/** What a station's own device reads with its token: the manifest, and the same schedule as iCalendar and M3U. */
export function stationFeedRouter(deps: { config: Config; manifest: GetManifest }): Router {
  const r = Router();
  r.use(permit('station.feed'));
  const current = (req: Request) => deps.manifest(req.station!, new Date(), baseUrlOf(req, deps.config.http.publicUrl));

  r.get('/manifest', async (req, res) => {
    const { doc } = await current(req);
    res.setHeader('ETag', manifestEtag(doc.version));
    res.setHeader('Cache-Control', 'private, no-cache');
    if (ifNoneMatchHits(req.headers['if-none-match'], doc.version)) {
      res.status(304).end();
      return;
    }
    res.json(doc);
  });

  r.get('/schedule.ics', async (req, res) => {
    const { doc } = await current(req);
    const events: EventAttributes[] = doc.airings.map((a) => ({
      uid: `${a.id}@loa-xa`,
      title: a.title,
      description: `${a.priority === 'emergency' ? 'Khẩn cấp' : a.priority === 'priority' ? 'Ưu tiên' : 'Thường'} — ${a.media.url}`,
      start: Date.parse(a.startsAt),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: Date.parse(a.endsAt),
      endInputType: 'utc',
      endOutputType: 'utc',
      url: a.media.url,
      productId: 'loa-xa/schedule',
      calName: `Lịch phát sóng — ${doc.station.name}`,
    }));
    const { error, value } = createEvents(events, { productId: 'loa-xa/schedule', calName: `Lịch phát sóng — ${doc.station.name}` });
    if (error || value === null) throw error ?? new Error('calendar could not be built');
    res.type('text/calendar; charset=utf-8').setHeader('ETag', manifestEtag(doc.version)).send(value);
  });

  r.get('/today.m3u', async (req, res) => {
    const { doc } = await current(req);
    const today = DateTime.now().setZone(doc.station.timezone).toISODate();
    const entries = doc.airings
      .filter((x) => DateTime.fromISO(x.startsAt, { zone: doc.station.timezone }).toISODate() === today)
      .map((a) => ({ title: `${DateTime.fromISO(a.startsAt, { zone: doc.station.timezone }).toFormat('HH:mm')} ${a.title}`, durationSec: a.media.durationSec, url: a.media.url }));
    res.type('audio/x-mpegurl; charset=utf-8').send(buildM3u(`${doc.station.name} ${today}`, entries));
  });

  return r;
}

export const mediaParams = z.object({
  stationId: z.uuid(),
  file: z.string().regex(/^[0-9a-f-]{36}\.(mp3|opus)$/, 'file must be <episodeId>.mp3 or .opus'),
});
export const mediaQuery = z.object({ exp: z.coerce.number().int().positive(), sig: z.string().min(10).max(200) });

/** A link without its expiry or signature was cut short (or made by hand): say which part is missing. */
function incompleteLink(missing: LinkParam[]): HttpError {
  const en = missing.map((k) => `${k} (${LINK_PARAMS[k].en})`).join(' and ');
  const vi = missing.map((k) => `«${k}» (${LINK_PARAMS[k].vi})`).join(' và ');
  return new HttpError(
    403,
    'INCOMPLETE_LINK',
    `This media link has no ${en}: use the whole link from the station's schedule`,
    `Liên kết tải tệp thiếu tham số ${vi}: hãy dùng nguyên liên kết trong lịch phát sóng của đài, không cắt bớt`,
    missing.map((field) => ({ field, location: 'query', rule: 'required' })),
  );
}

/**
 * Media for stations, through the signed link in their manifest (no bearer needed, so any player can fetch it).
 * Range requests resume broken downloads; every byte span actually sent is recorded towards the delivery.
 */
export function stationMediaRouter(deps: { db: Database; store: ObjectStore; stations: StationsRepo; linkSecret: string; logger: Logger }): Router {
  const r = Router();
  r.get('/:stationId/:file', async (req, res) => {
    const params = parseParams(mediaParams, req);
    const missing = missingLinkParams(req.query as Record<string, unknown>);
    if (missing.length > 0) throw incompleteLink(missing);
    const q = parseQuery(mediaQuery, req);
    const [episodeId, ext] = params.file.split('.') as [string, 'mp3' | 'opus'];
    const claims = { stationId: params.stationId, episodeId, rendition: ext, expires: q.exp };
    const check = verifyMediaLink(deps.linkSecret, claims, q.sig, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      throw new HttpError(403, check.reason === 'expired' ? 'LINK_EXPIRED' : 'BAD_SIGNATURE', `This media link is ${check.reason === 'expired' ? 'expired: fetch the manifest again' : 'not valid'}`, 'Liên kết tải tệp không hợp lệ hoặc đã hết hạn');
    }
    const station = await deps.stations.get(params.stationId);
    if (!station?.active || !(await episodeSentToStation(deps.db, station.id, episodeId))) {
      throw new HttpError(403, 'NOT_SCHEDULED', 'This episode is not scheduled for this station', 'Chương trình này không có trong lịch của đài');
    }
    const rendition = (await episodesRepo(deps.db).renditions(episodeId)).find((x) => x.name === ext);
    if (!rendition) throw new HttpError(404, 'NOT_FOUND', 'rendition not found', 'Không tìm thấy tệp');
    void deps.stations.touchContact(station.id).catch(() => undefined);
    await sendObject(
      req,
      res,
      deps.store,
      { key: rendition.objectKey, sizeBytes: rendition.sizeBytes, mimeType: rendition.mimeType, etag: rendition.sha256, filename: params.file },
      (span) => {
        if (isProbe(span, rendition.sizeBytes)) return;
        void recordDeliverySpan(deps.db, { stationId: station.id, episodeId, rendition: ext, sizeBytes: rendition.sizeBytes }, span).catch((err: unknown) =>
          deps.logger.warn({ err, stationId: station.id, episodeId }, 'could not record delivery'),
        );
      },
    );
  });
  return r;
}
