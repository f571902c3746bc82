import express from 'express';
import { z } from 'zod';
import { HttpError } from '../errors.js';
import { parseBody, parseParam } from '../parse-request.js';
import { principalOf, type Principal } from '../auth.js';
import { hashSessionId } from '../../db/sessions-repo.js';
import { csrf } from '../session/session-middleware.js';
import { actorOf, contextOf } from '../session/actor.js';
import { SignInBackoff, type SessionService } from '../../services/session-service.js';
import { backedOff } from './session.js';

export const passwordSchema = z.object({
  currentPassword: z.string({ error: 'currentPassword: required' }).min(1, { error: 'currentPassword: required' }).max(1000),
  newPassword: z.string({ error: 'newPassword: required' }).max(1000),
});
export const tokenSchema = z.object({ label: z.string().trim().max(100, { error: 'label: at most 100 characters' }).optional().nullable() });
export const setupSchema = z.object({
  login: z.string().trim().regex(/^[A-Za-z0-9_.@-]{3,64}$/, { error: 'login: 3–64 letters without accents, digits or _ . @ -' }),
  displayName: z.string().trim().min(2, { error: 'displayName: at least 2 characters' }).max(100, { error: 'displayName: at most 100 characters' }),
  password: z.string().max(1000),
});
const uuid = z.uuid({ error: 'id must be a UUID' });

/** A person with an account (not ADMIN_TOKEN, not a station's device). */
function person(p: Principal): Principal & { userId: string } {
  if (p.userId === null || p.role === 'station') {
    throw new HttpError(403, 'NOT_A_PERSON', 'Only a user account has a password and personal tokens', 'Chỉ tài khoản người dùng mới có mật khẩu và mã truy cập cá nhân');
  }
  return p as Principal & { userId: string };
}

export function meRouter(deps: { sessions: SessionService }) {
  const r = express.Router();

  r.get('/me', (req, res) => {
    const p = principalOf(req);
    res.json({
      id: p.userId,
      login: p.login,
      displayName: p.name,
      // `name` is the display name too: the dashboard of before read it.
      name: p.name,
      role: p.role,
      areaId: p.areaId,
      stationId: p.stationId,
      mustChangePassword: p.mustChangePassword ?? false,
      // Only a cookie session has one: the dashboard sends it back as x-csrf-token on every write.
      ...(p.via === 'session' ? { csrfToken: csrf.generateToken(req) } : {}),
    });
  });

  r.post('/me/password', async (req, res) => {
    const p = person(principalOf(req));
    const body = parseBody(passwordSchema, req);
    try {
      await deps.sessions.changePassword(actorOf(p) as ReturnType<typeof actorOf> & { userId: string }, body, { ...contextOf(req), ip: req.ip ?? 'unknown' }, p.via === 'session' ? hashSessionId(req.sessionID) : null);
    } catch (err) {
      if (err instanceof SignInBackoff) throw backedOff(res, err);
      throw err;
    }
    res.status(204).end();
  });

  r.get('/me/tokens', async (req, res) => {
    const p = person(principalOf(req));
    res.json({ tokens: await deps.sessions.listTokens(p.userId) });
  });

  r.post('/me/tokens', async (req, res) => {
    const p = person(principalOf(req));
    const body = parseBody(tokenSchema, req, {});
    const t = await deps.sessions.createToken(actorOf(p) as ReturnType<typeof actorOf> & { userId: string }, body.label ?? null, contextOf(req));
    res.status(201).json(t);
  });

  r.delete('/me/tokens/:id', async (req, res) => {
    const p = person(principalOf(req));
    const id = parseParam(uuid, req, 'id');
    await deps.sessions.revokeToken(actorOf(p) as ReturnType<typeof actorOf> & { userId: string }, id, contextOf(req));
    res.status(204).end();
  });

  // A fresh install: ADMIN_TOKEN makes the first admin with a password, once.
  r.post('/setup', async (req, res) => {
    const p = principalOf(req);
    if (p.via !== 'admin-token') {
      throw new HttpError(403, 'ADMIN_TOKEN_REQUIRED', 'Setup takes the ADMIN_TOKEN as the bearer token', 'Bước thiết lập ban đầu cần mã ADMIN_TOKEN của máy chủ');
    }
    const body = parseBody(setupSchema, req);
    res.status(201).json(await deps.sessions.setupFirstAdmin(body, actorOf(p), contextOf(req)));
  });

  return r;
}
