import type { ListScope } from '../domain/access/policy.js';
import { stationInScope } from './area-scope.js';
import type { AlertAiring, AlertDetails, AlertDevice, AlertEvent, AlertKind, AlertMiss, AlertStation, AlertToOpen, AlertToResolve, OpenAlert } from '../domain/alerts/index.js';
import type { Queryable } from './database.js';
import { insertMany } from './insert-many.js';

export interface AlertRow {
  id: string;
  kind: AlertKind;
  subject: string;
  stationId: string;
  stationCode: string;
  stationName: string;
  deviceId: string | null;
  deviceName: string | null;
  airingId: string | null;
  details: AlertDetails;
  openedAt: Date;
  resolvedAt: Date | null;
  notifiedAt: Date | null;
  resolvedNotifiedAt: Date | null;
}

export interface AlertFilter {
  status: 'open' | 'resolved' | 'all';
  kind?: AlertKind;
  stationId?: string;
  /** The caller's stations only. */
  scope?: ListScope;
  limit: number;
  offset: number;
}

type Raw = Record<string, unknown>;
const date = (v: unknown) => (v ? new Date(v as string) : null);
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

const ALERT_COLUMNS = `a.id, a.kind, a.subject, a.station_id, s.code AS station_code, s.name AS station_name, a.device_id,
  d.name AS device_name, a.airing_id, a.details, a.opened_at, a.resolved_at, a.notified_at, a.resolved_notified_at`;
const ALERT_FROM = 'alerts a JOIN stations s ON s.id = a.station_id LEFT JOIN devices d ON d.id = a.device_id';

const toAlert = (r: Raw): AlertRow => ({
  id: r.id as string,
  kind: r.kind as AlertKind,
  subject: r.subject as string,
  stationId: r.station_id as string,
  stationCode: r.station_code as string,
  stationName: r.station_name as string,
  deviceId: (r.device_id as string | null) ?? null,
  deviceName: (r.device_name as string | null) ?? null,
  airingId: (r.airing_id as string | null) ?? null,
  details: json<AlertDetails>(r.details),
  openedAt: new Date(r.opened_at as string),
  resolvedAt: date(r.resolved_at),
  notifiedAt: date(r.notified_at),
  resolvedNotifiedAt: date(r.resolved_notified_at),
});

/**
 * Alerts and the facts the alert rules judge. Every read is one set-based query over all stations: the tick runs
 * every minute for up to 10,000 stations, so nothing here is asked per device or per airing.
 */
