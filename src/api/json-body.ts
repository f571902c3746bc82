import express, { type RequestHandler } from 'express';
import { jsonDepthExceeds } from '../domain/input/json-depth.js';
import { HttpError } from './errors.js';

class TooDeep extends Error {
  override name = 'TooDeep';
}

/**
 * express.json with a nesting cap besides the size cap. The depth is read from the raw bytes (the `verify` hook runs
 * before JSON.parse), so a body of nested brackets is refused without building it in memory.
 */
export function jsonBody(opts: { limitBytes: number; maxDepth: number }): RequestHandler {
  const parse = express.json({
    limit: opts.limitBytes,
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf, opts.maxDepth)) throw new TooDeep(`nested deeper than ${opts.maxDepth} levels`);
    },
  });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err instanceof TooDeep) {
        return next(
          new HttpError(
            400,
            'JSON_TOO_DEEP',
            `The JSON body nests deeper than ${opts.maxDepth} levels of objects and arrays`,
            `Dữ liệu JSON lồng nhau quá ${opts.maxDepth} cấp đối tượng và mảng: hãy gửi cấu trúc phẳng hơn`,
            [{ field: '(body)', rule: 'max_depth', limit: opts.maxDepth }],
          ),
        );
      }
      if ((err as { type?: unknown } | undefined)?.type === 'entity.too.large') {
        const mb = (opts.limitBytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
        return next(
          new HttpError(
            413,
            'BODY_TOO_LARGE',
            `The JSON body is larger than ${opts.limitBytes} bytes`,
            `Dữ liệu JSON vượt quá giới hạn ${mb} MB: hãy gửi ít dữ liệu hơn trong một lần`,
            [{ field: '(body)', rule: 'max_bytes', limit: opts.limitBytes }],
          ),
        );
      }
      next(err as Error | undefined);
    });
}
