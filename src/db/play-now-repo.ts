import type { Queryable } from './database.js';
import type { ListScope } from '../domain/access/policy.js';
import { stationInScope } from './area-scope.js';

export interface PlayNowRow {
  id: string;
  episodeId: string;
  title: string;
  createdAt: Date;
  approvedAt: Date | null;
  stoppedAt: Date | null;
  startsAt: Date | null;
  endsAt: Date | null;
  stations: number;
}

export interface PlayNowStationRow {
  stationId: string;
  code: string;
  name: string;
  airingId: string;
  startsAt: Date;
  endsAt: Date;
}

type Raw = Record<string, unknown>;
const date = (v: unknown) => (v ? new Date(v as string) : null);
const toRow = (r: Raw): PlayNowRow => ({
  id: r.id as string,
  episodeId: r.episode_id as string,
  title: r.title as string,
  createdAt: new Date(r.created_at as string),
  approvedAt: date(r.approved_at),
  stoppedAt: date(r.stopped_at),
  startsAt: date(r.starts_at),
  endsAt: date(r.ends_at),
  stations: Number(r.stations ?? 0),
});

const SELECT = `SELECT p.id, p.episode_id, e.title, p.created_at, p.approved_at, p.stopped_at,
         min(a.starts_at) AS starts_at, max(a.ends_at) AS ends_at, count(a.id) AS stations
    FROM plans p JOIN episodes e ON e.id = p.episode_id
    LEFT JOIN airings a ON a.plan_id = p.id AND a.status = 'live'
   WHERE p.source = 'play_now' AND p.status = 'approved'`;

/** "Play now" actions: emergency plans made and approved in one step (plans.source = 'play_now'). */
export function playNowRepo(db: Queryable) {
  return {
    /** `scope`: only those that reached at least one of the caller's stations. */
    async list(limit: number, scope?: ListScope): Promise<PlayNowRow[]> {
      const params: unknown[] = [limit];
      const cond = stationInScope(scope, 'ps.station_id', params);
      const within = cond === 'true' ? '' : ` AND EXISTS (SELECT 1 FROM plan_stations ps WHERE ps.plan_id = p.id AND ${cond})`;
      const r = await db.query<Raw>(`${SELECT}${within} GROUP BY p.id, e.title ORDER BY p.created_at DESC, p.id LIMIT $1`, params);
      return r.rows.map(toRow);
    },

    async get(id: string, forUpdate = false): Promise<PlayNowRow | null> {
      if (forUpdate) await db.query(`SELECT 1 FROM plans WHERE id = $1 FOR UPDATE`, [id]);
      const r = await db.query<Raw>(`${SELECT} AND p.id = $1 GROUP BY p.id, e.title`, [id]);
      return r.rows[0] ? toRow(r.rows[0]) : null;
    },

    async stations(id: string): Promise<PlayNowStationRow[]> {
      const r = await db.query<Raw>(
        `SELECT a.station_id, s.code, s.name, a.id AS airing_id, a.starts_at, a.ends_at
           FROM airings a JOIN stations s ON s.id = a.station_id
          WHERE a.plan_id = $1 AND a.status = 'live' ORDER BY s.code`,
        [id],
      );
      return r.rows.map((x) => ({
        stationId: x.station_id as string,
        code: x.code as string,
        name: x.name as string,
        airingId: x.airing_id as string,
        startsAt: new Date(x.starts_at as string),
        endsAt: new Date(x.ends_at as string),
      }));
    },

    /**
     * Ends the plan's airings that are still on air at `at`. They are cut short rather than cancelled, so the record
     * keeps what aired (a partial play matches the shortened airing).
     */
    async stop(id: string, at: Date): Promise<Array<{ airingId: string; stationId: string }>> {
      const r = await db.query<{ id: string; station_id: string }>(
        `UPDATE airings SET ends_at = GREATEST($2::timestamptz, starts_at + interval '1 millisecond'), updated_at = now()
          WHERE plan_id = $1 AND status = 'live' AND ends_at > $2 RETURNING id, station_id`,
        [id, at],
      );
      await db.query('UPDATE plans SET stopped_at = $2 WHERE id = $1 AND stopped_at IS NULL', [id, at]);
      return r.rows.map((x) => ({ airingId: x.id, stationId: x.station_id }));
    },
  };
}
