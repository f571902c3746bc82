import { isComplete, mergeSpans, type ByteSpan } from '../domain/delivery/ranges.js';
import type { Database } from './database.js';

export interface DeliveryRow {
  stationId: string;
  episodeId: string;
  rendition: string;
  sizeBytes: number;
  ranges: ByteSpan[];
  bytesServed: number;
  completedAt: Date | null;
}

/** Adds a span a station received; merges overlaps; marks the delivery complete once every byte arrived. */
export async function recordDeliverySpan(
  db: Database,
  key: { stationId: string; episodeId: string; rendition: string; sizeBytes: number },
  span: ByteSpan,
): Promise<DeliveryRow> {
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO deliveries (station_id, episode_id, rendition, size_bytes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (station_id, episode_id, rendition) DO NOTHING`,
      [key.stationId, key.episodeId, key.rendition, key.sizeBytes],
    );
    const r = await tx.query<{ ranges: ByteSpan[] | string; completed_at: string | null; bytes_served: number }>(
      'SELECT ranges, completed_at, bytes_served FROM deliveries WHERE station_id = $1 AND episode_id = $2 AND rendition = $3 FOR UPDATE',
      [key.stationId, key.episodeId, key.rendition],
    );
    const row = r.rows[0]!;
    const previous = typeof row.ranges === 'string' ? (JSON.parse(row.ranges) as ByteSpan[]) : row.ranges;
    const ranges = mergeSpans([...previous, span]);
    const complete = isComplete(ranges, key.sizeBytes);
    const u = await tx.query<{ completed_at: string | null; bytes_served: number }>(
      `UPDATE deliveries SET ranges = $4, bytes_served = bytes_served + $5, size_bytes = $6, updated_at = now(),
         completed_at = CASE WHEN completed_at IS NULL AND $7 THEN now() ELSE completed_at END
       WHERE station_id = $1 AND episode_id = $2 AND rendition = $3 RETURNING completed_at, bytes_served`,
      [key.stationId, key.episodeId, key.rendition, JSON.stringify(ranges), span.end - span.start + 1, key.sizeBytes, complete],
    );
    return {
      ...key,
      ranges,
      bytesServed: Number(u.rows[0]!.bytes_served),
      completedAt: u.rows[0]!.completed_at ? new Date(u.rows[0]!.completed_at) : null,
    };
  });
}

export async function stationDeliveries(db: Database, stationId: string): Promise<DeliveryRow[]> {
  const r = await db.query<Record<string, unknown>>('SELECT * FROM deliveries WHERE station_id = $1 ORDER BY updated_at DESC', [stationId]);
  return r.rows.map((x) => ({
    stationId: x.station_id as string,
    episodeId: x.episode_id as string,
    rendition: x.rendition as string,
    sizeBytes: Number(x.size_bytes),
    ranges: (typeof x.ranges === 'string' ? JSON.parse(x.ranges) : x.ranges) as ByteSpan[],
    bytesServed: Number(x.bytes_served),
    completedAt: x.completed_at ? new Date(x.completed_at as string) : null,
  }));
}
