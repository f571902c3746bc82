import type { MissedReport } from '../domain/tracking/missed-report.js';
import type { Queryable } from './database.js';
import { insertMany } from './insert-many.js';

export function missesRepo(db: Queryable) {
  return {
    /** Which of these airings are this station's (a device may only report its own commune's airings missed). */
    async stationAirings(stationId: string, airingIds: string[]): Promise<Set<string>> {
      if (airingIds.length === 0) return new Set();
      const r = await db.query<{ id: string }>('SELECT id FROM airings WHERE station_id = $1 AND id = ANY($2::uuid[])', [stationId, airingIds]);
      return new Set(r.rows.map((x) => x.id));
    },

    /** Stores what is new; returns the event ids stored now (the others were already there). */
    async insert(stationId: string, deviceId: string | null, misses: readonly MissedReport[]): Promise<Set<string>> {
      if (misses.length === 0) return new Set();
      const rows = await insertMany<{ event_id: string }>(
        db,
        'airing_misses',
        ['station_id', 'event_id', 'device_id', 'airing_id', 'episode_id', 'scheduled_at', 'reason'],
        misses.map((m) => [stationId, m.eventId, deviceId, m.airingId, m.episodeId, m.scheduledAt, m.reason]),
        'ON CONFLICT (station_id, event_id) DO NOTHING RETURNING event_id',
      );
      return new Set(rows.map((x) => x.event_id));
    },
  };
}
