import type { Queryable } from './database.js';
import type { StationRow } from './stations-repo.js';

export interface DueStation {
  stationId: string;
  wantedVersion: string | null;
  deliveredVersion: string | null;
}

export function pushesRepo(db: Queryable) {
  return {
    /**
     * Stations with a webhook whose last delivered manifest may be out of date: never delivered, schedule changed
     * since (revision), or the delivered window has gone stale by itself.
     */
    async due(onlyIds?: string[]): Promise<DueStation[]> {
      const r = await db.query<{ id: string; wanted_version: string | null; delivered_version: string | null }>(
        `SELECT s.id, p.wanted_version, p.delivered_version FROM stations s LEFT JOIN pushes p ON p.station_id = s.id
          WHERE s.active AND s.webhook_url IS NOT NULL
            AND (p.station_id IS NULL OR p.delivered_rev IS DISTINCT FROM s.schedule_rev
                 OR p.next_change_at IS NULL OR p.next_change_at <= now())
            ${onlyIds ? 'AND s.id = ANY($1::uuid[])' : ''}
          ORDER BY s.code`,
        onlyIds ? [onlyIds] : [],
      );
      return r.rows.map((x) => ({ stationId: x.id, wantedVersion: x.wanted_version, deliveredVersion: x.delivered_version }));
    },

    async want(stationId: string, version: string): Promise<void> {
      await db.query(
        `INSERT INTO pushes (station_id, wanted_version, attempts) VALUES ($1, $2, 0)
         ON CONFLICT (station_id) DO UPDATE SET wanted_version = EXCLUDED.wanted_version, attempts = 0`,
        [stationId, version],
      );
    },

    /** The station already has this version: only remember the revision and when to look again. */
    async stillCurrent(stationId: string, rev: number, nextChangeAt: Date): Promise<void> {
      await db.query('UPDATE pushes SET delivered_rev = $2, next_change_at = $3 WHERE station_id = $1', [stationId, rev, nextChangeAt]);
    },

    async attempt(stationId: string, result: string, statusCode: number | null): Promise<void> {
      await db.query(
        `INSERT INTO pushes (station_id, attempts, last_attempt_at, last_result, last_status_code) VALUES ($1, 1, now(), $2, $3)
         ON CONFLICT (station_id) DO UPDATE SET attempts = pushes.attempts + 1, last_attempt_at = now(),
           last_result = EXCLUDED.last_result, last_status_code = EXCLUDED.last_status_code`,
        [stationId, result.slice(0, 500), statusCode],
      );
    },

    /** A successful attempt: recorded as the last attempt and as what the station now has, in one write. */
    async delivered(station: Pick<StationRow, 'id'>, version: string, rev: number, nextChangeAt: Date, statusCode: number): Promise<void> {
      await db.query(
        `UPDATE pushes SET attempts = attempts + 1, last_attempt_at = now(), last_result = 'ok', last_status_code = $5,
           delivered_version = $2, delivered_rev = $3, delivered_at = now(), next_change_at = $4 WHERE station_id = $1`,
        [station.id, version, rev, nextChangeAt, statusCode],
      );
    },
  };
}
