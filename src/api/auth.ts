import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hashToken, sameSecret } from '../domain/tokens.js';
import type { Role, TokenOwner } from '../db/users-repo.js';
import { HttpError } from './errors.js';

export interface Principal {
  userId: string | null;
  name: string;
  role: Role;
  /** Operators act for exactly one station. */
  stationId: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export interface AuthDeps {
  adminToken?: string;
  ownerOfToken(tokenHash: string): Promise<TokenOwner | null>;
}

const unauthorized = () =>
  new HttpError(401, 'UNAUTHENTICATED', 'A valid bearer token is required', 'Cần mã truy cập (token) hợp lệ');

/** Resolves the bearer token to a principal; every route behind it requires one. */
export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return next(unauthorized());
    }
    const token = m[1]!;
    if (deps.adminToken && sameSecret(token, deps.adminToken)) {
      req.principal = { userId: null, name: 'ADMIN_TOKEN', role: 'admin', stationId: null };
      return next();
    }
    const owner = await deps.ownerOfToken(hashToken(token));
    if (!owner) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      return next(unauthorized());
    }
    req.principal = { userId: owner.userId, name: owner.name, role: owner.role, stationId: owner.stationId };
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const p = req.principal;
    if (!p) return next(unauthorized());
    if (!roles.includes(p.role)) {
      return next(
        new HttpError(403, 'FORBIDDEN', `This needs the role ${roles.join(' or ')}; you are ${p.role}`, 'Bạn không có quyền thực hiện thao tác này'),
      );
    }
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}
