import type { ActivityCell, OwnProgrammeCell, Period, StationRef } from '../domain/tracking/index.js';
import type { Queryable } from './database.js';

export interface StatsQuery {
  period: Period;
  /** Restrict to these stations (an operator's own); all active stations otherwise. */
  stationIds?: string[];
  /** Only these series count toward rebroadcasts; every producer episode when absent. */
  series?: readonly string[];
  now: Date;
  missedGraceSec: number;
}

/**
 * The counting of `tallyActivity` (src/domain/tracking/tally.ts), done by the database: station × month (in the
 * station's zone) × episode. The month and period tests use the station's local time, like the domain rules.
 */
export function statsRepo(db: Queryable) {
  // The UTC range an index can use: wide enough for every zone (±14 h), then exact per station in SQL.
  const utcBounds = (p: Period) => [new Date(Date.parse(p.from) - 86_400_000), new Date(Date.parse(p.to) + 2 * 86_400_000)];

  return {
    async stations(stationIds?: string[]): Promise<StationRef[]> {
      const r = await db.query<{ id: string; code: string; name: string; timezone: string }>(
        `SELECT id, code, name, timezone FROM stations WHERE ${stationIds ? 'id = ANY($1::uuid[])' : 'active'} ORDER BY code`,
        stationIds ? [stationIds] : [],
      );
      return r.rows;
    },

    async activity(q: StatsQuery): Promise<ActivityCell[]> {
      const [lo, hi] = utcBounds(q.period);
      const params: unknown[] = [lo, hi, q.period.from, q.period.to, q.series ?? null, q.stationIds ?? null];
      const counted = `e.station_id IS NULL AND ($5::text[] IS NULL OR e.series = ANY($5::text[]))`;
      const stationFilter = `($6::uuid[] IS NULL OR s.id = ANY($6::uuid[]))`;
      const plays = await db.query<Record<string, unknown>>(
        `SELECT p.station_id, to_char(p.started_at AT TIME ZONE s.timezone, 'YYYY-MM') AS month, p.episode_id,
                -- An airing airs once, however many full plays were reported for it (mirrors tallyActivity).
                (count(DISTINCT p.airing_id) FILTER (WHERE p.kind = 'rebroadcast')
                  + count(*) FILTER (WHERE p.kind = 'rebroadcast' AND p.airing_id IS NULL))::int AS aired,
                count(DISTINCT p.airing_id) FILTER (WHERE p.kind = 'rebroadcast')::int AS on_schedule,
                count(*) FILTER (WHERE p.kind = 'rebroadcast' AND p.airing_id IS NULL)::int AS off_schedule,
                count(*) FILTER (WHERE p.kind = 'partial')::int AS partial
           FROM plays p JOIN stations s ON s.id = p.station_id JOIN episodes e ON e.id = p.episode_id
          WHERE p.started_at >= $1 AND p.started_at < $2
            AND (p.started_at AT TIME ZONE s.timezone)::date BETWEEN $3::date AND $4::date
            AND ${counted} AND ${stationFilter}
          GROUP BY 1, 2, 3`,
        params,
      );
      const airings = await db.query<Record<string, unknown>>(
        `SELECT a.station_id, to_char(a.starts_at AT TIME ZONE s.timezone, 'YYYY-MM') AS month, a.episode_id,
                count(*)::int AS scheduled,
                count(*) FILTER (WHERE a.ends_at + make_interval(secs => $8) < $7
                                   AND NOT EXISTS (SELECT 1 FROM plays m WHERE m.airing_id = a.id))::int AS missed
           FROM airings a JOIN stations s ON s.id = a.station_id JOIN episodes e ON e.id = a.episode_id
          WHERE a.status = 'live' AND a.starts_at >= $1 AND a.starts_at < $2
            AND (a.starts_at AT TIME ZONE s.timezone)::date BETWEEN $3::date AND $4::date
            AND ${counted} AND ${stationFilter}
          GROUP BY 1, 2, 3`,
        [...params, q.now, q.missedGraceSec],
      );
      const cells = new Map<string, ActivityCell>();
      const cell = (x: Record<string, unknown>) => {
        const key = `${x.station_id}|${x.month}|${x.episode_id}`;
        const c = cells.get(key) ?? {
          stationId: x.station_id as string,
          month: x.month as string,
          episodeId: x.episode_id as string,
          scheduled: 0,
          aired: 0,
          onSchedule: 0,
          offSchedule: 0,
          partial: 0,
          missed: 0,
        };
        cells.set(key, c);
        return c;
      };
      for (const x of plays.rows) {
        const c = cell(x);
        cells.set(`${x.station_id}|${x.month}|${x.episode_id}`, {
          ...c,
          aired: Number(x.aired),
          onSchedule: Number(x.on_schedule),
          offSchedule: Number(x.off_schedule),
          partial: Number(x.partial),
        });
      }
      for (const x of airings.rows) {
        const c = cell(x);
        cells.set(`${x.station_id}|${x.month}|${x.episode_id}`, { ...c, scheduled: Number(x.scheduled), missed: Number(x.missed) });
      }
      return [...cells.values()];
    },

    /** Own programmes: distinct ready episodes a commune uploaded, by upload month in its zone. */
    async ownProgrammes(q: StatsQuery): Promise<OwnProgrammeCell[]> {
      const [lo, hi] = utcBounds(q.period);
      const r = await db.query<{ station_id: string; month: string; n: number }>(
        `SELECT e.station_id, to_char(e.created_at AT TIME ZONE s.timezone, 'YYYY-MM') AS month, count(DISTINCT e.id)::int AS n
           FROM episodes e JOIN stations s ON s.id = e.station_id
          WHERE e.status = 'ready' AND e.created_at >= $1 AND e.created_at < $2
            AND (e.created_at AT TIME ZONE s.timezone)::date BETWEEN $3::date AND $4::date
            AND ($5::uuid[] IS NULL OR s.id = ANY($5::uuid[]))
          GROUP BY 1, 2`,
        [lo, hi, q.period.from, q.period.to, q.stationIds ?? null],
      );
      return r.rows.map((x) => ({ stationId: x.station_id, month: x.month, ownProgrammes: Number(x.n) }));
    },
  };
}
