import type {} from 'pino-http';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ServiceError } from '../services/errors.js';

/** An error the client caused or may act on: status, a stable code, and messages in Vietnamese and English. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageVi?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`, `Không tìm thấy ${what}`);

export function zodToHttp(err: ZodError): HttpError {
  const details = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', rule: i.code, message: i.message }));
  const first = details[0];
  return new HttpError(422, 'VALIDATION_FAILED', first ? `${first.field}: ${first.message}` : 'invalid input', 'Dữ liệu không hợp lệ', details);
}

const STATUS_OF_KIND = { invalid: 422, conflict: 409, not_found: 404, forbidden: 403 } as const;

function serviceToHttp(err: ServiceError): HttpError {
  return new HttpError(STATUS_OF_KIND[err.kind], err.code, err.message, err.messageVi, err.details);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const e = err instanceof ZodError ? zodToHttp(err) : err instanceof ServiceError ? serviceToHttp(err) : err;
  if (e instanceof HttpError) {
    if (e.status >= 500) req.log?.error({ err }, 'request failed');
    else req.log?.info({ code: e.code, status: e.status }, e.message);
    if (!res.headersSent) {
      res.status(e.status).json({ error: { code: e.code, message: e.messageVi ?? e.message, messageEn: e.message, details: e.details } });
    }
    return;
  }
  // express.json() reports bad JSON and oversized bodies with a status of its own.
  const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
  if (status < 500) {
    if (!res.headersSent) res.status(status).json({ error: { code: 'BAD_REQUEST', message: 'Yêu cầu không hợp lệ', messageEn: (err as Error).message } });
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  if (!res.headersSent) {
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Lỗi hệ thống, vui lòng thử lại sau', messageEn: 'Internal error' } });
  }
};
