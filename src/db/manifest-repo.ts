import type { Priority } from '../domain/airtime/index.js';
import type { Queryable } from './database.js';

export interface ManifestAiringRow {
  id: string;
  episodeId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  priority: Priority;
  rendition: 'mp3' | 'opus';
  format: string;
  sizeBytes: number;
  sha256: string;
  durationSec: number;
}

export interface ManifestWindow {
  airings: ManifestAiringRow[];
  /** The first live airing that starts after the window: when it enters, the manifest changes. */
  nextStartAfter: Date | null;
}

/** A station's live airings in [from, to), each with the rendition it takes (its preference, else mp3). */
export async function manifestWindow(db: Queryable, stationId: string, preferred: 'mp3' | 'opus', from: Date, to: Date): Promise<ManifestWindow> {
  // One round trip, prepared (every device reads its manifest after an emergency): the next start after the window,
  // and (lateral) the window's airings; no airing leaves one row of nulls.
  const r = await db.query<Record<string, unknown>>(
    `SELECT n.next_start, w.*
       FROM (SELECT min(starts_at) AS next_start FROM airings WHERE station_id = $1 AND status = 'live' AND starts_at >= $4) n
       LEFT JOIN LATERAL (
         SELECT a.id, a.episode_id, e.title, a.starts_at, a.ends_at, a.priority,
                r.name AS rendition, r.format, r.size_bytes, r.sha256, r.duration_sec
           FROM airings a
           JOIN episodes e ON e.id = a.episode_id
           JOIN LATERAL (SELECT * FROM renditions x WHERE x.episode_id = a.episode_id ORDER BY (x.name = $2) DESC, x.name LIMIT 1) r ON true
          WHERE a.station_id = $1 AND a.status = 'live' AND a.ends_at > $3 AND a.starts_at < $4
       ) w ON true
      ORDER BY w.starts_at, w.id`,
    [stationId, preferred, from, to],
    { prepare: 'manifest-window' },
  );
  const nextStart = r.rows[0]?.next_start;
  return {
    nextStartAfter: nextStart ? new Date(nextStart as string) : null,
    airings: r.rows
      .filter((x) => x.id !== null && x.id !== undefined)
      .map((x) => ({
        id: x.id as string,
        episodeId: x.episode_id as string,
        title: x.title as string,
        startsAt: new Date(x.starts_at as string),
        endsAt: new Date(x.ends_at as string),
        priority: x.priority as Priority,
        rendition: x.rendition as 'mp3' | 'opus',
        format: x.format as string,
        sizeBytes: Number(x.size_bytes),
        sha256: x.sha256 as string,
        durationSec: Number(x.duration_sec),
      })),
  };
}

/** Whether this station was ever given this episode (a live or past airing): only then may it download it. */
export async function episodeSentToStation(db: Queryable, stationId: string, episodeId: string): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM airings WHERE station_id = $1 AND episode_id = $2 AND status = 'live' LIMIT 1`, [stationId, episodeId]);
  return r.rowCount > 0;
}
