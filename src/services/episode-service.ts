import { listScopeOf, readsWholeLibrary, type AccessPrincipal } from '../domain/access/policy.js';
import type { EpisodeScope } from '../db/episodes-repo.js';
import { assertAllowed, ROOT_AREA_PATH } from './access.js';
import { notFoundError } from './errors.js';
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database } from '../db/database.js';
import { episodesRepo, type EpisodeRow, type EpisodeSource, type EpisodeStatus, type RenditionRow } from '../db/episodes-repo.js';
import { REJECTION_RULES } from '../domain/audio/rejection.js';
import { transcodeJobFor } from '../queue/jobs.js';
import type { JobQueues } from '../queue/queues.js';
import { objectKeys } from '../storage/keys.js';
import type { ObjectStore, StoredObject } from '../storage/object-store.js';
import type { Logger } from '../logger.js';
import type { RenditionFacts } from '../domain/audio/rendition.js';

export interface EpisodeMeta {
  title: string;
  series: string | null;
  language: string;
  description: string | null;
}

/** How an episode came to be, beyond its metadata. */
export interface EpisodeOrigin {
  /** An emergency bulletin: transcoded on the urgent queue, ahead of any programme. */
  urgent?: boolean;
  source?: EpisodeSource;
  sourceText?: string;
  speechRate?: number;
}

export interface EpisodeServiceDeps {
  db: Database;
  store: ObjectStore;
  queues: JobQueues;
  logger: Logger;
}

/**
 * Ingest in the order that loses nothing: the original goes durably into storage, then the row is written, then the
 * job is queued. If the row cannot be written the object is removed; if the queue is down the reconciler queues later.
 */
export function episodeService(deps: EpisodeServiceDeps) {
  const repo = episodesRepo(deps.db);
  return {
    newEpisodeId: () => crypto.randomUUID(),

    storeOriginal(episodeId: string, body: Readable, opts: { contentType?: string; maxBytes: number; signal: AbortSignal }): Promise<StoredObject> {
      return deps.store.putStream(objectKeys.original(episodeId), body, opts);
    },

    async discardOriginal(episodeId: string): Promise<void> {
      await deps.store.delete(objectKeys.original(episodeId));
    },

    async create(
      episodeId: string,
      meta: EpisodeMeta,
      stored: StoredObject,
      origin: { filename: string | null; contentType: string | null; createdBy: string | null; stationId: string | null },
      log: Logger,
      opts: EpisodeOrigin = {},
    ): Promise<EpisodeRow> {
      let row: EpisodeRow;
      try {
        row = await repo.insert({
          id: episodeId,
          ...meta,
          originalKey: stored.key,
          originalFilename: origin.filename,
          originalContentType: origin.contentType,
          originalSizeBytes: stored.sizeBytes,
          originalSha256: stored.sha256,
          createdBy: origin.createdBy,
          stationId: origin.stationId,
          urgent: opts.urgent ?? false,
          source: opts.source ?? 'upload',
          sourceText: opts.sourceText ?? null,
          speechRate: opts.speechRate ?? null,
        });
      } catch (err) {
        await deps.store.delete(stored.key).catch((e: unknown) => log.error({ err: e, key: stored.key }, 'could not remove original'));
        throw err;
      }
      try {
        await deps.queues.add(transcodeJobFor(row.urgent), { episodeId });
      } catch (err) {
        log.warn({ err, episodeId }, 'queue unavailable: the reconciler will queue this episode');
      }
      return row;
    },

    /**
     * An emergency names an episode still being transcoded: it moves to the urgent queue unless its job has
     * already started (then it is as fast as it gets). The reconciler queues it if Redis is down now.
     */
    async promoteUrgent(episodeId: string, log: Logger): Promise<void> {
      if (!(await repo.markUrgent(episodeId))) return;
      try {
        await deps.queues.removePending('transcode', { episodeId });
        if ((await deps.queues.state('transcode', { episodeId })) === 'active') return;
        await deps.queues.add('transcode-urgent', { episodeId });
        log.info({ episodeId }, 'episode moved to the urgent transcode queue');
      } catch (err) {
        log.warn({ err, episodeId }, 'queue unavailable: the reconciler will queue this episode');
      }
    },

    get: (id: string) => repo.get(id),
    /** The programmes the caller may see: its stations' own and scheduled ones, and the centre's library but for an operator. */
    list: (p: AccessPrincipal, opts: { status?: EpisodeStatus; limit: number; offset: number }) => {
      assertAllowed(p, 'episode.read');
      return repo.list({ ...opts, within: episodeScope(p) });
    },
    /** An episode the caller may not see does not exist for it (404, as before areas). */
    async assertVisible(p: AccessPrincipal, id: string): Promise<void> {
      assertAllowed(p, 'episode.read');
      const within = episodeScope(p);
      if (!(await repo.visible(id, within))) throw notFoundError('episode', 'chương trình');
    },
    /** Uploading (multipart, tus) and text bulletins: the role alone decides, before a byte is stored. */
    assertMayUpload: (p: AccessPrincipal, permission: 'episode.upload' | 'bulletin.create' = 'episode.upload') => assertAllowed(p, permission),
    renditions: (id: string) => repo.renditions(id),
    renditionsFor: (ids: string[]) => repo.renditionsFor(ids),
  };
}

