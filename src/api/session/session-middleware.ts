import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import type { SessionsRepo } from '../../db/sessions-repo.js';
import { HttpError } from '../errors.js';
import { DbSessionStore } from './session-store.js';

export const SESSION_COOKIE = 'loaxa.sid';
const COOKIE_IN_HEADER = /(?:^|;)\s*loaxa\.sid=/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'strict', path: '/' } as const;

/** The synchronizer token lives in the session (csrf-sync's default: req.session.csrfToken), sent back as x-csrf-token. */
export const csrf = csrfSync({ getTokenFromRequest: (req) => req.get('x-csrf-token') ?? undefined, size: 32 });

/**
 * express-session over the sessions table. `load` runs it only for requests that carry the cookie and no bearer
 * token, so station polls, play reports and scripts never touch the sessions table; `always` is for the sign-in.
 */
export function sessionMiddleware(opts: { repo: SessionsRepo; secret: string }) {
  const mw = session({
    name: SESSION_COOKIE,
    secret: opts.secret,
    store: new DbSessionStore(opts.repo),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    genid: () => crypto.randomBytes(32).toString('base64url'),
    // No maxAge: the browser forgets the cookie when it closes (a shared office computer); the server ends it after 12 h idle.
    // Secure when the request came over HTTPS, which behind a proxy is req.secure under TRUST_PROXY.
    cookie: { ...COOKIE_OPTIONS, secure: 'auto' },
  });
  const load: RequestHandler = (req, res, next) => (!req.headers.authorization && COOKIE_IN_HEADER.test(req.headers.cookie ?? '') ? mw(req, res, next) : next());
  return { load, always: mw };
}

/** A page on another site (or a sibling subdomain) asking the browser to write with the user's cookie. */
export function isCrossSite(req: Request, publicUrl?: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.get('origin');
  if (!origin) return false;
  return origin !== `${req.protocol}://${req.get('host')}` && (!publicUrl || origin !== new URL(publicUrl).origin);
}

export const crossSiteRefused = () =>
  new HttpError(403, 'CROSS_SITE_REQUEST', 'Refused: this request came from another site', 'Yêu cầu bị từ chối vì được gửi từ một trang khác, không phải trang quản lý này');

/**
 * Writes made with the session cookie need the session's token in x-csrf-token and must come from this site;
 * bearer-token calls (scripts, stations) carry no ambient credential and need neither.
 */
export function csrfGuard(publicUrl?: string): RequestHandler {
  return (req, _res, next) => {
    if (req.principal?.via !== 'session' || SAFE_METHODS.has(req.method)) return next();
    if (isCrossSite(req, publicUrl)) return next(crossSiteRefused());
    if (!csrf.isRequestValid(req)) {
      return next(
        new HttpError(403, 'CSRF_TOKEN_INVALID', 'Refused: the x-csrf-token header is missing or does not match this session; reload the page', 'Yêu cầu bị từ chối vì thiếu mã xác nhận của phiên đăng nhập: hãy tải lại trang rồi thử lại'),
      );
    }
    next();
  };
}
