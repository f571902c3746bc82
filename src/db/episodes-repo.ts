import type { ListScope } from '../domain/access/policy.js';
import { stationInScope } from './area-scope.js';
import type { RenditionFacts } from '../domain/audio/rendition.js';
import type { Queryable } from './database.js';

export type EpisodeStatus = 'processing' | 'ready' | 'failed';

export interface NewEpisode {
  id: string;
  title: string;
  series: string | null;
  language: string;
  description: string | null;
  originalKey: string;
  originalFilename: string | null;
  originalContentType: string | null;
  originalSizeBytes: number;
  originalSha256: string;
  createdBy: string | null;
  stationId: string | null;
  /** Transcoded on the urgent queue (an emergency bulletin). */
  urgent?: boolean;
  source?: EpisodeSource;
  /** The text a 'tts' episode was read from. */
  sourceText?: string | null;
  /** Words per minute the speech engine used. */
  speechRate?: number | null;
}

export type EpisodeSource = 'upload' | 'tts';

/** A rendition as stored: its measured facts and where the file lives. */
export interface RenditionRow extends RenditionFacts {
  objectKey: string;
}

export interface EpisodeRow extends NewEpisode {
  urgent: boolean;
  source: EpisodeSource;
  sourceText: string | null;
  speechRate: number | null;
  status: EpisodeStatus;
  progress: number;
  errorCode: string | null;
  errorMessage: string | null;
  durationSec: number | null;
  createdAt: Date;
  updatedAt: Date;
  readyAt: Date | null;
}

const EPISODE_COLUMNS = `id, title, series, language, description, status, progress, error_code, error_message, duration_sec,
  original_key, original_filename, original_content_type, original_size_bytes, original_sha256, created_by, station_id,
  urgent, source, source_text, speech_rate, created_at, updated_at, ready_at`;

type Raw = Record<string, unknown>;

const toEpisode = (r: Raw): EpisodeRow => ({
  id: r.id as string,
  title: r.title as string,
  series: (r.series as string | null) ?? null,
  language: r.language as string,
  description: (r.description as string | null) ?? null,
  status: r.status as EpisodeStatus,
  progress: Number(r.progress),
  errorCode: (r.error_code as string | null) ?? null,
  errorMessage: (r.error_message as string | null) ?? null,
  durationSec: r.duration_sec === null ? null : Number(r.duration_sec),
  originalKey: r.original_key as string,
  originalFilename: (r.original_filename as string | null) ?? null,
  originalContentType: (r.original_content_type as string | null) ?? null,
  originalSizeBytes: Number(r.original_size_bytes),
  originalSha256: r.original_sha256 as string,
  createdBy: (r.created_by as string | null) ?? null,
  stationId: (r.station_id as string | null) ?? null,
  urgent: r.urgent === true,
  source: (r.source as EpisodeSource | undefined) ?? 'upload',
  sourceText: (r.source_text as string | null) ?? null,
  speechRate: r.speech_rate === null || r.speech_rate === undefined ? null : Number(r.speech_rate),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
  readyAt: r.ready_at ? new Date(r.ready_at as string) : null,
});

const toRendition = (r: Raw): RenditionRow => ({
  name: r.name as 'mp3' | 'opus',
  objectKey: r.object_key as string,
  format: r.format as string,
  codec: r.codec as string,
  mimeType: r.mime_type as string,
  bitrateKbps: Number(r.bitrate_kbps),
  channels: Number(r.channels),
  sampleRate: Number(r.sample_rate),
  durationSec: Number(r.duration_sec),
  sizeBytes: Number(r.size_bytes),
  sha256: r.sha256 as string,
  integratedLufs: Number(r.integrated_lufs),
  truePeakDbtp: Number(r.true_peak_dbtp),
});

/** What of the programmes a caller sees: its stations (a list scope), and whether the centre's library too. */
export interface EpisodeScope {
  stations: ListScope;
  library: boolean;
}

/**
 * The programmes of the caller's stations (made by them, or scheduled live for them), plus the centre's library
 * (made by no commune) when it reads that. 'true' when that is everything.
 */
function visibleWithin(within: EpisodeScope, params: unknown[]): string {
  const own = stationInScope(within.stations, 'episodes.station_id', params);
  if (own === 'true' && within.library) return 'true';
  const scheduled = stationInScope(within.stations, 'a.station_id', params);
  return `(${within.library ? 'episodes.station_id IS NULL OR ' : ''}(episodes.station_id IS NOT NULL AND ${own})
    OR EXISTS (SELECT 1 FROM airings a WHERE a.episode_id = episodes.id AND a.status = 'live' AND ${scheduled}))`;
}

