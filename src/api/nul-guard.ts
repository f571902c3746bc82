import type { Request, RequestHandler } from 'express';
import { fieldName, firstNulPath } from '../domain/input/nul-text.js';
import { HttpError } from './errors.js';

/** Where a value came from, for the answer's `details`. */
export type InputPlace = 'body' | 'query' | 'path' | 'form' | 'metadata';

/** 422 naming the field that holds U+0000 (which the database cannot store). */
export function nulRefused(field: string, place: InputPlace): HttpError {
  return new HttpError(
    422,
    'VALIDATION_FAILED',
    `${field}: must not contain the NUL character (U+0000); remove it`,
    `Trường «${field}» chứa ký tự NUL (U+0000) không được phép: hãy xoá ký tự đó`,
    [{ field, in: place, rule: 'no_nul', message: 'must not contain the NUL character (U+0000)' }],
  );
}

/** Throws nulRefused for the first string (or key) of `value` holding U+0000. */
export function assertNoNul(value: unknown, place: InputPlace, fallbackField = `(${place})`): void {
  const at = firstNulPath(value);
  if (at) throw nulRefused(fieldName(at, fallbackField), place);
}

/**
 * Refuses U+0000 anywhere in a request's path and query string, and (once parsed) its JSON body, before any route
 * sees it. Routes whose body items are judged one by one (a station's plays batch: one bad event must not sink the
 * others) are listed in `itemwiseBodies` and check their items themselves.
 */
export function refuseNul(opts: { itemwiseBodies?: readonly string[] } = {}): RequestHandler {
  const itemwise = new Set(opts.itemwiseBodies ?? []);
  return (req: Request, _res, next) => {
    if (/%00/.test(req.path)) return next(nulRefused('(path)', 'path'));
    assertNoNul(req.query, 'query');
    if (req.body !== undefined && !itemwise.has(req.path)) assertNoNul(req.body, 'body');
    next();
  };
}
