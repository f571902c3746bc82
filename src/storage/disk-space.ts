import fs from 'node:fs';
import path from 'node:path';

/**
 * Free space, and telling "the disk is full" apart from other failures wherever it surfaces: a local write
 * (ENOSPC, or EDQUOT for a quota), the embedded S3 server refusing a write (507, see embedded-s3-writes.ts), or an
 * S3 store that ran out (MinIO answers 507 XMinioStorageFull).
 */

/** Bytes an unprivileged process may still write on the filesystem holding `dir` (or its nearest existing parent). */
export function freeBytesSync(dir: string): number {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const s = fs.statfsSync(at);
      return s.bavail * s.bsize;
    } catch (err) {
      const parent = path.dirname(at);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw err;
      at = parent;
    }
  }
}

export const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const FULL_S3_NAMES = new Set(['InsufficientStorage', 'XMinioStorageFull', 'XMinioStorageFullError']);

export function isOutOfSpace(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  if (err instanceof StorageFull) return true;
  const e = err as { code?: unknown; name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (typeof e.code === 'string' && FULL_CODES.has(e.code)) return true;
  // The embedded store's 507 and the client's next write race: under load the client sometimes sees the connection
  // it closed first. Right after that store refused a write for room, a cut connection is that refusal.
  if (typeof e.code === 'string' && CUT_CODES.has(e.code) && Date.now() - lastRoomRefusalAt < REFUSAL_ECHO_MS) return true;
  if (e.$metadata?.httpStatusCode === 507) return true;
  if ([e.name, e.Code].some((n) => typeof n === 'string' && FULL_S3_NAMES.has(n))) return true;
  return isOutOfSpace(e.cause, depth + 1);
}

const CUT_CODES = new Set(['EPIPE', 'ECONNRESET']);
// How long after the embedded store refused a write for room a broken connection to it is put down to that refusal.
const REFUSAL_ECHO_MS = 30_000;
let lastRoomRefusalAt = Number.NEGATIVE_INFINITY;

/** The embedded store (same process) refused a write for room; see isOutOfSpace. */
export function noteRoomRefusal(at = Date.now()): void {
  lastRoomRefusalAt = at;
}

/**
 * The storage has no room for what was being written; nothing of it was kept. Only a summary of the underlying
 * error is kept: an S3 client's error carries the whole response (and logged, a part's bytes).
 */
export class StorageFull extends Error {
  override name = 'StorageFull';
  constructor(underlying?: unknown) {
    const u = underlying as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
    const status = u?.$metadata?.httpStatusCode;
    super(`no space left in storage${u ? ` (${[u.code ?? u.name, status && `HTTP ${status}`, u.message].filter(Boolean).join(': ')})` : ''}`);
  }
}

/** "12,5 MB" / "12.5 MB": what a person reads in a message. */
export function megabytes(bytes: number, lang: 'vi' | 'en'): string {
  const mb = Math.floor((bytes / 1e6) * 10) / 10;
  return `${lang === 'vi' ? String(mb).replace('.', ',') : String(mb)} MB`;
}

/** Readiness: fails naming the directory when the free space under it is below the reserve. */
export function diskSpaceCheck(dirs: readonly string[], reserveBytes: number): () => Promise<void> {
  return async () => {
    for (const dir of dirs) {
      const free = freeBytesSync(dir);
      if (free < reserveBytes) {
        throw new Error(`disk full: ${megabytes(free, 'en')} free under ${dir}, below the reserve of ${megabytes(reserveBytes, 'en')}; uploads are refused until space is freed`);
      }
    }
  };
}
