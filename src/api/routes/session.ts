import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { HttpError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { parseBody } from '../parse-request.js';
import { principalOf } from '../auth.js';
import { COOKIE_OPTIONS, crossSiteRefused, csrf, isCrossSite, SESSION_COOKIE } from '../session/session-middleware.js';
import { SignInBackoff, SignInRefused, type SessionService } from '../../services/session-service.js';
import { actorOf, contextOf } from '../session/actor.js';

export const signInSchema = z.object({
  login: z.string({ error: 'login: required' }).trim().min(1, { error: 'login: required' }).max(200, { error: 'login: at most 200 characters' }),
  password: z.string({ error: 'password: required' }).min(1, { error: 'password: required' }).max(1000, { error: 'password: at most 1000 characters' }),
});

const refused = () => new HttpError(401, 'SIGN_IN_FAILED', 'Wrong login name or password', 'Sai tên đăng nhập hoặc mật khẩu');

function backedOff(res: Response, err: SignInBackoff): HttpError {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.waitMs / 1000))));
  const { vi, en } = err.text;
  return new HttpError(429, 'SIGN_IN_BACKED_OFF', `Too many failed sign-ins; try again in ${en}`, `Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${vi}.`, { retryAfterSec: Math.ceil(err.waitMs / 1000) });
}

const promised = (fn: (cb: (err?: unknown) => void) => void) => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/**
 * POST /session: before authentication (there is nothing to authenticate with yet). A new session id every time
 * (regenerate), so a session id planted in the browser before sign-in is never the signed-in one.
 */
export function signInRouter(deps: { sessions: SessionService; session: RequestHandler; publicUrl?: string }) {
  const r = express.Router();
  r.post('/session', jsonBody({ limitBytes: 16 * 1024, maxDepth: 4 }), deps.session, async (req: Request, res: Response) => {
    // Login CSRF: another site must not sign the browser in to an account of its choosing.
    if (isCrossSite(req, deps.publicUrl)) throw crossSiteRefused();
    const body = parseBody(signInSchema, req);
    const ctx = { ...contextOf(req), ip: req.ip ?? 'unknown' };
    let user;
    try {
      user = await deps.sessions.signIn(body, ctx);
    } catch (err) {
      if (err instanceof SignInRefused) throw refused();
      if (err instanceof SignInBackoff) throw backedOff(res, err);
      throw err;
    }
    await promised((cb) => req.session.regenerate(cb));
    req.session.userId = user.id;
    req.session.ip = ctx.ip;
    req.session.userAgent = req.get('user-agent') ?? null;
    csrf.generateToken(req, true);
    await promised((cb) => req.session.save(cb));
    res.status(204).end();
  });
  return r;
}

/** DELETE /session: revoked in the table (the cookie alone can never come back), and the cookie cleared. */
export function signOutRouter(deps: { sessions: SessionService }) {
  const r = express.Router();
  r.delete('/session', async (req, res) => {
    const p = principalOf(req);
    if (p.via === 'session' && req.session) {
      await promised((cb) => req.session.destroy(cb));
      await deps.sessions.signedOut(actorOf(p), contextOf(req));
    }
    res.clearCookie(SESSION_COOKIE, { ...COOKIE_OPTIONS, secure: req.secure });
    res.status(204).end();
  });
  return r;
}

export { backedOff };
