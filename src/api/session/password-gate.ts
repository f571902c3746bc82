import type { RequestHandler } from 'express';
import { HttpError } from '../errors.js';

/** What a person whose password was reset may still do: see who they are, change it, sign out. */
const OPEN = [
  ['GET', '/me'],
  ['POST', '/me/password'],
  ['DELETE', '/session'],
] as const;

/**
 * After an admin reset, the temporary password signs in but opens nothing else until it is changed (whichever way
 * the person authenticated: a personal token of theirs is held back as well).
 */
export const passwordChangeGate: RequestHandler = (req, _res, next) => {
  if (!req.principal?.mustChangePassword) return next();
  if (OPEN.some(([m, p]) => req.method === m && req.path === p)) return next();
  next(
    new HttpError(403, 'PASSWORD_CHANGE_REQUIRED', 'Change your password first (POST /api/v1/me/password)', 'Bạn cần đổi mật khẩu trước khi tiếp tục: mật khẩu hiện tại do quản trị viên cấp lại'),
  );
};
