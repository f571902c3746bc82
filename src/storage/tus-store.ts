import type { Readable } from 'node:stream';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3Store, type MetadataValue } from '@tus/s3-store';
import { ERRORS } from '@tus/server';
import { objectKeys } from './keys.js';

/** Where the tus bookkeeping lives: each upload's `<episodeId>.info` (its metadata) and `.part` (bytes short of a part). */
export const UPLOAD_AREA = 'uploads/tus/';

// Same part size as the plain upload's multipart (object-store.ts); S3 wants every part but the last ≥ 5 MiB.
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ORIGINAL_PREFIX = objectKeys.original('');

/** The tus upload id of an episode's original: its object key, so completing the upload puts the file in place. */
export const tusIdOf = (episodeId: string) => objectKeys.original(episodeId);

/** The episode a tus upload id belongs to, or null when the id is not one of ours. */
export function episodeIdOfTus(id: string): string | null {
  if (!id.startsWith(ORIGINAL_PREFIX)) return null;
  const episodeId = id.slice(ORIGINAL_PREFIX.length);
  return UUID.test(episodeId) ? episodeId : null;
}

function episodeIdOrThrow(id: string): string {
  const episodeId = episodeIdOfTus(id);
  if (!episodeId) throw ERRORS.FILE_NOT_FOUND;
  return episodeId;
}

const errName = (err: unknown) => (err as { name?: string; Code?: string } | null)?.name ?? (err as { Code?: string } | null)?.Code;
const isMissing = (err: unknown) => ['NoSuchKey', 'NotFound', 'NoSuchUpload'].includes(errName(err) ?? '') || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

export interface TusStoreOptions {
  client: S3ClientConfig;
  bucket: string;
  expiryMs: number;
  /** Whether an episode row exists: a finished upload without one is an orphan once it has expired. */
  isIngested(episodeId: string): Promise<boolean>;
}

/**
 * @tus/s3-store with the multipart upload written straight at the episode's original key (`originals/<id>`):
 * completing the S3 multipart upload is the move, so a file of up to the size limit is never copied. The store's
 * bookkeeping objects go to UPLOAD_AREA instead of beside the original, and expired uploads are swept from there.
 */
export class TusOriginalStore extends S3Store {
  private readonly isIngested: TusStoreOptions['isIngested'];

  constructor(opts: TusStoreOptions) {
    super({
      partSize: PART_SIZE,
      maxConcurrentPartUploads: PARTS_IN_FLIGHT,
      expirationPeriodInMilliseconds: opts.expiryMs,
      // Expiry is swept by deleteExpired below, not by bucket lifecycle rules on tags (which s3rver lacks).
      useTags: false,
      s3ClientConfig: { ...opts.client, bucket: opts.bucket },
    });
    // The size is part of every creation: the limit is checked before a byte is stored.
    this.extensions = this.extensions.filter((e) => e !== 'creation-defer-length');
    this.isIngested = opts.isIngested;
  }

  protected override infoKey(id: string): string {
    return `${UPLOAD_AREA}${episodeIdOrThrow(id)}.info`;
  }

  protected override partKey(id: string, isIncomplete = false): string {
    return isIncomplete ? `${UPLOAD_AREA}${episodeIdOrThrow(id)}.part` : id;
  }

  /** The upload's stored record (size, metadata, creation date), or null when there is none. */
  async record(id: string): Promise<MetadataValue | null> {
    if (!episodeIdOfTus(id)) return null;
    try {
      return await this.getMetadata(id);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** The first `bytes` of what was stored so far. Below one part, everything received is in the `.part` object. */
  async storedHead(id: string, bytes: number): Promise<Buffer> {
    try {
      const r = await this.client.getObject({ Bucket: this.bucket, Key: this.partKey(id, true), Range: `bytes=0-${bytes - 1}` });
      return Buffer.from((await r.Body?.transformToByteArray()) ?? []);
    } catch (err) {
      if (isMissing(err)) return Buffer.alloc(0);
      throw err;
    }
  }

  /** A PATCH repeated after the upload finished (its answer was lost) is a no-op, not a failure. */
  override async write(src: Readable, id: string, offset: number): Promise<number> {
    try {
      return await super.write(src, id, offset);
    } catch (err) {
      if (!isMissing(err)) throw err;
      const upload = await this.getUpload(id);
      if (upload.size === undefined || upload.offset !== upload.size || offset !== upload.size) throw err;
      src.resume();
      return offset;
    }
  }

  /** Termination: the multipart upload and the bookkeeping go; a finished original is never touched here. */
  override async remove(id: string): Promise<void> {
    const record = await this.record(id);
    if (!record) throw ERRORS.FILE_NOT_FOUND;
    await this.abort(id, record['upload-id']);
    await this.forget(id);
  }

  /** Removes the bookkeeping of an upload (once it is an episode, or once it is gone). */
  async forget(id: string): Promise<void> {
    await this.client.deleteObjects({
      Bucket: this.bucket,
      Delete: { Objects: [{ Key: this.infoKey(id) }, { Key: this.partKey(id, true) }], Quiet: true },
    });
    await this.clearCache(id);
  }

  /** Aborts the S3 multipart upload; false when there was none left (it finished, or was aborted before). */
  private async abort(id: string, uploadId: string): Promise<boolean> {
    try {
      await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId });
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /**
   * The sweep of uploads whose expiry has passed: unfinished ones are aborted, and a finished one that never became
   * an episode (the process died in between) loses its original too. Only uploads with bookkeeping in UPLOAD_AREA
   * are considered, so the plain multipart uploads sharing `originals/` are never touched. Returns how many went.
   */
  override async deleteExpired(): Promise<number> {
    const expiry = this.getExpiration();
    if (expiry === 0) return 0;
    const now = Date.now();
    const groups = new Map<string, { newest: number; hasInfo: boolean }>();
    let token: string | undefined;
    do {
      const page = await this.client.listObjectsV2({ Bucket: this.bucket, Prefix: UPLOAD_AREA, ContinuationToken: token });
      for (const o of page.Contents ?? []) {
        const m = /^([0-9a-f-]{36})\.(info|part)$/.exec(o.Key?.slice(UPLOAD_AREA.length) ?? '');
        if (!m || !UUID.test(m[1]!)) continue;
        const g = groups.get(m[1]!) ?? { newest: 0, hasInfo: false };
        g.newest = Math.max(g.newest, o.LastModified?.getTime() ?? now);
        g.hasInfo ||= m[2] === 'info';
        groups.set(m[1]!, g);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);

    let removed = 0;
    for (const [episodeId, g] of groups) {
      // Nothing in the group is older than the expiry: the upload cannot have expired yet.
      if (now - g.newest < expiry) continue;
      const id = tusIdOf(episodeId);
      const record = g.hasInfo ? await this.record(id) : null;
      if (record) {
        const created = Date.parse(record.file.creation_date ?? '') || 0;
        if (now < created + expiry) continue;
        const wasOpen = await this.abort(id, record['upload-id']);
        if (!wasOpen && !(await this.isIngested(episodeId))) {
          const orphan = await this.lastModified(id);
          // Finished only recently: its ingest may be running right now; a later sweep decides.
          if (orphan !== null && now - orphan < expiry) continue;
          if (orphan !== null) await this.client.deleteObject({ Bucket: this.bucket, Key: id });
        }
      }
      await this.forget(id);
      removed++;
    }
    return removed;
  }

  private async lastModified(key: string): Promise<number | null> {
    try {
      const r = await this.client.headObject({ Bucket: this.bucket, Key: key });
      return r.LastModified?.getTime() ?? 0;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }
}
