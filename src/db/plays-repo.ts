import type { AiringWindow, SentEpisode, ValidPlay, PlayKind } from '../domain/tracking/index.js';
import type { Queryable } from './database.js';
import { insertMany } from './insert-many.js';

export interface PlayRow extends ValidPlay {
  stationId: string;
  /** The device that reported it; null for manual marks. */
  deviceId: string | null;
  airingId: string | null;
  kind: PlayKind;
  /** A further full play of an airing that already aired. */
  repeat: boolean;
}

export function playsRepo(db: Queryable) {
  return {
    /** Episodes this station may report: ones it was sent (a live airing) and its own programmes. */
    async sentEpisodes(stationId: string, episodeIds: string[]): Promise<Map<string, SentEpisode>> {
      if (episodeIds.length === 0) return new Map();
      // An episode exists from its upload, or from its first airing where history was loaded with earlier dates.
      const r = await db.query<{ id: string; duration_sec: number | null; existed_from: string | Date }>(
        `SELECT e.id, e.duration_sec,
                LEAST(e.created_at, (SELECT min(a.starts_at) FROM airings a WHERE a.episode_id = e.id)) AS existed_from
           FROM episodes e
          WHERE e.id = ANY($2::uuid[])
            AND (e.station_id = $1 OR EXISTS (SELECT 1 FROM airings a WHERE a.episode_id = e.id AND a.station_id = $1 AND a.status = 'live'))`,
        [stationId, episodeIds],
      );
      return new Map(
        r.rows.map((x) => [x.id, { durationSec: x.duration_sec === null ? null : Number(x.duration_sec), existedFrom: new Date(x.existed_from) }]),
      );
    },

    /** Live airings of these episodes at the station that a play starting in [from, to] could match. */
    async candidateAirings(stationId: string, episodeIds: string[], from: Date, to: Date): Promise<AiringWindow[]> {
      if (episodeIds.length === 0) return [];
      const r = await db.query<{ id: string; episode_id: string; starts_at: string; ends_at: string }>(
        `SELECT id, episode_id, starts_at, ends_at FROM airings
          WHERE station_id = $1 AND status = 'live' AND episode_id = ANY($2::uuid[]) AND ends_at >= $3 AND starts_at <= $4`,
        [stationId, episodeIds, from, to],
      );
      return r.rows.map((x) => ({ id: x.id, episodeId: x.episode_id, startsAt: new Date(x.starts_at), endsAt: new Date(x.ends_at) }));
    },

    /** Inserts what is new; returns the event ids that were stored now (the rest were already there). */
    async insert(rows: PlayRow[]): Promise<Set<string>> {
      const stored = await insertMany<{ event_id: string }>(
        db,
        'plays',
        ['station_id', 'event_id', 'device_id', 'episode_id', 'airing_id', 'started_at', 'duration_sec', 'source', 'kind', 'repeat'],
        rows.map((p) => [p.stationId, p.eventId, p.deviceId, p.episodeId, p.airingId, p.startedAt, p.durationSec, p.source, p.kind, p.repeat]),
        'ON CONFLICT (station_id, event_id) DO NOTHING RETURNING event_id',
      );
      return new Set(stored.map((x) => x.event_id));
    },

    /** Airings among these that already have a counted full play. */
    async airedAirings(airingIds: string[]): Promise<Set<string>> {
      if (airingIds.length === 0) return new Set();
      const r = await db.query<{ airing_id: string }>(
        `SELECT DISTINCT airing_id FROM plays WHERE airing_id = ANY($1::uuid[]) AND kind = 'rebroadcast' AND NOT repeat`,
        [airingIds],
      );
      return new Set(r.rows.map((x) => x.airing_id));
    },

    /** The play that counts as the airing's broadcast (the first full one), if any. */
    async airingPlay(airingId: string): Promise<{ eventId: string; startedAt: Date; source: string } | null> {
      const r = await db.query<{ event_id: string; started_at: string | Date; source: string }>(
        `SELECT event_id, started_at, source FROM plays WHERE airing_id = $1 AND kind = 'rebroadcast' AND NOT repeat ORDER BY started_at, event_id LIMIT 1`,
        [airingId],
      );
      const x = r.rows[0];
      return x ? { eventId: x.event_id, startedAt: new Date(x.started_at), source: x.source } : null;
    },

    /** Serialises one station's reports, so two batches cannot both count the same airing. */
    async lockStation(stationId: string): Promise<void> {
      await db.query('SELECT 1 FROM stations WHERE id = $1 FOR UPDATE', [stationId]);
    },

    async forStation(stationId: string, from: Date, to: Date): Promise<PlayRow[]> {
      const r = await db.query<Record<string, unknown>>(
        `SELECT * FROM plays WHERE station_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at`,
        [stationId, from, to],
      );
      return r.rows.map((x) => ({
        stationId: x.station_id as string,
        deviceId: (x.device_id as string | null) ?? null,
        eventId: x.event_id as string,
        episodeId: x.episode_id as string,
        airingId: (x.airing_id as string | null) ?? null,
        startedAt: new Date(x.started_at as string),
        durationSec: Number(x.duration_sec),
        source: x.source as 'auto' | 'manual',
        kind: x.kind as PlayKind,
        repeat: Boolean(x.repeat),
      }));
    },
  };
}
