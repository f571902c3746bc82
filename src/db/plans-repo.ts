import type { Priority } from '../domain/airtime/index.js';
import type { Queryable } from './database.js';
import { insertMany } from './insert-many.js';
import type { ListScope } from '../domain/access/policy.js';
import { stationInScope } from './area-scope.js';

export type PlanStatus = 'draft' | 'approved' | 'cancelled';
export type AiringStatus = 'draft' | 'live' | 'cancelled';

export interface PlanRow {
  id: string;
  episodeId: string;
  status: PlanStatus;
  priority: Priority;
  airingsPerStation: number;
  fromDate: string;
  toDate: string;
  minGapSec: number;
  allStations: boolean;
  createdBy: string | null;
  approvedBy: string | null;
  createdAt: Date;
  approvedAt: Date | null;
  cancelledAt: Date | null;
  /** The areas it was made for ("every commune under X"), for display; its stations are in plan_stations. */
  areas?: PlanAreaRef[];
}

export interface PlanAreaRef {
  id: string;
  name: string;
  code: string | null;
  kind: string;
}

export interface PlanStationRow {
  stationId: string;
  requested: number;
  placed: number;
  shortfallReason: string | null;
  shortfallMessage: string | null;
  shortfallMessageVi: string | null;
}

export interface AiringRow {
  id: string;
  planId: string;
  stationId: string;
  episodeId: string;
  startsAt: Date;
  endsAt: Date;
  priority: Priority;
  status: AiringStatus;
  slotIndex: number | null;
}

type Raw = Record<string, unknown>;
const d = (v: unknown) => (v ? new Date(v as string) : null);
// PGlite and node-postgres both hand back dates as Date; keep the calendar date as written.
const localDate = (v: unknown) => (v instanceof Date ? `${v.getUTCFullYear()}-${String(v.getUTCMonth() + 1).padStart(2, '0')}-${String(v.getUTCDate()).padStart(2, '0')}` : String(v).slice(0, 10));

export const toPlan = (r: Raw): PlanRow => ({
  id: r.id as string,
  episodeId: r.episode_id as string,
  status: r.status as PlanStatus,
  priority: r.priority as Priority,
  airingsPerStation: Number(r.airings_per_station),
  fromDate: localDate(r.from_date),
  toDate: localDate(r.to_date),
  minGapSec: Number(r.min_gap_sec),
  allStations: Boolean(r.all_stations),
  createdBy: (r.created_by as string | null) ?? null,
  approvedBy: (r.approved_by as string | null) ?? null,
  createdAt: new Date(r.created_at as string),
  approvedAt: d(r.approved_at),
  cancelledAt: d(r.cancelled_at),
  areas: r.areas === undefined ? undefined : ((typeof r.areas === 'string' ? JSON.parse(r.areas) : r.areas) as PlanAreaRef[] | null) ?? [],
});

const AREAS_OF_PLAN = `(SELECT json_agg(json_build_object('id', ar.id, 'name', ar.name, 'code', ar.code, 'kind', ar.kind) ORDER BY ar.path)
  FROM plan_areas pa JOIN areas ar ON ar.id = pa.area_id WHERE pa.plan_id = plans.id) AS areas`;

export const toAiring = (r: Raw): AiringRow => ({
  id: r.id as string,
  planId: r.plan_id as string,
  stationId: r.station_id as string,
  episodeId: r.episode_id as string,
  startsAt: new Date(r.starts_at as string),
  endsAt: new Date(r.ends_at as string),
  priority: r.priority as Priority,
  status: r.status as AiringStatus,
  slotIndex: r.slot_index === null || r.slot_index === undefined ? null : Number(r.slot_index),
});

const AIRING_COLUMNS = 'id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status, slot_index';

