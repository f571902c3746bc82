import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import fsp from 'node:fs/promises';
import type { Logger } from 'pino';
import type { MediaCache } from './cache.js';
import { rmQuiet, sha256File, statOrNull, syncDir } from './fsx.js';
import { errorCode, NetworkError, request } from './http.js';

export interface DownloadItem {
  readonly name: string;
  readonly url: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

export type DownloadFailure =
  /** The link dropped or never came up; what arrived is kept for the next Range request. */
  | 'network'
  /** The media link expired or no longer verifies: fetch the manifest again for fresh links. */
  | 'link_expired'
  /** The server says this station may not have this file (the schedule changed). */
  | 'not_scheduled'
  | 'not_found'
  /** All bytes arrived but the hash (or size) is wrong: the part was deleted. */
  | 'corrupt'
  | 'http'
  /** Stopped on purpose (something more urgent came up, or shutdown). */
  | 'aborted';

export type DownloadResult =
  | { readonly ok: true; readonly bytesReceived: number; readonly resumedFrom: number }
  | { readonly ok: false; readonly failure: DownloadFailure; readonly message: string; readonly bytesReceived: number; readonly status?: number };

/**
 * Fetches one file into `<name>.part`, resuming with `Range: bytes=<have>-` (guarded by `If-Range` with the
 * expected SHA-256, which is the server's ETag, so a changed file comes back whole instead of spliced), then
 * checks size and SHA-256 and renames it into place. A part that turns out wrong is deleted.
 */
export async function downloadFile(
  item: DownloadItem,
  cache: MediaCache,
  opts: { timeoutMs: number; signal?: AbortSignal; log: Logger; onBytes?: (have: number) => void },
): Promise<DownloadResult> {
  const part = cache.partPathOf(item.name);
  let have = (await statOrNull(part))?.size ?? 0;
  if (have > item.sizeBytes) {
    opts.log.warn({ file: item.name, have, sizeBytes: item.sizeBytes }, 'download: partial file longer than the file; starting over');
    await rmQuiet(part);
    have = 0;
  }
  const resumedFrom = have;
  let received = 0;
  if (have < item.sizeBytes) {
    const headers: Record<string, string> = { accept: '*/*' };
    if (have > 0) {
      headers.range = `bytes=${have}-`;
      headers['if-range'] = `"${item.sha256}"`;
    }
    let res;
    try {
      res = await request(item.url, { headers, timeoutMs: opts.timeoutMs, signal: opts.signal });
    } catch (err) {
      return failure(err, 0);
    }
    const status = res.statusCode ?? 0;
    if (status === 206 || status === 200) {
      let append = false;
      if (status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
        if (!m || Number(m[1]) !== have || (m[3] !== '*' && Number(m[3]) !== item.sizeBytes)) {
          res.destroy();
          await rmQuiet(part);
          return { ok: false, failure: 'http', status, message: `unexpected Content-Range ${String(res.headers['content-range'])} for ${have}/${item.sizeBytes}`, bytesReceived: 0 };
        }
        append = true;
      } else if (have > 0) {
        opts.log.info({ file: item.name, had: have }, 'download: server sent the whole file instead of the rest; starting over');
      }
      try {
        received = await writeBody(res, part, append, (n) => opts.onBytes?.((append ? have : 0) + n));
      } catch (err) {
        received = (err as { received?: number }).received ?? 0;
        return failure(err, received);
      }
    } else {
      // The body is a small JSON error at most.
      const chunks: Buffer[] = [];
      try {
        for await (const c of res) if (chunks.length < 64) chunks.push(c as Buffer);
      } catch {
        // the status is what matters
      }
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        json = undefined;
      }
      const code = errorCode(json);
      if (status === 416) {
        await rmQuiet(part);
        return { ok: false, failure: 'http', status, message: 'range not satisfiable: the partial file no longer fits; starting over', bytesReceived: 0 };
      }
      if (status === 403 && (code === 'LINK_EXPIRED' || code === 'BAD_SIGNATURE')) return { ok: false, failure: 'link_expired', status, message: code, bytesReceived: 0 };
      if (status === 403) return { ok: false, failure: 'not_scheduled', status, message: code ?? 'forbidden', bytesReceived: 0 };
      if (status === 404) return { ok: false, failure: 'not_found', status, message: code ?? 'not found', bytesReceived: 0 };
      return { ok: false, failure: 'http', status, message: code ?? `HTTP ${status}`, bytesReceived: 0 };
    }
  }

  const size = (await statOrNull(part))?.size ?? 0;
  if (size < item.sizeBytes) return { ok: false, failure: 'network', message: `transfer ended early at ${size} of ${item.sizeBytes} bytes`, bytesReceived: received };
  const actual = size === item.sizeBytes ? await sha256File(part) : null;
  if (actual !== item.sha256) {
    await rmQuiet(part);
    return {
      ok: false,
      failure: 'corrupt',
      message: actual === null ? `got ${size} bytes, expected ${item.sizeBytes}` : `SHA-256 ${actual} does not match ${item.sha256}`,
      bytesReceived: received,
    };
  }
  // Durable before it is trusted: the data, then the rename.
  const fh = await fsp.open(part, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await cache.adopt(item.name);
  await syncDir(cache.dir);
  return { ok: true, bytesReceived: received, resumedFrom };
}

function failure(err: unknown, bytesReceived: number): DownloadResult {
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return { ok: false, failure: 'aborted', message: 'aborted', bytesReceived };
  const message = err instanceof NetworkError ? `${err.code}: ${err.message}` : `${e?.code ?? 'error'}: ${e?.message ?? String(err)}`;
  return { ok: false, failure: 'network', message, bytesReceived };
}

/**
 * Writes the body to the part file chunk by chunk, synchronously, as each arrives. Node drops whatever is still
 * buffered in a response stream when its connection dies, so a chunk must be on disk the moment it is handed over:
 * then a cut link costs only the bytes that were still on the wire.
 */
function writeBody(res: IncomingMessage, file: string, append: boolean, onBytes: (received: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let fd: number;
    try {
      fd = fs.openSync(file, append ? 'a' : 'w');
    } catch (err) {
      res.destroy();
      reject(err);
      return;
    }
    let received = 0;
    let settled = false;
    const settle = (err: (Error & { received?: number }) | null) => {
      if (settled) return;
      settled = true;
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      if (err) {
        err.received = received;
        reject(err);
      } else resolve(received);
    };
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        fs.writeSync(fd, chunk);
      } catch (err) {
        res.destroy();
        settle(err as Error);
        return;
      }
      received += chunk.length;
      onBytes(received);
    });
    res.once('end', () => settle(res.complete ? null : Object.assign(new Error('connection closed mid-transfer'), { code: 'ECONNRESET' })));
    res.once('error', (err) => settle(err));
    res.once('close', () => settle(res.complete ? null : Object.assign(new Error('connection closed mid-transfer'), { code: 'ECONNRESET' })));
  });
}
