import type { RequestHandler } from 'express';
import type { Permission } from '../domain/access/policy.js';
import { assertAllowed } from '../services/access.js';
import { principalOf } from './auth.js';

/**
 * The access rule asked before a route reads its body, where there is nothing to look up: a device's own feed,
 * the upload gate before any byte is stored, a PDF before a browser starts. Everything with a resource (a station,
 * a plan, an area) is asked by its service.
 */
export const permit =
  (permission: Permission): RequestHandler =>
  (req, _res, next) => {
    try {
      assertAllowed(principalOf(req), permission);
      next();
    } catch (err) {
      next(err);
    }
  };