export function episodesRepo(db: Queryable) {
  return {
    async insert(e: NewEpisode): Promise<EpisodeRow> {
      const r = await db.query<Raw>(
        `INSERT INTO episodes (id, title, series, language, description, status, original_key, original_filename,
           original_content_type, original_size_bytes, original_sha256, created_by, station_id, urgent, source, source_text,
           speech_rate)
         VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         RETURNING ${EPISODE_COLUMNS}`,
        [e.id, e.title, e.series, e.language, e.description, e.originalKey, e.originalFilename, e.originalContentType,
          e.originalSizeBytes, e.originalSha256, e.createdBy, e.stationId, e.urgent ?? false, e.source ?? 'upload',
          e.sourceText ?? null, e.speechRate ?? null],
      );
      return toEpisode(r.rows[0]!);
    },

    async get(id: string): Promise<EpisodeRow | null> {
      const r = await db.query<Raw>(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = $1`, [id]);
      return r.rows[0] ? toEpisode(r.rows[0]) : null;
    },

    /** `within`: what the caller may see (see `visibleWithin`). */
    async list(opts: { status?: EpisodeStatus; limit: number; offset: number; within?: EpisodeScope }): Promise<{ items: EpisodeRow[]; total: number }> {
      const params: unknown[] = [opts.limit, opts.offset];
      const conds: string[] = [];
      if (opts.status) {
        params.push(opts.status);
        conds.push(`status = $${params.length}`);
      }
      if (opts.within) {
        const cond = visibleWithin(opts.within, params);
        if (cond !== 'true') conds.push(cond);
      }
      const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
      const rows = await db.query<Raw>(
        `SELECT ${EPISODE_COLUMNS}, count(*) OVER () AS total FROM episodes ${where}
         ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`,
        params,
      );
      const total = rows.rows[0] ? Number(rows.rows[0].total) : 0;
      return { items: rows.rows.map(toEpisode), total };
    },

    /** Whether the caller may see this episode (see `visibleWithin`). */
    async visible(episodeId: string, within: EpisodeScope): Promise<boolean> {
      const params: unknown[] = [episodeId];
      const r = await db.query(`SELECT 1 FROM episodes WHERE id = $1 AND ${visibleWithin(within, params)}`, params);
      return r.rowCount > 0;
    },

    async renditions(episodeId: string): Promise<RenditionRow[]> {
      const r = await db.query<Raw>('SELECT * FROM renditions WHERE episode_id = $1 ORDER BY name', [episodeId]);
      return r.rows.map(toRendition);
    },

    async renditionsFor(episodeIds: string[]): Promise<Map<string, RenditionRow[]>> {
      const out = new Map<string, RenditionRow[]>();
      if (episodeIds.length === 0) return out;
      const r = await db.query<Raw>('SELECT * FROM renditions WHERE episode_id = ANY($1::uuid[]) ORDER BY name', [episodeIds]);
      for (const row of r.rows) {
        const id = row.episode_id as string;
        out.set(id, [...(out.get(id) ?? []), toRendition(row)]);
      }
      return out;
    },

    async setProgress(id: string, progress: number): Promise<void> {
      await db.query(`UPDATE episodes SET progress = $2, updated_at = now() WHERE id = $1 AND status = 'processing'`, [id, progress]);
    },

    /** Back to processing for another run (a re-queue); a ready episode stays ready. */
    async resetForRetry(id: string): Promise<boolean> {
      const r = await db.query(
        `UPDATE episodes SET status = 'processing', progress = 0, error_code = NULL, error_message = NULL, updated_at = now()
         WHERE id = $1 AND status <> 'ready'`,
        [id],
      );
      return r.rowCount > 0;
    },

    async markFailed(id: string, code: string, message: string): Promise<void> {
      await db.query(
        `UPDATE episodes SET status = 'failed', error_code = $2, error_message = $3, updated_at = now()
         WHERE id = $1 AND status = 'processing'`,
        [id, code, message],
      );
    },

    /** Episodes that should have a live job: processing and untouched for graceSec. */
    async processingSince(graceSec: number, limit = 500): Promise<{ id: string; urgent: boolean }[]> {
      const r = await db.query<{ id: string; urgent: boolean }>(
        `SELECT id, urgent FROM episodes WHERE status = 'processing' AND updated_at < now() - make_interval(secs => $1)
         ORDER BY urgent DESC, created_at LIMIT $2`,
        [graceSec, limit],
      );
      return r.rows.map((x) => ({ id: x.id, urgent: x.urgent === true }));
    },

    /** Marks a still-processing episode urgent; true if it changed (it was processing and not urgent yet). */
    async markUrgent(id: string): Promise<boolean> {
      const r = await db.query(`UPDATE episodes SET urgent = true WHERE id = $1 AND status = 'processing' AND NOT urgent`, [id]);
      return r.rowCount > 0;
    },
  };
}

/** Writes the renditions and flips the episode to ready in one transaction. */
export async function completeEpisode(tx: Queryable, id: string, durationSec: number, renditions: RenditionRow[]): Promise<void> {
  for (const x of renditions) {
    await tx.query(
      `INSERT INTO renditions (episode_id, name, object_key, format, codec, mime_type, bitrate_kbps, channels, sample_rate,
         duration_sec, size_bytes, sha256, integrated_lufs, true_peak_dbtp)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (episode_id, name) DO UPDATE SET object_key = EXCLUDED.object_key, format = EXCLUDED.format,
         codec = EXCLUDED.codec, mime_type = EXCLUDED.mime_type, bitrate_kbps = EXCLUDED.bitrate_kbps,
         channels = EXCLUDED.channels, sample_rate = EXCLUDED.sample_rate, duration_sec = EXCLUDED.duration_sec,
         size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, integrated_lufs = EXCLUDED.integrated_lufs,
         true_peak_dbtp = EXCLUDED.true_peak_dbtp`,
      [id, x.name, x.objectKey, x.format, x.codec, x.mimeType, x.bitrateKbps, x.channels, x.sampleRate, x.durationSec,
        x.sizeBytes, x.sha256, x.integratedLufs, x.truePeakDbtp],
    );
  }
  await tx.query(
    `UPDATE episodes SET status = 'ready', progress = 100, error_code = NULL, error_message = NULL, duration_sec = $2,
       ready_at = now(), updated_at = now() WHERE id = $1`,
    [id, durationSec],
  );
}

export type EpisodesRepo = ReturnType<typeof episodesRepo>;
