import { Transform, type TransformCallback, type Writable } from 'node:stream';
import type { Request } from 'express';

/**
 * An upload arrives as one fresh buffer per socket read (64 KiB). Each is garbage once parsed, but V8 frees a
 * buffer's memory only when it collects the small object that owns it, and at 200 MB/s those objects fill the young
 * generation so slowly that about 35 MB of read buffers waited for a collection (the API's RSS rose from 124 MB to
 * 156 MB during a 530 MB upload). A young-generation collection every few megabytes frees them as they go: with the
 * 1 MB semi-space `npm start` sets, it takes a fraction of a millisecond, some 25 times a second at full speed.
 *
 * The collection needs `--expose-gc`, which `npm start` and the Dockerfile pass (with `--max-semi-space-size`; see
 * the README on `npm start`). Without it the body is piped straight through and memory is freed as V8 sees fit.
 */
export const RELEASE_EVERY_BYTES = 8 * 1024 * 1024;

type Gc = (options: { type: 'minor' | 'major' }) => void;

export function exposedGc(): Gc | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as Gc) : null;
}

/** Counts bytes going past and asks for a young-generation collection every `everyBytes`. */
export class ReadBufferRelease extends Transform {
  private since = 0;

  constructor(
    private readonly gc: Gc,
    private readonly everyBytes = RELEASE_EVERY_BYTES,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.since += chunk.length;
    if (this.since >= this.everyBytes) {
      this.since = 0;
      this.gc({ type: 'minor' });
    }
    cb(null, chunk);
  }
}

/** `req.pipe(dest)`, releasing read buffers on the way where the process allows it. */
export function pipeReleasingReadBuffers(req: Request, dest: Writable): void {
  const gc = exposedGc();
  if (!gc) {
    req.pipe(dest);
    return;
  }
  const release = new ReadBufferRelease(gc);
  // Errors stay where they were: the request's own (a hang-up) are handled by its listeners, the parser's by its.
  req.pipe(release).pipe(dest);
}
