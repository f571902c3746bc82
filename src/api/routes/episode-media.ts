import { Router } from 'express';
import { z } from 'zod';
import { verifyEpisodeLink } from '../../domain/episode-links.js';
import type { EpisodeService } from '../../services/episode-service.js';
import { renditionDisposition } from '../../services/episode-links.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { HttpError, notFound } from '../errors.js';
import { parseParam, parseQuery } from '../parse-request.js';
import { sendObject } from '../send-object.js';

export const fileSchema = z.string().regex(/^[0-9a-f-]{36}\.(mp3|opus)$/, 'file must be <episodeId>.mp3 or .opus');
export const querySchema = z.object({
  dl: z.enum(['0', '1'], { error: 'dl must be 0 or 1' }),
  exp: z.coerce.number().int().positive(),
  sig: z.string().min(10).max(200),
});

/**
 * An episode's file through the short-lived link the dashboard was given (GET /episodes/:id/renditions/:name/link),
 * where storage links are not checked by the storage itself: no bearer needed, so an <audio> element can play it.
 */
export function episodeMediaRouter(deps: { episodes: EpisodeService; store: ObjectStore; linkSecret: string }): Router {
  const r = Router();
  r.get('/:file', async (req, res) => {
    const [episodeId, ext] = parseParam(fileSchema, req, 'file').split('.') as [string, 'mp3' | 'opus'];
    const q = parseQuery(querySchema, req);
    const disposition = q.dl === '1' ? 'attachment' : 'inline';
    const check = verifyEpisodeLink(deps.linkSecret, { episodeId, rendition: ext, disposition, expires: q.exp }, q.sig, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      throw check.reason === 'expired'
        ? new HttpError(403, 'LINK_EXPIRED', 'This link has expired: open the programme again for a new one', 'Liên kết đã hết hạn: mở lại chương trình để lấy liên kết mới')
        : new HttpError(403, 'BAD_SIGNATURE', 'This link is not valid', 'Liên kết không hợp lệ: mở lại chương trình để lấy liên kết mới');
    }
    const episode = await deps.episodes.get(episodeId);
    const rendition = episode && (await deps.episodes.renditions(episodeId)).find((x) => x.name === ext);
    if (!episode || !rendition) throw notFound('episode', 'chương trình');
    await sendObject(req, res, deps.store, {
      key: rendition.objectKey,
      sizeBytes: rendition.sizeBytes,
      mimeType: rendition.mimeType,
      etag: rendition.sha256,
      filename: renditionDisposition(episode, rendition, disposition).filename,
      disposition,
    });
  });
  return r;
}
