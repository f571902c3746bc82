import { Router } from 'express';
import { z } from 'zod';
import { createTokenSchema, createUserSchema, listUsersSchema, resetPasswordSchema, updateUserSchema, type UserService } from '../../services/user-service.js';
import { actingContextOf } from '../audit-context.js';
import { principalOf } from '../auth.js';
import { parseBody, parseParam, parseQuery } from '../parse-request.js';

const idSchema = z.uuid({ error: 'id must be a UUID' });

/** People: admins manage those acting for areas at or below their own (the access rule decides). */
export function usersRouter(deps: { users: UserService }): Router {
  const r = Router();
  const { users } = deps;

  r.post('/', async (req, res) => {
    const created = await users.create(actingContextOf(req), parseBody(createUserSchema, req));
    res.status(201).location(`/api/v1/users/${created.id}`).json(created);
  });

  r.get('/', async (req, res) => {
    const q = parseQuery(listUsersSchema, req);
    const { items, total } = await users.list(principalOf(req), q);
    res.json({ items, total, limit: q.limit, offset: q.offset });
  });

  r.get('/:id', async (req, res) => {
    res.json(await users.view(principalOf(req), parseParam(idSchema, req, 'id')));
  });

  r.patch('/:id', async (req, res) => {
    res.json(await users.update(actingContextOf(req), parseParam(idSchema, req, 'id'), parseBody(updateUserSchema, req)));
  });

  r.post('/:id/reset-password', async (req, res) => {
    const { password } = parseBody(resetPasswordSchema, req);
    res.json(await users.resetPassword(actingContextOf(req), parseParam(idSchema, req, 'id'), password));
  });

  // A token for another user (the CLI's --server mode makes scripts' accounts this way), shown once.
  r.post('/:id/tokens', async (req, res) => {
    const id = parseParam(idSchema, req, 'id');
    const { label } = parseBody(createTokenSchema, req, {});
    res.status(201).json(await users.createTokenFor(actingContextOf(req), id, label ?? null));
  });

  return r;
}