export function alertsRepo(db: Queryable) {
  return {
    async openAlerts(): Promise<OpenAlert[]> {
      const r = await db.query<Raw>('SELECT id, kind, subject, station_id, device_id, airing_id FROM alerts WHERE resolved_at IS NULL');
      return r.rows.map((x) => ({
        id: x.id as string,
        kind: x.kind as AlertKind,
        subject: x.subject as string,
        stationId: x.station_id as string,
        deviceId: (x.device_id as string | null) ?? null,
        airingId: (x.airing_id as string | null) ?? null,
      }));
    },

    /**
     * Airings that may need an alert: live ones starting in (now, soonUntil], live unplayed ones that became missed
     * since missedSince, ones a device reported missed since missedSince, and those of open alerts.
     */
    async airingFacts(q: { now: Date; soonUntil: Date; missedBefore: Date; missedSince: Date; maxAiringMs: number }): Promise<AlertAiring[]> {
      const r = await db.query<Raw>(
        `WITH ids AS (
           SELECT a.id FROM airings a WHERE a.status = 'live' AND a.starts_at > $1 AND a.starts_at <= $2
           UNION
           -- starts_at bounds the scan to the index; no airing is longer than maxAiringMs.
           SELECT a.id FROM airings a
            WHERE a.status = 'live' AND a.starts_at >= $5 AND a.ends_at < $3 AND a.ends_at >= $4
              -- OFFSET 0 keeps these as index probes per candidate (plays_airing): turned into a join, they read every
              -- play ever reported, each minute.
              AND NOT EXISTS (SELECT 1 FROM plays p WHERE p.airing_id = a.id OFFSET 0)
           UNION
           SELECT m.airing_id FROM airing_misses m WHERE m.received_at >= $4 AND m.airing_id IS NOT NULL
           UNION
           SELECT airing_id FROM alerts WHERE resolved_at IS NULL AND airing_id IS NOT NULL
         )
         SELECT a.id, a.station_id, e.title, a.starts_at, a.ends_at, a.status, a.updated_at,
                EXISTS (SELECT 1 FROM plays p WHERE p.airing_id = a.id OFFSET 0) AS played
           FROM ids JOIN airings a ON a.id = ids.id JOIN episodes e ON e.id = a.episode_id`,
        [q.now, q.soonUntil, q.missedBefore, q.missedSince, new Date(q.missedSince.getTime() - q.maxAiringMs)],
      );
      if (r.rows.length === 0) return [];
      const m = await db.query<Raw>(
        `SELECT m.airing_id, m.device_id, d.name AS device_name, m.reason
           FROM airing_misses m LEFT JOIN devices d ON d.id = m.device_id
          WHERE m.airing_id = ANY($1::uuid[]) ORDER BY m.received_at, m.event_id`,
        [r.rows.map((x) => x.id)],
      );
      const misses = new Map<string, AlertMiss[]>();
      for (const x of m.rows) {
        const list = misses.get(x.airing_id as string) ?? [];
        // One line per device: a re-sent report under a new event id says nothing new.
        if (!list.some((l) => l.deviceId === x.device_id && l.reason === x.reason)) {
          list.push({ deviceId: (x.device_id as string | null) ?? null, deviceName: (x.device_name as string | null) ?? null, reason: x.reason as string });
        }
        misses.set(x.airing_id as string, list);
      }
      return r.rows.map((x) => ({
        id: x.id as string,
        stationId: x.station_id as string,
        title: x.title as string,
        startsAt: new Date(x.starts_at as string),
        endsAt: new Date(x.ends_at as string),
        status: x.status as AlertAiring['status'],
        changedAt: new Date(x.updated_at as string),
        played: Boolean(x.played),
        misses: misses.get(x.id as string) ?? [],
      }));
    },

    /**
     * Devices that may need an alert: active ones silent since before silentBefore, every active device of a station
     * with a live airing starting in (now, soonUntil], and the devices of open alerts (revoked or not). Of the latest
     * heartbeat only what the rules need comes back — for each of those soon airings, whether the device listed it
     * and said its file is ready — worked out in the database by jsonb containment, so the rest of the heartbeat
     * (most of its bytes) stays there.
     */
    async deviceFacts(q: { silentBefore: Date; now: Date; soonUntil: Date }): Promise<AlertDevice[]> {
      const r = await db.query<Raw>(
        `SELECT d.id, d.station_id, d.name, d.created_at, d.revoked_at, d.last_seen_at, d.health IS NOT NULL AS has_health
           FROM devices d JOIN stations s ON s.id = d.station_id
          WHERE (d.revoked_at IS NULL AND s.active AND coalesce(d.last_seen_at, d.created_at) < $1)
             OR (d.revoked_at IS NULL AND d.station_id IN (
                  SELECT a.station_id FROM airings a WHERE a.status = 'live' AND a.starts_at > $2 AND a.starts_at <= $3))
             OR d.id IN (SELECT device_id FROM alerts WHERE resolved_at IS NULL AND device_id IS NOT NULL)`,
        [q.silentBefore, q.now, q.soonUntil],
      );
      const files = await db.query<Raw>(
        `SELECT d.id AS device_id, a.id AS airing_id,
                coalesce(d.health->'upcoming' @> jsonb_build_array(jsonb_build_object('airingId', a.id::text)), false) AS listed,
                coalesce(d.health->'upcoming' @> jsonb_build_array(jsonb_build_object('airingId', a.id::text, 'fileReady', true)), false) AS ready
           FROM airings a JOIN devices d ON d.station_id = a.station_id AND d.revoked_at IS NULL
          WHERE a.status = 'live' AND a.starts_at > $1 AND a.starts_at <= $2 AND d.health IS NOT NULL`,
        [q.now, q.soonUntil],
      );
      const upcoming = new Map<string, { airingId: string; fileReady: boolean }[]>();
      for (const f of files.rows) {
        if (!f.listed) continue;
        const list = upcoming.get(f.device_id as string) ?? [];
        list.push({ airingId: f.airing_id as string, fileReady: Boolean(f.ready) });
        upcoming.set(f.device_id as string, list);
      }
      return r.rows.map((x) => ({
        id: x.id as string,
        stationId: x.station_id as string,
        name: x.name as string,
        createdAt: new Date(x.created_at as string),
        revokedAt: date(x.revoked_at),
        lastSeenAt: date(x.last_seen_at),
        upcoming: x.has_health ? (upcoming.get(x.id as string) ?? []) : null,
      }));
    },

    async stationFacts(ids: string[]): Promise<AlertStation[]> {
      if (ids.length === 0) return [];
      const r = await db.query<Raw>('SELECT id, code, name, timezone, active FROM stations WHERE id = ANY($1::uuid[])', [ids]);
      return r.rows.map((x) => ({ id: x.id as string, code: x.code as string, name: x.name as string, timezone: x.timezone as string, active: Boolean(x.active) }));
    },

    /** Opens alerts whose subject has none open; returns the ids actually opened (another tick may have won). */
    async open(alerts: readonly (AlertToOpen & { id: string })[], at: Date): Promise<string[]> {
      const rows = await insertMany<{ id: string }>(
        db,
        'alerts',
        ['id', 'kind', 'subject', 'station_id', 'device_id', 'airing_id', 'details', 'opened_at'],
        alerts.map((a) => [a.id, a.kind, a.subject, a.stationId, a.deviceId, a.airingId, JSON.stringify(a.details), at]),
        'ON CONFLICT (subject) WHERE resolved_at IS NULL DO NOTHING RETURNING id',
      );
      return rows.map((r) => r.id);
    },

    /** Resolves the still-open ones among these; returns the ids this call resolved. */
    async resolve(items: readonly AlertToResolve[], at: Date): Promise<string[]> {
      if (items.length === 0) return [];
      const r = await db.query<{ id: string }>(
        `UPDATE alerts SET resolved_at = $3, details = details || jsonb_build_object('resolution', x.reason)
           FROM unnest($1::uuid[], $2::text[]) AS x(id, reason)
          WHERE alerts.id = x.id AND alerts.resolved_at IS NULL
          RETURNING alerts.id`,
        [items.map((i) => i.id), items.map((i) => i.reason), at],
      );
      return r.rows.map((x) => x.id);
    },

    async get(id: string): Promise<AlertRow | null> {
      const r = await db.query<Raw>(`SELECT ${ALERT_COLUMNS} FROM ${ALERT_FROM} WHERE a.id = $1`, [id]);
      return r.rows[0] ? toAlert(r.rows[0]) : null;
    },

    /** Newest first; total counts the filter's matches, open the open ones under the same kind and station. */
    async list(f: AlertFilter): Promise<{ items: AlertRow[]; total: number; open: number }> {
      const params: unknown[] = [];
      const scope: string[] = [];
      if (f.kind) scope.push(`a.kind = $${params.push(f.kind)}`);
      if (f.stationId) scope.push(`a.station_id = $${params.push(f.stationId)}`);
      const within = stationInScope(f.scope, 'a.station_id', params);
      if (within !== 'true') scope.push(within);
      const statusCond = f.status === 'open' ? 'a.resolved_at IS NULL' : f.status === 'resolved' ? 'a.resolved_at IS NOT NULL' : 'true';
      const where = scope.length ? `WHERE ${scope.join(' AND ')}` : '';
      const counts = await db.query<Raw>(
        `SELECT count(*) FILTER (WHERE ${statusCond}) AS total, count(*) FILTER (WHERE a.resolved_at IS NULL) AS open FROM alerts a ${where}`,
        params,
      );
      const listWhere = `WHERE ${[...scope, statusCond].join(' AND ')}`;
      const r = await db.query<Raw>(
        `SELECT ${ALERT_COLUMNS} FROM ${ALERT_FROM} ${listWhere}
          ORDER BY coalesce(a.resolved_at, a.opened_at) DESC, a.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, f.limit, f.offset],
      );
      return { items: r.rows.map(toAlert), total: Number(counts.rows[0]?.total ?? 0), open: Number(counts.rows[0]?.open ?? 0) };
    },

    async markNotified(id: string, event: AlertEvent, at: Date): Promise<void> {
      const column = event === 'opened' ? 'notified_at' : 'resolved_notified_at';
      await db.query(`UPDATE alerts SET ${column} = coalesce(${column}, $2) WHERE id = $1`, [id, at]);
    },

    /** Events in [since, before) not yet delivered, oldest first. */
    async undelivered(since: Date, before: Date, limit: number): Promise<{ alertId: string; event: AlertEvent }[]> {
      const r = await db.query<Raw>(
        `SELECT id, event FROM (
           SELECT id, 'opened' AS event, opened_at AS at FROM alerts WHERE notified_at IS NULL AND opened_at >= $1 AND opened_at < $2
           UNION ALL
           SELECT id, 'resolved', resolved_at FROM alerts
            WHERE resolved_at IS NOT NULL AND resolved_notified_at IS NULL AND resolved_at >= $1 AND resolved_at < $2
         ) x ORDER BY at LIMIT $3`,
        [since, before, limit],
      );
      return r.rows.map((x) => ({ alertId: x.id as string, event: x.event as AlertEvent }));
    },
  };
}

export type AlertsRepo = ReturnType<typeof alertsRepo>;
