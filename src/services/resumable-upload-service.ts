import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { episodesRepo, type EpisodeRow } from '../db/episodes-repo.js';
import { sniffContainer, SNIFF_BYTES } from '../domain/audio/sniff.js';
import type { Logger } from '../logger.js';
import { objectKeys } from '../storage/keys.js';
import { Meter } from '../storage/meter.js';
import type { ObjectStore, StoredObject } from '../storage/object-store.js';
import { s3ClientOptions } from '../storage/s3-client.js';
import { TusOriginalStore, tusIdOf } from '../storage/tus-store.js';
import type { EpisodeMeta, EpisodeService } from './episode-service.js';

export interface FinishedUpload {
  meta: EpisodeMeta;
  origin: { filename: string | null; contentType: string | null; createdBy: string | null; stationId: string | null };
  urgent: boolean;
}

export type CompleteResult = { kind: 'created'; row: EpisodeRow } | { kind: 'refused'; code: 'NOT_AUDIO' | 'EMPTY' };

/**
 * Resumable (tus) uploads once their bytes are in: the finished multipart upload already is the episode's original
 * (`originals/<id>`), so completing one reads it once for its size, SHA-256 and first bytes, then goes through
 * episodeService.create like any upload (the row, then the transcode job).
 */
export function resumableUploadService(deps: { tus: TusOriginalStore; objects: ObjectStore; episodes: EpisodeService }) {
  // One completion per upload at a time: a PATCH repeated while the first is still being finished waits for it.
  const inFlight = new Map<string, Promise<CompleteResult>>();

  async function measure(key: string): Promise<{ stored: StoredObject; head: Buffer }> {
    const meter = new Meter();
    let head = Buffer.alloc(0);
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        cb();
      },
    });
    await pipeline(await deps.objects.getStream(key), meter, sink);
    return { stored: { key, sizeBytes: meter.bytes, sha256: meter.digest() }, head };
  }

  async function complete(episodeId: string, upload: FinishedUpload, log: Logger): Promise<CompleteResult> {
    const existing = await deps.episodes.get(episodeId);
    if (existing) return { kind: 'created', row: existing };
    const key = objectKeys.original(episodeId);
    const tusId = tusIdOf(episodeId);
    const { stored, head } = await measure(key);
    // The first bytes were checked as they arrived; this catches the rare upload whose first piece raced a cut.
    const refusal = stored.sizeBytes === 0 ? 'EMPTY' : sniffContainer(head) ? null : 'NOT_AUDIO';
    if (refusal) {
      await deps.objects.delete(key);
      await deps.tus.forget(tusId);
      log.info({ episodeId, code: refusal }, 'finished resumable upload refused');
      return { kind: 'refused', code: refusal };
    }
    let row: EpisodeRow;
    try {
      row = await deps.episodes.create(episodeId, upload.meta, stored, upload.origin, log, { urgent: upload.urgent });
    } catch (err) {
      // create() has removed the original; the bookkeeping goes too, so a retry starts a fresh upload.
      await deps.tus.forget(tusId).catch((e: unknown) => log.warn({ err: e, episodeId }, 'upload bookkeeping left for the sweep'));
      throw err;
    }
    await deps.tus.forget(tusId).catch((err: unknown) => log.warn({ err, episodeId }, 'upload bookkeeping left for the sweep'));
    log.info({ episodeId, sizeBytes: stored.sizeBytes, urgent: row.urgent }, 'resumable upload became an episode');
    return { kind: 'created', row };
  }

  return {
    complete(episodeId: string, upload: FinishedUpload, log: Logger): Promise<CompleteResult> {
      const running = inFlight.get(episodeId);
      if (running) return running;
      const p = complete(episodeId, upload, log).finally(() => inFlight.delete(episodeId));
      inFlight.set(episodeId, p);
      return p;
    },

    /** The episode a finished (and already forgotten) upload became, for a client asking after a lost answer. */
    ingested: (episodeId: string) => deps.episodes.get(episodeId),

  };
}

export type ResumableUploadService = ReturnType<typeof resumableUploadService>;

/** The tus store on the service's own storage (same bucket, endpoint and credentials as every other object). */
export function tusStoreFor(config: Config, endpoint: string | undefined, db: Database): TusOriginalStore {
  const episodes = episodesRepo(db);
  return new TusOriginalStore({
    // No SDK logger: the store expects (and handles) a 404 for every upload still short of one part.
    client: s3ClientOptions(config.s3, endpoint),
    bucket: config.s3.bucket,
    expiryMs: config.upload.expirySec * 1000,
    isIngested: async (episodeId) => (await episodes.get(episodeId)) !== null,
  });
}

/** Removes expired uploads (unfinished ones, and finished ones that never became an episode). */
export async function sweepExpiredUploads(tus: TusOriginalStore, logger: Logger): Promise<number> {
  const removed = await tus.deleteExpired();
  if (removed > 0) logger.info({ removed }, 'expired resumable uploads removed');
  return removed;
}
