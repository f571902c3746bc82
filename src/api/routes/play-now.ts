import { Router } from 'express';
import { z } from 'zod';
import { playNowSchema, type PlayNowService } from '../../services/play-now-service.js';
import { principalOf } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';
import { recordChange } from '../audit-context.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const listSchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });

/** "Phát ngay" / "Dừng phát": admins only, as approving an emergency is (the service asks the access rule). */
export function playNowRouter(deps: { playNow: PlayNowService }): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const view = await deps.playNow.start(principalOf(req), parseBody(playNowSchema, req));
    await recordChange(req, { action: 'play_now.start', targetType: 'play_now', targetId: view.id, after: { episodeId: view.episodeId, title: view.title, stationCount: view.stationCount, stationIds: (view.stations ?? []).slice(0, 50).map((s) => s.stationId), endsAt: view.endsAt } });
    res.status(201).location(`/api/v1/play-now/${view.id}`).json(view);
  });

  r.get('/', async (req, res) => {
    res.json({ items: await deps.playNow.list(principalOf(req), parseQuery(listSchema, req).limit) });
  });

  r.get('/:id', async (req, res) => {
    res.json(await deps.playNow.get(principalOf(req), parseParam(idSchema, req, 'id')));
  });

  r.post('/:id/stop', async (req, res) => {
    const view = await deps.playNow.stop(principalOf(req), parseParam(idSchema, req, 'id'));
    await recordChange(req, { action: 'play_now.stop', targetType: 'play_now', targetId: view.id, after: { status: view.status, stoppedAt: view.stoppedAt } });
    res.json(view);
  });
  return r;
}