export function plansRepo(db: Queryable) {
  return {
    async insertPlan(p: Omit<PlanRow, 'createdAt' | 'approvedAt' | 'cancelledAt' | 'approvedBy' | 'status'> & { source: 'plan' | 'play_now' }): Promise<void> {
      await db.query(
        `INSERT INTO plans (id, episode_id, status, priority, airings_per_station, from_date, to_date, min_gap_sec, all_stations, created_by, source)
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10)`,
        [p.id, p.episodeId, p.priority, p.airingsPerStation, p.fromDate, p.toDate, p.minGapSec, p.allStations, p.createdBy, p.source],
      );
    },

    async insertPlanStation(planId: string, s: PlanStationRow): Promise<void> {
      await db.query(
        `INSERT INTO plan_stations (plan_id, station_id, requested, placed, shortfall_reason, shortfall_message, shortfall_message_vi)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [planId, s.stationId, s.requested, s.placed, s.shortfallReason, s.shortfallMessage, s.shortfallMessageVi],
      );
    },

    async insertAirings(rows: AiringRow[]): Promise<void> {
      await insertMany(
        db,
        'airings',
        AIRING_COLUMNS.split(', '),
        rows.map((a) => [a.id, a.planId, a.stationId, a.episodeId, a.startsAt, a.endsAt, a.priority, a.status, a.slotIndex]),
      );
    },

    async getPlan(id: string, forUpdate = false): Promise<PlanRow | null> {
      const r = await db.query<Raw>(`SELECT *, ${AREAS_OF_PLAN} FROM plans WHERE id = $1${forUpdate ? ' FOR UPDATE OF plans' : ''}`, [id]);
      return r.rows[0] ? toPlan(r.rows[0]) : null;
    },

    /** `scope`: only plans touching at least one of the caller's stations. */
    async listPlans(opts: { status?: PlanStatus; limit: number; offset: number; scope?: ListScope }): Promise<{ items: PlanRow[]; total: number }> {
      const params: unknown[] = [opts.limit, opts.offset];
      const conds: string[] = [];
      if (opts.status) conds.push(`status = $${params.push(opts.status)}`);
      const inScope = stationInScope(opts.scope, 'ps.station_id', params);
      if (inScope !== 'true') conds.push(`EXISTS (SELECT 1 FROM plan_stations ps WHERE ps.plan_id = plans.id AND ${inScope})`);
      const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
      const r = await db.query<Raw>(`SELECT *, ${AREAS_OF_PLAN}, count(*) OVER () AS total FROM plans ${where} ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, params);
      return { items: r.rows.map(toPlan), total: r.rows[0] ? Number(r.rows[0].total) : 0 };
    },

    /** Whether the plan touches at least one station of the scope. */
    async touches(planId: string, scope: ListScope): Promise<boolean> {
      const params: unknown[] = [planId];
      const cond = stationInScope(scope, 'ps.station_id', params);
      return (await db.query(`SELECT 1 FROM plan_stations ps WHERE ps.plan_id = $1 AND ${cond} LIMIT 1`, params)).rowCount > 0;
    },

    async insertPlanAreas(planId: string, areaIds: readonly string[]): Promise<void> {
      if (areaIds.length === 0) return;
      await db.query('INSERT INTO plan_areas (plan_id, area_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [planId, [...new Set(areaIds)]]);
    },

    /** Active stations at or below any of these area paths, and within the scope. */
    async activeStationsBelow(areaPaths: readonly string[] | null, scope?: ListScope): Promise<string[]> {
      const params: unknown[] = [];
      const conds = ['s.active', stationInScope(scope, 's.id', params)];
      if (areaPaths) conds.push(`s.area_id IN (SELECT ar.id FROM areas ar JOIN unnest($${params.push(areaPaths)}::text[]) AS below(path) ON starts_with(ar.path, below.path))`);
      const r = await db.query<{ id: string }>(`SELECT s.id FROM stations s WHERE ${conds.join(' AND ')} ORDER BY s.code`, params);
      return r.rows.map((x) => x.id);
    },

    /** `scope`: only the rows of the caller's stations (a commune reading a province-wide plan sees its own part). */
    async planStations(planId: string, scope?: ListScope): Promise<PlanStationRow[]> {
      const params: unknown[] = [planId];
      const cond = stationInScope(scope, 'station_id', params);
      const r = await db.query<Raw>(`SELECT * FROM plan_stations WHERE plan_id = $1 AND ${cond}`, params);
      return r.rows.map((x) => ({
        stationId: x.station_id as string,
        requested: Number(x.requested),
        placed: Number(x.placed),
        shortfallReason: (x.shortfall_reason as string | null) ?? null,
        shortfallMessage: (x.shortfall_message as string | null) ?? null,
        shortfallMessageVi: (x.shortfall_message_vi as string | null) ?? null,
      }));
    },

    async planAirings(planId: string): Promise<AiringRow[]> {
      const r = await db.query<Raw>(`SELECT ${AIRING_COLUMNS} FROM airings WHERE plan_id = $1 ORDER BY station_id, starts_at`, [planId]);
      return r.rows.map(toAiring);
    },

    async setPlanStatus(id: string, status: PlanStatus, by: string | null): Promise<void> {
      const extra = status === 'approved' ? ', approved_at = now(), approved_by = $3' : status === 'cancelled' ? ', cancelled_at = now()' : '';
      await db.query(`UPDATE plans SET status = $2${extra} WHERE id = $1`, status === 'approved' ? [id, status, by] : [id, status]);
    },

    /** Non-cancelled airings of these stations that touch [from, to). */
    async busy(stationIds: string[], from: Date, to: Date): Promise<AiringRow[]> {
      if (stationIds.length === 0) return [];
      const r = await db.query<Raw>(
        `SELECT ${AIRING_COLUMNS} FROM airings WHERE station_id = ANY($1::uuid[]) AND status <> 'cancelled' AND ends_at > $2 AND starts_at < $3`,
        [stationIds, from, to],
      );
      return r.rows.map(toAiring);
    },

    async getAiring(id: string, forUpdate = false): Promise<AiringRow | null> {
      const r = await db.query<Raw>(`SELECT ${AIRING_COLUMNS} FROM airings WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
      return r.rows[0] ? toAiring(r.rows[0]) : null;
    },

    /** A station's schedule, with each programme's title for people reading it. */
    async stationAirings(stationId: string, from: Date, to: Date, statuses: AiringStatus[]): Promise<(AiringRow & { title: string })[]> {
      const r = await db.query<Raw>(
        `SELECT a.id, a.plan_id, a.station_id, a.episode_id, a.starts_at, a.ends_at, a.priority, a.status, a.slot_index, e.title
           FROM airings a JOIN episodes e ON e.id = a.episode_id
          WHERE a.station_id = $1 AND a.status = ANY($4::text[]) AND a.ends_at > $2 AND a.starts_at < $3 ORDER BY a.starts_at`,
        [stationId, from, to, statuses],
      );
      return r.rows.map((x) => ({ ...toAiring(x), title: x.title as string }));
    },

    async setAiringStatus(ids: string[], status: AiringStatus): Promise<void> {
      if (ids.length === 0) return;
      await db.query('UPDATE airings SET status = $2, updated_at = now() WHERE id = ANY($1::uuid[])', [ids, status]);
    },

    /** `slotIndex`: the grid slot the airing now sits in (null: none, e.g. cut short by an emergency). */
    async setAiringTimes(id: string, startsAt: Date, endsAt: Date, slotIndex: number | null = null): Promise<void> {
      await db.query('UPDATE airings SET starts_at = $2, ends_at = $3, slot_index = $4, updated_at = now() WHERE id = $1', [id, startsAt, endsAt, slotIndex]);
    },
  };
}