export type EpisodeService = ReturnType<typeof episodeService>;

function episodeScope(p: AccessPrincipal): EpisodeScope {
  const stations = listScopeOf(p);
  return { stations: { areaPath: stations.areaPath === ROOT_AREA_PATH ? null : stations.areaPath, stationId: stations.stationId }, library: readsWholeLibrary(p) };
}

export interface EpisodeView {
  id: string;
  title: string;
  series: string | null;
  language: string;
  description: string | null;
  status: EpisodeStatus;
  /** Set when a commune uploaded it: its own programme. */
  stationId: string | null;
  urgent: boolean;
  source: EpisodeSource;
  /** The bulletin text a 'tts' episode was read from. */
  text: string | null;
  speechRate: number | null;
  progress: number;
  error: { code: string; message: string; messageEn: string } | null;
  durationSec: number | null;
  original: { filename: string | null; contentType: string | null; sizeBytes: number; sha256: string };
  renditions: RenditionView[];
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
}

export type RenditionView = Omit<RenditionFacts, 'integratedLufs' | 'truePeakDbtp'> & {
  loudness: { integratedLufs: number; truePeakDbtp: number };
  url: string;
};

const englishFor = (code: string, fallback: string) =>
  code in REJECTION_RULES ? REJECTION_RULES[code as keyof typeof REJECTION_RULES].en : fallback;

export function toEpisodeView(e: EpisodeRow, renditions: RenditionRow[]): EpisodeView {
  return {
    id: e.id,
    title: e.title,
    series: e.series,
    language: e.language,
    description: e.description,
    status: e.status,
    stationId: e.stationId,
    urgent: e.urgent,
    source: e.source,
    text: e.sourceText,
    speechRate: e.speechRate,
    progress: e.progress,
    error: e.errorCode ? { code: e.errorCode, message: e.errorMessage ?? '', messageEn: englishFor(e.errorCode, e.errorMessage ?? '') } : null,
    durationSec: e.durationSec,
    original: { filename: e.originalFilename, contentType: e.originalContentType, sizeBytes: e.originalSizeBytes, sha256: e.originalSha256 },
    renditions: renditions.map(({ objectKey: _key, integratedLufs, truePeakDbtp, ...facts }) => ({
      ...facts,
      loudness: { integratedLufs, truePeakDbtp },
      url: `/api/v1/episodes/${e.id}/renditions/${facts.name}`,
    })),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    readyAt: e.readyAt?.toISOString() ?? null,
  };
}
