import { Router } from 'express';
import { z } from 'zod';
import { areaTree, createAreaSchema, updateAreaSchema, type AreaService } from '../../services/area-service.js';
import { actingContextOf } from '../audit-context.js';
import { principalOf } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });
export const listAreasSchema = z.object({
  shape: z.enum(['flat', 'tree']).default('flat').meta({ description: 'flat: depth first, each with parentId and depth; tree: nested under subareas' }),
  active: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
});

/** The area tree. Everyone reads the part at or below their own area; admins manage it (the access rule decides). */
export function areasRouter(deps: { areas: AreaService }): Router {
  const r = Router();
  const { areas } = deps;

  r.post('/', async (req, res) => {
    const created = await areas.create(actingContextOf(req), parseBody(createAreaSchema, req));
    res.status(201).location(`/api/v1/areas/${created.id}`).json(created);
  });

  r.get('/', async (req, res) => {
    const q = parseQuery(listAreasSchema, req);
    const flat = await areas.list(principalOf(req), { active: q.active });
    res.json({ items: q.shape === 'tree' ? areaTree(flat) : flat });
  });

  r.get('/:id', async (req, res) => {
    res.json(await areas.view(principalOf(req), parseParam(idSchema, req, 'id')));
  });

  r.patch('/:id', async (req, res) => {
    res.json(await areas.update(actingContextOf(req), parseParam(idSchema, req, 'id'), parseBody(updateAreaSchema, req)));
  });

  return r;
}
