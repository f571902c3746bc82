import { monthsInPeriod, type ActivityCell, type AreaRef, type OwnProgrammeCell, type Period, type StationRef } from '../domain/tracking/index.js';
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
      const r = await db.query<{ id: string; code: string; name: string; timezone: string; created_at: Date | string }>(
        `SELECT id, code, name, timezone, created_at FROM stations WHERE ${stationIds ? 'id = ANY($1::uuid[])' : 'active'} ORDER BY code`,
        stationIds ? [stationIds] : [],
      );
      return r.rows.map((x) => ({ id: x.id, code: x.code, name: x.name, timezone: x.timezone, activeFrom: new Date(x.created_at) }));
    },

    /** Active stations at or below an area (a provincial or commune report's stations). */
    async stationIdsWithin(areaPath: string): Promise<string[]> {
      const r = await db.query<{ id: string }>('SELECT s.id FROM stations s JOIN areas a ON a.id = s.area_id WHERE s.active AND starts_with(a.path, $1) ORDER BY s.code', [areaPath]);
      return r.rows.map((x) => x.id);
    },

    /** Where each station sits, and every area on the way up to the root: what the report rolls up by. */
    async areasOf(stationIds: readonly string[]): Promise<{ stationAreaPath: Map<string, string>; areas: AreaRef[] }> {
      if (stationIds.length === 0) return { stationAreaPath: new Map(), areas: [] };
      const places = await db.query<{ id: string; path: string }>('SELECT s.id, a.path FROM stations s JOIN areas a ON a.id = s.area_id WHERE s.id = ANY($1::uuid[])', [[...stationIds]]);
      const ids = [...new Set(places.rows.flatMap((x) => x.path.split('/').filter(Boolean)))];
      const areas = await db.query<{ id: string; parent_id: string | null; kind: string; name: string; code: string | null; path: string }>(
        'SELECT id, parent_id, kind, name, code, path FROM areas WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return {
        stationAreaPath: new Map(places.rows.map((x) => [x.id, x.path])),
        areas: areas.rows.map((a) => ({ id: a.id, parentId: a.parent_id, kind: a.kind, name: a.name, code: a.code, path: a.path })),
      };
    },

    /**
     * Counts per station × local month (× episode when perEpisode). Each station's month bounds are computed once
     * (local midnight in its zone) and plays are found by (station, time) range: no per-row zone conversion.
     */
    async activity(q: StatsQuery & { perEpisode: boolean }): Promise<ActivityCell[]> {
      const windows = localMonthBounds(q.period);
      const params: unknown[] = [
        windows.map((w) => w.month),
        windows.map((w) => w.from),
        windows.map((w) => w.to),
        q.series ?? null,
        q.stationIds ?? null,
      ];
      const monthsOfStations = `
        WITH sm AS MATERIALIZED (
          SELECT s.id AS station_id, m.month, m.d0::timestamp AT TIME ZONE s.timezone AS lo, m.d1::timestamp AT TIME ZONE s.timezone AS hi
            FROM stations s CROSS JOIN unnest($1::text[], $2::text[], $3::text[]) AS m(month, d0, d1)
           WHERE ($5::uuid[] IS NULL OR s.id = ANY($5::uuid[])) AND ($5::uuid[] IS NOT NULL OR s.active))`;
      const counted = `e.station_id IS NULL AND ($4::text[] IS NULL OR e.series = ANY($4::text[]))`;
      // Without the per-episode breakdown the report gets one row per station and month instead of tens of thousands.
      const byEpisode = (col: string) => (q.perEpisode ? col : 'NULL::uuid');
      const groupBy = q.perEpisode ? 'GROUP BY 1, 2, 3' : 'GROUP BY 1, 2';
      // Episodes are filtered after grouping: a few hundred distinct episodes, not every play, meet the join.
      const playsQuery = db.query<Record<string, unknown>>(
        `${monthsOfStations}
         SELECT g.station_id, g.month, ${byEpisode('g.episode_id')} AS episode_id, sum(g.aired)::int AS aired, sum(g.on_schedule)::int AS on_schedule,
                sum(g.off_schedule)::int AS off_schedule, sum(g.partial)::int AS partial
           FROM (SELECT sm.station_id, sm.month, p.episode_id,
                        -- An airing airs once: repeats of an aired airing are flagged at ingestion (mirrors tallyActivity).
                        count(*) FILTER (WHERE p.kind = 'rebroadcast' AND NOT p.repeat) AS aired,
                        count(*) FILTER (WHERE p.kind = 'rebroadcast' AND NOT p.repeat AND p.airing_id IS NOT NULL) AS on_schedule,
                        count(*) FILTER (WHERE p.kind = 'rebroadcast' AND p.airing_id IS NULL) AS off_schedule,
                        count(*) FILTER (WHERE p.kind = 'partial') AS partial
                   FROM sm JOIN plays p ON p.station_id = sm.station_id AND p.started_at >= sm.lo AND p.started_at < sm.hi
                  GROUP BY 1, 2, 3) g
           JOIN episodes e ON e.id = g.episode_id
          WHERE ${counted}
          ${groupBy}`,
        params,
      );
      const airingsQuery = db.query<Record<string, unknown>>(
        `${monthsOfStations}
         SELECT sm.station_id, sm.month, ${byEpisode('a.episode_id')} AS episode_id,
                count(*)::int AS scheduled,
                count(*) FILTER (WHERE a.ends_at + make_interval(secs => $7) < $6
                                   AND NOT EXISTS (SELECT 1 FROM plays m WHERE m.airing_id = a.id))::int AS missed
           FROM sm JOIN airings a ON a.station_id = sm.station_id AND a.status = 'live' AND a.starts_at >= sm.lo AND a.starts_at < sm.hi
           JOIN episodes e ON e.id = a.episode_id
          WHERE ${counted}
          ${groupBy}`,
        [...params, q.now, q.missedGraceSec],
      );
      // Two independent scans: on a pool they run side by side.
      const [plays, airings] = await Promise.all([playsQuery, airingsQuery]);
      const cells = new Map<string, { -readonly [K in keyof ActivityCell]: ActivityCell[K] }>();
      const cell = (x: Record<string, unknown>) => {
        const key = `${x.station_id}|${x.month}|${x.episode_id}`;
        let c = cells.get(key);
        if (!c) {
          c = { stationId: x.station_id as string, month: x.month as string, episodeId: (x.episode_id as string | null) ?? '', scheduled: 0, aired: 0, onSchedule: 0, offSchedule: 0, partial: 0, missed: 0 };
          cells.set(key, c);
        }
        return c;
      };
      for (const x of plays.rows) {
        const c = cell(x);
        c.aired = Number(x.aired);
        c.onSchedule = Number(x.on_schedule);
        c.offSchedule = Number(x.off_schedule);
        c.partial = Number(x.partial);
      }
      for (const x of airings.rows) {
        const c = cell(x);
        c.scheduled = Number(x.scheduled);
        c.missed = Number(x.missed);
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

/** Each month of the period as local calendar bounds [from, to), clipped to the period. */
function localMonthBounds(period: Period): { month: string; from: string; to: string }[] {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return monthsInPeriod(period).map((month) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const start = `${month}-01`;
    const end = nextDay(period.to);
    return { month, from: start > period.from ? start : period.from, to: nextMonth < end ? nextMonth : end };
  });
}
