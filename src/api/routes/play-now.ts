import { Router } from 'express';
import { z } from 'zod';
import { playNowSchema, type PlayNowService } from '../../services/play-now-service.js';
import { principalOf, requireRole } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const listSchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });

/** "Phát ngay" / "Dừng phát": admins only, as approving an emergency is. */
export function playNowRouter(deps: { playNow: PlayNowService }): Router {
  const r = Router();
  r.use(requireRole('admin'));

  r.post('/', async (req, res) => {
    const view = await deps.playNow.start(parseBody(playNowSchema, req), principalOf(req).userId);
    res.status(201).location(`/api/v1/play-now/${view.id}`).json(view);
  });

  r.get('/', async (req, res) => {
    res.json({ items: await deps.playNow.list(parseQuery(listSchema, req).limit) });
  });

  r.get('/:id', async (req, res) => {
    res.json(await deps.playNow.get(parseParam(idSchema, req, 'id')));
  });

  r.post('/:id/stop', async (req, res) => {
    res.json(await deps.playNow.stop(parseParam(idSchema, req, 'id')));
  });
  return r;
}
