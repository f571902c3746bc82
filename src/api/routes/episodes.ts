import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../../config/index.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { toEpisodeView, type EpisodeService } from '../../services/episode-service.js';
import { principalOf } from '../auth.js';
import { permit } from '../permit.js';
import { notFound, zodToHttp } from '../errors.js';
import { ClientGone, receiveUpload } from '../upload/multipart-upload.js';
import { wasCutForSilence } from '../http-server.js';
import { uploadMetaSchema } from '../upload/upload-meta.js';
import { sendObject } from '../send-object.js';
import { baseUrlOf } from '../base-url.js';
import { renditionDisposition, type EpisodeLinks } from '../../services/episode-links.js';
import { parseParam, parseQuery } from '../parse-request.js';
import { recordChange } from '../audit-context.js';

export const listSchema = z.object({
  status: z.enum(['processing', 'ready', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const linkQuery = z.object({ use: z.enum(['download', 'listen'], { error: 'use must be download or listen' }).default('download') });

export function episodesRouter(deps: { config: Config; episodes: EpisodeService; store: ObjectStore; links: EpisodeLinks }): Router {
  const r = Router();
  const { episodes } = deps;

  // Operators upload their commune's own programme: it is tied to their station.
  r.post('/', permit('episode.upload'), async (req: Request, res: Response) => {
    const principal = principalOf(req);
    const episodeId = episodes.newEpisodeId();
    const sink = {
      store: (body: Parameters<EpisodeService['storeOriginal']>[1], o: Parameters<EpisodeService['storeOriginal']>[2]) =>
        episodes.storeOriginal(episodeId, body, o),
      discard: () => episodes.discardOriginal(episodeId),
    };
    const upload = await receiveUpload(req, sink, deps.config.upload.maxBytes).catch((err: unknown) => {
      if (!(err instanceof ClientGone)) throw err;
      // Normal on 3G: one line, no stack; nothing was kept.
      const silent = wasCutForSilence(req.socket);
      req.log.info({ episodeId, receivedBytes: req.socket.bytesRead, cut: silent ? 'idle' : 'client' }, silent ? 'upload dropped: the client stopped sending' : 'client closed the upload');
      return null;
    });
    if (!upload) return;
    const meta = uploadMetaSchema.safeParse(upload.fields);
    if (!meta.success) {
      await episodes.discardOriginal(episodeId);
      throw zodToHttp(meta.error, { location: 'body', input: upload.fields });
    }
    const { urgent, ...fields } = meta.data;
    const row = await episodes.create(
      episodeId,
      fields,
      upload.stored,
      { filename: upload.filename, contentType: upload.contentType, createdBy: principal.userId, stationId: principal.stationId },
      req.log,
      { urgent },
    );
    await recordChange(req, { action: 'episode.create', targetType: 'episode', targetId: row.id, stationId: row.stationId, after: { title: row.title, series: row.series, language: row.language, urgent: row.urgent, stationId: row.stationId, filename: upload.filename, via: 'multipart' } });
    res.status(202).location(`/api/v1/episodes/${row.id}`).json(toEpisodeView(row, []));
  });

  const assertVisible = (req: Request, id: string) => episodes.assertVisible(principalOf(req), id);

  r.get('/', async (req, res) => {
    const q = parseQuery(listSchema, req);
    const { items, total } = await episodes.list(principalOf(req), q);
    const renditions = await episodes.renditionsFor(items.map((e) => e.id));
    res.json({ items: items.map((e) => toEpisodeView(e, renditions.get(e.id) ?? [])), total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    await assertVisible(req, id);
    const e = await episodes.get(id);
    if (!e) throw notFound('episode', 'chương trình');
    res.json(toEpisodeView(e, await episodes.renditions(id)));
  });

  const renditionName = z.enum(['mp3', 'opus'], { error: 'rendition must be mp3 or opus' });
  const readyRendition = async (req: Request) => {
    const id = parseParam(idSchema, req, 'id');
    await assertVisible(req, id);
    const name = parseParam(renditionName, req, 'name');
    const e = await episodes.get(id);
    if (!e) throw notFound('episode', 'chương trình');
    const rendition = (await episodes.renditions(id)).find((x) => x.name === name);
    if (!rendition) throw notFound('rendition', 'bản chuyển mã');
    return { episode: e, rendition };
  };

  r.get('/:id/renditions/:name', async (req, res) => {
    const { episode, rendition } = await readyRendition(req);
    const named = renditionDisposition(episode, rendition, 'attachment');
    if (deps.store.signsLinks) {
      res.redirect(302, await deps.store.presignGet(rendition.objectKey, deps.config.s3.presignTtlSec, named.header));
      return;
    }
    await sendObject(req, res, deps.store, {
      key: rendition.objectKey,
      sizeBytes: rendition.sizeBytes,
      mimeType: rendition.mimeType,
      etag: rendition.sha256,
      filename: named.filename,
    });
  });

  // A link the browser opens by itself (a download it navigates to, an <audio> source): a fetch with the bearer
  // token would be redirected to the storage, which the page's CSP (connect-src 'self') rightly refuses.
  r.get('/:id/renditions/:name/link', async (req, res) => {
    const { episode, rendition } = await readyRendition(req);
    const { use } = parseQuery(linkQuery, req);
    const link = await deps.links(episode, rendition, use === 'listen' ? 'inline' : 'attachment', baseUrlOf(req, deps.config.http.publicUrl));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ url: link.url, expiresAt: link.expiresAt.toISOString(), mimeType: rendition.mimeType });
  });

  return r;
}

