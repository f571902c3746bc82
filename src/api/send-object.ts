import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../storage/object-store.js';
import { Meter } from '../storage/meter.js';
import type { ByteSpan } from '../domain/delivery/ranges.js';
import { parseRangeHeader } from '../domain/delivery/range-header.js';
import { contentDisposition } from '../domain/delivery/download-name.js';
import { HttpError } from './errors.js';

export interface ServedObject {
  key: string;
  sizeBytes: number;
  mimeType: string;
  etag: string;
  filename: string;
  /** inline: for a player (an <audio> element); attachment (the default): saved as filename. */
  disposition?: 'attachment' | 'inline';
}

/**
 * Serves a stored object with HTTP Range support (one range; 206/416), for stations resuming broken downloads.
 * onSent gets the span of bytes that actually went out, also when the client hung up half-way.
 */
export async function sendObject(
  req: Request,
  res: Response,
  store: ObjectStore,
  obj: ServedObject,
  onSent?: (span: ByteSpan) => void,
): Promise<void> {
  const etag = `"${obj.etag}"`;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Content-Type', obj.mimeType);
  res.setHeader('Content-Disposition', contentDisposition(obj.disposition ?? 'attachment', obj.filename));
  res.setHeader('Cache-Control', 'private, max-age=86400, immutable');

  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  let start = 0;
  let end = obj.sizeBytes - 1;
  const rangeHeader = req.headers.range;
  // If-Range with a different validator means the client's partial copy is stale: send the whole file.
  const ifRange = req.headers['if-range'];
  if (rangeHeader && (!ifRange || ifRange === etag)) {
    // Our own reading, not req.range(): range-parser refuses a suffix longer than the file, which RFC 9110 serves whole.
    const ranges = parseRangeHeader(rangeHeader, obj.sizeBytes);
    if (ranges.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${obj.sizeBytes}`);
      throw new HttpError(416, 'RANGE_NOT_SATISFIABLE', `Range ${rangeHeader} is outside the file (${obj.sizeBytes} bytes)`, 'Khoảng byte yêu cầu không hợp lệ');
    }
    if (ranges.kind === 'spans' && ranges.spans.length === 1) {
      start = ranges.spans[0]!.start;
      end = ranges.spans[0]!.end;
      res.status(206);
      res.setHeader('Content-Range', `bytes ${start}-${end}/${obj.sizeBytes}`);
    }
  }
  res.setHeader('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD' || obj.sizeBytes === 0) {
    res.end();
    return;
  }
  const body = await store.getStream(obj.key, start === 0 && end === obj.sizeBytes - 1 ? undefined : { start, end });
  const meter = new Meter();
  try {
    await pipeline(body, meter, res);
  } catch (err) {
    // A client hanging up mid-download is normal on 3G; what it got still counts.
    if (!res.destroyed && !req.destroyed) throw err;
  } finally {
    // Bytes handed to the socket: a resumed download asks again for whatever did not arrive.
    if (meter.bytes > 0) onSent?.({ start, end: start + meter.bytes - 1 });
  }
}
