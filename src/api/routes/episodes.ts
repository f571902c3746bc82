import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../../config/index.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { toEpisodeView, type EpisodeService } from '../../services/episode-service.js';
import { principalOf, requireRole } from '../auth.js';
import { notFound } from '../errors.js';
import { receiveUpload } from '../upload/multipart-upload.js';
import { uploadMetaSchema } from '../upload/upload-meta.js';
import { sendObject } from '../send-object.js';

const listSchema = z.object({
  status: z.enum(['processing', 'ready', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const idSchema = z.uuid({ error: 'id must be a UUID' });

export function episodesRouter(deps: { config: Config; episodes: EpisodeService; store: ObjectStore }): Router {
  const r = Router();
  const { episodes } = deps;

  // Operators upload their commune's own programme: it is tied to their station.
  r.post('/', requireRole('admin', 'editor', 'operator'), async (req: Request, res: Response) => {
    const principal = principalOf(req);
    const episodeId = episodes.newEpisodeId();
    const sink = {
      store: (body: Parameters<EpisodeService['storeOriginal']>[1], o: Parameters<EpisodeService['storeOriginal']>[2]) =>
        episodes.storeOriginal(episodeId, body, o),
      discard: () => episodes.discardOriginal(episodeId),
    };
    const upload = await receiveUpload(req, sink, deps.config.upload.maxBytes);
    const meta = uploadMetaSchema.safeParse(upload.fields);
    if (!meta.success) {
      await episodes.discardOriginal(episodeId);
      throw meta.error;
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
    res.status(202).location(`/api/v1/episodes/${row.id}`).json(toEpisodeView(row, []));
  });

  const readers = requireRole('admin', 'editor', 'viewer', 'operator');
  const assertVisible = async (req: Request, id: string) => {
    const p = principalOf(req);
    if (p.role === 'operator' && !(await episodes.visibleToStation(id, p.stationId!))) throw notFound('episode');
  };

  r.get('/', readers, async (req, res) => {
    const q = listSchema.parse(req.query);
    const p = principalOf(req);
    const { items, total } = await episodes.list({ ...q, stationId: p.role === 'operator' ? p.stationId! : undefined });
    const renditions = await episodes.renditionsFor(items.map((e) => e.id));
    res.json({ items: items.map((e) => toEpisodeView(e, renditions.get(e.id) ?? [])), total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', readers, async (req, res) => {
    const id = idSchema.parse(req.params.id);
    await assertVisible(req, id);
    const e = await episodes.get(id);
    if (!e) throw notFound('episode');
    res.json(toEpisodeView(e, await episodes.renditions(id)));
  });

  r.get('/:id/renditions/:name', readers, async (req, res) => {
    const id = idSchema.parse(req.params.id);
    await assertVisible(req, id);
    const name = z.enum(['mp3', 'opus'], { error: 'rendition must be mp3 or opus' }).parse(req.params.name);
    const rendition = (await episodes.renditions(id)).find((x) => x.name === name);
    if (!rendition) throw notFound('rendition');
    if (deps.store.signsLinks) {
      res.redirect(302, await deps.store.presignGet(rendition.objectKey, deps.config.s3.presignTtlSec, `${id}.${name}`));
      return;
    }
    await sendObject(req, res, deps.store, {
      key: rendition.objectKey,
      sizeBytes: rendition.sizeBytes,
      mimeType: rendition.mimeType,
      etag: rendition.sha256,
      filename: `${id}.${name === 'mp3' ? 'mp3' : 'opus'}`,
    });
  });

  return r;
}

