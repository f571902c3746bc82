import type { Request } from 'express';
import type { z } from 'zod';
import { zodToHttp } from './errors.js';
import type { InputLocation } from '../domain/text/field-problems.js';

/**
 * Request parsing that remembers where each value came from, so a refusal names the body field, the query
 * parameter or the part of the path that was wrong (a bad id in the address is not a form to correct).
 */
function parseAt<T extends z.ZodType>(schema: T, input: unknown, location: InputLocation, path: readonly string[] = []): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw zodToHttp(parsed.error, { location, input, path });
  return parsed.data;
}

/** `absent` stands in for a request without a body (a POST with nothing to say). */
export const parseBody = <T extends z.ZodType>(schema: T, req: Request, absent?: unknown): z.output<T> =>
  parseAt(schema, req.body ?? absent, 'body');

export const parseQuery = <T extends z.ZodType>(schema: T, req: Request): z.output<T> => parseAt(schema, req.query, 'query');

/** Values taken from the query string by hand (e.g. a period read from several parameters). */
export const parseQueryValues = <T extends z.ZodType>(schema: T, values: unknown): z.output<T> => parseAt(schema, values, 'query');

/** One path parameter (`/episodes/:id`), named in the answer by its parameter name. */
export const parseParam = <T extends z.ZodType>(schema: T, req: Request, name: string): z.output<T> =>
  parseAt(schema, (req.params as Record<string, unknown>)[name], 'path', [name]);

export const parseParams = <T extends z.ZodType>(schema: T, req: Request): z.output<T> => parseAt(schema, req.params, 'path');
