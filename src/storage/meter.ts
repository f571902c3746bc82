import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class SizeLimitExceeded extends Error {
  override name = 'SizeLimitExceeded';
  constructor(readonly maxBytes: number) {
    super(`larger than the limit of ${maxBytes} bytes`);
  }
}

/** Counts and hashes bytes as they stream past; fails the stream once more than maxBytes went through. */
export class Meter extends Transform {
  bytes = 0;
  private readonly hash = crypto.createHash('sha256');
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return cb(new SizeLimitExceeded(this.maxBytes));
    this.hash.update(chunk);
    cb(null, chunk);
  }
  /** Only meaningful once the stream has ended. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }
}
