import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Meter } from './meter.js';
import { isOutOfSpace, StorageFull } from './disk-space.js';

export interface StoredObject {
  key: string;
  sizeBytes: number;
  sha256: string;
}

export interface ListedObject {
  key: string;
  sizeBytes: number;
  lastModified: Date;
}

export interface ByteRange {
  start: number;
  end: number; // inclusive
}

export interface ObjectStore {
  readonly bucket: string;
  /** True where presigned links are checked by the storage itself (not the embedded server). */
  readonly signsLinks: boolean;
  ensureBucket(): Promise<void>;
  ping(): Promise<void>;
  /** Streams body to key, hashing as it goes. Rejects (and leaves no object) if body errors or signal aborts. */
  putStream(key: string, body: Readable, opts: { contentType?: string; maxBytes?: number; signal?: AbortSignal }): Promise<StoredObject>;
  putFile(key: string, file: string, contentType: string): Promise<StoredObject>;
  head(key: string): Promise<{ sizeBytes: number; contentType?: string } | null>;
  getStream(key: string, range?: ByteRange): Promise<Readable>;
  downloadTo(key: string, file: string): Promise<number>;
  delete(key: string): Promise<void>;
  /** Every object under a prefix (key, size, last change), page by page. */
  list(prefix: string): AsyncIterable<ListedObject>;
  /** A link the storage itself checks; `contentDisposition` is what the storage answers with (the download's name). */
  presignGet(key: string, ttlSec: number, contentDisposition?: string): Promise<string>;
}

// 8 MiB parts, 4 in flight: ~32 MiB of buffers per upload whatever the file size.
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
// What a streamed PUT hands the storage request at a time (see MeterOptions.chunkBytes). Against s3rver, 256 KiB
// chunks cost the storage about what a PUT with a known length does, 64 KiB ones a quarter more; larger pieces gained
// nothing more. A few of them are in memory at most, reused (see Meter). Multipart gathers whole parts anyway.
const SEND_CHUNK_BYTES = 256 * 1024;
// One socket read of the incoming body: the meter takes it whole before asking its source to wait.
const METER_INPUT_BYTES = 64 * 1024;

/** `presigner`: a client on the storage's public endpoint (the host browsers reach), when that differs. */
export function createObjectStore(
  client: S3Client,
  bucket: string,
  signsLinks: boolean,
  uploadMode: 'multipart' | 'stream' = 'multipart',
  presigner: S3Client = client,
): ObjectStore {
  /** Sends the metered body; multipart keeps memory bounded for any size, a plain PUT streams it as it comes. */
  const send = (key: string, meter: Meter, contentType: string | undefined) => {
    if (uploadMode === 'stream') {
      // The SDK only pipes the body: a failing source must abort the request, or it would wait for the rest forever.
      const request = new AbortController();
      meter.once('error', (err) => request.abort(err));
      const put = client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: meter, ContentType: contentType }), {
        abortSignal: request.signal,
      });
      return { done: () => put, abort: async () => request.abort() };
    }
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: meter, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    return { done: () => upload.done(), abort: () => upload.abort() };
  };

  const store: ObjectStore = {
    bucket,
    signsLinks,
    async ensureBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch {
        await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
          if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
        });
      }
    },
    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
    async putStream(key, body, opts) {
      const meter = new Meter(opts.maxBytes, {
        chunkBytes: uploadMode === 'stream' ? SEND_CHUNK_BYTES : 0,
        writableHighWaterMark: METER_INPUT_BYTES,
      });
      const upload = send(key, meter, opts.contentType);
      const onAbort = () => meter.destroy(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // Errors on either side must fail the upload: the source failing destroys the meter, which fails the Upload.
      body.on('error', (err) => meter.destroy(err));
      body.pipe(meter);
      try {
        if (opts.signal?.aborted) onAbort();
        await upload.done();
        return { key, sizeBytes: meter.bytes, sha256: meter.digest() };
      } catch (err) {
        await upload.abort().catch(() => undefined);
        // A single-part upload may have completed just as the source failed; never leave an orphan behind.
        await store.delete(key).catch(() => undefined);
        // Out of space is the operator's problem, not the client's or a bug: one error for every store that says so.
        throw isOutOfSpace(err) && !(err instanceof StorageFull) ? new StorageFull(err) : err;
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
    async putFile(key, file, contentType) {
      return store.putStream(key, fs.createReadStream(file), { contentType });
    },
    async head(key) {
      try {
        const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { sizeBytes: r.ContentLength ?? 0, contentType: r.ContentType };
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) return null;
        throw err;
      }
    },
    async getStream(key, range) {
      const r = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return r.Body as Readable;
    },
    async downloadTo(key, file) {
      const body = await store.getStream(key);
      const meter = new Meter();
      await pipeline(body, meter, fs.createWriteStream(file));
      return meter.bytes;
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (o.Key) yield { key: o.Key, sizeBytes: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async presignGet(key, ttlSec, contentDisposition) {
      return getSignedUrl(
        presigner,
        new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: contentDisposition }),
        { expiresIn: ttlSec },
      );
    },
  };
  return store;
}

export { Readable };
