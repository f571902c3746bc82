import crypto from 'node:crypto';
import { OutgoingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

export class SizeLimitExceeded extends Error {
  override name = 'SizeLimitExceeded';
  constructor(readonly maxBytes: number) {
    super(`larger than the limit of ${maxBytes} bytes`);
  }
}

export interface MeterOptions {
  /**
   * Hand on the bytes in pieces of this size (the last one shorter) instead of as they came. An HTTP body arrives
   * in socket-sized pieces (≤ 64 KiB); each piece written to an outgoing chunked request becomes a chunk of its own,
   * which costs the storage server per chunk. One copy here is far cheaper than that. 0: pass pieces on as they are.
   */
  chunkBytes?: number;
  /** How much the writable side takes before asking its source to wait (default: the stream default). */
  writableHighWaterMark?: number;
}

// Pieces kept for reuse at most, once an outgoing request is done with them.
const SPARE_PIECES = 4;

/** Counts and hashes bytes as they stream past; fails the stream once more than maxBytes went through. */
export class Meter extends Transform {
  bytes = 0;
  private readonly hash = crypto.createHash('sha256');
  private readonly chunkBytes: number;
  private pending: Buffer | null = null;
  private filled = 0;
  /**
   * Reuse of pieces, only when piped into an HTTP request: a fresh piece per 256 KiB is garbage that V8 frees late
   * (pieces in flight at a young collection get promoted), so an upload's RSS grew by several MB more than needed.
   * A piece is taken back once every byte up to its end has left this stream and the request holds none of them
   * any more: `writableLength` counts what it and its socket have not yet handed to the kernel (framing included, so
   * the count errs on the safe side).
   */
  private sink: OutgoingMessage | null = null;
  private pushed = 0;
  private readonly lent: { piece: Buffer; end: number }[] = [];
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    opts: MeterOptions = {},
  ) {
    super(opts.writableHighWaterMark ? { writableHighWaterMark: opts.writableHighWaterMark } : {});
    this.chunkBytes = opts.chunkBytes ?? 0;
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const piped = super.pipe(destination, options);
    if (this.chunkBytes > 0 && this.sink === null && destination instanceof OutgoingMessage) this.sink = destination;
    return piped;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return cb(new SizeLimitExceeded(this.maxBytes));
    if (this.chunkBytes === 0) {
      this.hash.update(chunk);
      return cb(null, chunk);
    }
    let at = 0;
    while (at < chunk.length) {
      // A piece at least as large as the output size goes on as it is: no copy.
      if (this.filled === 0 && chunk.length - at >= this.chunkBytes) {
        this.emitPiece(at === 0 ? chunk : chunk.subarray(at), null);
        break;
      }
      this.pending ??= this.takePiece();
      const copied = chunk.copy(this.pending, this.filled, at);
      this.filled += copied;
      at += copied;
      if (this.filled === this.chunkBytes) this.emitPending();
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.filled > 0) this.emitPending();
    cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.pending = null;
    this.lent.length = 0;
    this.spare.length = 0;
    cb(err);
  }

  /** Only meaningful once the stream has ended. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  private takePiece(): Buffer {
    if (this.sink && this.lent.length > 0) {
      const done = this.pushed - this.readableLength - this.sink.writableLength;
      while (this.lent.length > 0 && this.lent[0]!.end <= done) {
        const { piece } = this.lent.shift()!;
        if (this.spare.length < SPARE_PIECES) this.spare.push(piece);
      }
    }
    return this.spare.pop() ?? Buffer.allocUnsafe(this.chunkBytes);
  }

  private emitPending(): void {
    const whole = this.pending!;
    const piece = this.filled === this.chunkBytes ? whole : whole.subarray(0, this.filled);
    this.pending = null;
    this.filled = 0;
    this.emitPiece(piece, whole);
  }

  /** `own`: the buffer behind the piece when it is this stream's to reuse later. */
  private emitPiece(piece: Buffer, own: Buffer | null): void {
    this.hash.update(piece);
    this.pushed += piece.length;
    if (own && this.sink) this.lent.push({ piece: own, end: this.pushed });
    this.push(piece);
  }
}
