import type {} from 'pino-http';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ServiceError } from '../services/errors.js';
import { StorageFull } from '../storage/disk-space.js';
import { describeIssues, type DescribeOptions } from '../domain/text/field-problems.js';

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

/** Something the client named does not exist; `vi` is the thing in Vietnamese (GLOSSARY.md), `what` in English. */
export const notFound = (what: string, vi: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`, `Không tìm thấy ${vi}`);

/** A refused request: each detail names its field, where it was (body, query, path) and what to do, in both languages. */
export function zodToHttp(err: ZodError, where: DescribeOptions = { location: 'body' }): HttpError {
  const details = describeIssues(err.issues, where);
  const first = details[0];
  if (!first) return new HttpError(422, 'VALIDATION_FAILED', 'invalid input', 'Dữ liệu gửi lên không hợp lệ', details);
  const more = details.length > 1 ? { en: ` (and ${details.length - 1} more)`, vi: ` (và ${details.length - 1} lỗi khác)` } : { en: '', vi: '' };
  return new HttpError(422, 'VALIDATION_FAILED', first.messageEn + more.en, first.messageVi + more.vi, details);
}

const STATUS_OF_KIND = { invalid: 422, conflict: 409, not_found: 404, forbidden: 403 } as const;

function serviceToHttp(err: ServiceError): HttpError {
  return new HttpError(STATUS_OF_KIND[err.kind], err.code, err.message, err.messageVi, err.details);
}

/** The storage ran out of space: nothing was kept, and only an administrator can fix it (507, not retried by clients). */
export const diskFull = () =>
  new HttpError(
    507,
    'DISK_FULL',
    "The server's disk is full, so the file was not stored. Tell the system administrator to free space, then upload again.",
    'Ổ đĩa của máy chủ đã đầy nên tệp chưa được lưu. Vui lòng báo quản trị viên hệ thống giải phóng dung lượng, rồi tải lên lại.',
  );

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  // A route may have set the type of a file (and an attachment name) before failing: an error is JSON, shown, not saved.
  if (!res.headersSent) res.removeHeader('Content-Disposition');
  const e = err instanceof ZodError ? zodToHttp(err) : err instanceof ServiceError ? serviceToHttp(err) : err instanceof StorageFull ? diskFull() : err;
  if (e instanceof HttpError) {
    if (e.status >= 500) req.log?.error({ err }, 'request failed');
    else req.log?.info({ code: e.code, status: e.status }, e.message);
    if (!res.headersSent) {
      res.status(e.status).type('json').json({ error: { code: e.code, message: e.messageVi ?? e.message, messageVi: e.messageVi ?? e.message, messageEn: e.message, details: e.details } });
    }
    return;
  }
  // express.json() reports bad JSON and oversized bodies with a status of its own.
  const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
  if (status < 500) {
    if (!res.headersSent) res.status(status).type('json').json({ error: { code: 'BAD_REQUEST', message: 'Yêu cầu không hợp lệ', messageVi: 'Yêu cầu không hợp lệ', messageEn: (err as Error).message } });
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  if (!res.headersSent) {
    res.status(500).type('json').json({ error: { code: 'INTERNAL', message: 'Lỗi hệ thống, vui lòng thử lại sau', messageVi: 'Lỗi hệ thống, vui lòng thử lại sau', messageEn: 'Internal error' } });
  }
};
