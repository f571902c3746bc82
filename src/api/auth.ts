import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hashToken, sameSecret } from '../domain/tokens.js';
import type { Role, TokenOwner } from '../db/users-repo.js';
import type { StationRow } from '../db/stations-repo.js';
import type { DeviceIdentity } from '../services/station-auth-cache.js';
import { HttpError } from './errors.js';
import type { SessionUser } from '../db/accounts-repo.js';

/** Who is calling: a person (by role) or a station's own device (role `station`). */
export type PrincipalRole = Role | 'station';

export interface Principal {
  userId: string | null;
  /** The person's login name (null for ADMIN_TOKEN and station devices). */
  login: string | null;
  name: string;
  role: PrincipalRole;
  /** The area it acts for, and that area's path ('/root/…/'): the access rule's scope. Null: everything. */
  areaId: string | null;
  areaPath: string | null;
  /** How the caller proved who it is. */
  via: 'admin-token' | 'token' | 'session' | 'station';
  /** Operators and stations act for exactly one station. */
  stationId: string | null;
  /** The loudspeaker cluster whose token was used (role `station` only). */
  deviceId: string | null;
  /** An admin reset the password: nothing but changing it is open until then (src/api/session/password-gate.ts). */
  mustChangePassword?: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** The calling station's row, when a station token was used. */
    station?: StationRow;
  }
}

export interface AuthDeps {
  adminToken?: string;
  ownerOfToken(tokenHash: string): Promise<TokenOwner | null>;
  /** The station and device a device token (`lxs_…`) belongs to. */
  deviceOfToken(tokenHash: string): Promise<DeviceIdentity | null>;
  /** Records that the station and device were heard from (throttled by the implementation). */
  touchStation(stationId: string, deviceId: string): Promise<void>;
  /** A signed-in browser's user (null once disabled: the session then ends). */
  sessionUser?(userId: string): Promise<SessionUser | null>;
  /** Runs before a 401 is answered (rate limiting of failed sign-ins). */
  onFailure?: RequestHandler;
}

const unauthorized = () =>
  new HttpError(401, 'UNAUTHENTICATED', 'A valid bearer token is required', 'Cần mã truy cập hợp lệ');

/** Resolves the bearer token to a principal; every route behind it requires one. */
export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const fail = (challenge: string) => {
      res.setHeader('WWW-Authenticate', challenge);
      if (deps.onFailure) return deps.onFailure(req, res, (err?: unknown) => next(err ?? unauthorized()));
      next(unauthorized());
    };
    const header = req.headers.authorization ?? '';
    // A browser's cookie session (src/api/session: loaded only for requests that carry the cookie and no Authorization).
    if (!header && req.session?.userId && deps.sessionUser) {
      const u = await deps.sessionUser(req.session.userId);
      if (u) {
        req.principal = { userId: u.id, login: u.login, name: u.name, role: u.role, areaId: u.areaId, areaPath: u.areaPath, via: 'session', stationId: u.stationId, deviceId: null, mustChangePassword: u.mustChangePassword };
        return next();
      }
      // Disabled since it signed in: the session ends here.
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return fail('Bearer');
    const token = m[1]!;
    if (deps.adminToken && sameSecret(token, deps.adminToken)) {
      req.principal = { userId: null, login: null, name: 'ADMIN_TOKEN', role: 'admin', areaId: null, areaPath: null, via: 'admin-token', stationId: null, deviceId: null };
      return next();
    }
    const hash = hashToken(token);
    // Device tokens carry their own prefix, so each lookup goes to one table only.
    if (token.startsWith('lxs_')) {
      const found = await deps.deviceOfToken(hash);
      if (found) {
        const { station, deviceId } = found;
        req.principal = { userId: null, login: null, name: `station ${station.code} / ${found.deviceName}`, role: 'station', areaId: null, areaPath: null, via: 'station', stationId: station.id, deviceId };
        req.station = station;
        void deps.touchStation(station.id, deviceId).catch(() => undefined);
        return next();
      }
    } else {
      const owner = await deps.ownerOfToken(hash);
      if (owner) {
        req.principal = {
          userId: owner.userId,
          login: owner.login,
          name: owner.name,
          role: owner.role,
          areaId: owner.areaId,
          areaPath: owner.areaPath,
          via: 'token',
          stationId: owner.stationId,
          deviceId: null,
          mustChangePassword: owner.mustChangePassword,
        };
        return next();
      }
    }
    fail('Bearer error="invalid_token"');
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}
