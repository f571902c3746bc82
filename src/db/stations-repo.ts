import type { Grid } from '../domain/airtime/index.js';
import { updateSet } from './update-set.js';
import type { Queryable } from './database.js';

export interface StationRow {
  id: string;
  code: string;
  name: string;
  timezone: string;
  grid: Grid;
  webhookUrl: string | null;
  webhookSecret: string;
  rendition: 'mp3' | 'opus';
  active: boolean;
  /** The commune area it belongs to (the root for stations from before areas). */
  areaId: string;
  scheduleRev: number;
  lastContactAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PushRow {
  wantedVersion: string | null;
  attempts: number;
  lastAttemptAt: Date | null;
  lastResult: string | null;
  lastStatusCode: number | null;
  deliveredVersion: string | null;
  deliveredRev: number | null;
  deliveredAt: Date | null;
}

type Raw = Record<string, unknown>;
const date = (v: unknown) => (v ? new Date(v as string) : null);

const toStation = (r: Raw): StationRow => ({
  id: r.id as string,
  code: r.code as string,
  name: r.name as string,
  timezone: r.timezone as string,
  grid: (typeof r.grid === 'string' ? JSON.parse(r.grid) : r.grid) as Grid,
  webhookUrl: (r.webhook_url as string | null) ?? null,
  webhookSecret: r.webhook_secret as string,
  rendition: r.rendition as 'mp3' | 'opus',
  active: Boolean(r.active),
  areaId: r.area_id as string,
  scheduleRev: Number(r.schedule_rev),
  lastContactAt: date(r.last_contact_at),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

const toPush = (r: Raw): PushRow | null =>
  r.push_station_id
    ? {
        wantedVersion: (r.wanted_version as string | null) ?? null,
        attempts: Number(r.attempts ?? 0),
        lastAttemptAt: date(r.last_attempt_at),
        lastResult: (r.last_result as string | null) ?? null,
        lastStatusCode: r.last_status_code === null || r.last_status_code === undefined ? null : Number(r.last_status_code),
        deliveredVersion: (r.delivered_version as string | null) ?? null,
        deliveredRev: r.delivered_rev === null || r.delivered_rev === undefined ? null : Number(r.delivered_rev),
        deliveredAt: date(r.delivered_at),
      }
    : null;

const COLUMNS = `s.id, s.code, s.name, s.timezone, s.grid, s.webhook_url, s.webhook_secret, s.rendition, s.active, s.area_id, s.schedule_rev,
  s.last_contact_at, s.created_at, s.updated_at`;
const PUSH_COLUMNS = `p.station_id AS push_station_id, p.wanted_version, p.attempts, p.last_attempt_at, p.last_result,
  p.last_status_code, p.delivered_version, p.delivered_rev, p.delivered_at`;

export function stationsRepo(db: Queryable) {
  return {
    async insert(s: { id: string; code: string; name: string; timezone: string; grid: Grid; webhookUrl: string | null; webhookSecret: string; rendition: 'mp3' | 'opus'; areaId: string }): Promise<StationRow> {
      const r = await db.query<Raw>(
        `INSERT INTO stations AS s (id, code, name, timezone, grid, webhook_url, webhook_secret, rendition, area_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [s.id, s.code, s.name, s.timezone, JSON.stringify(s.grid), s.webhookUrl, s.webhookSecret, s.rendition, s.areaId],
      );
      return toStation(r.rows[0]!);
    },

    async get(id: string): Promise<(StationRow & { push: PushRow | null }) | null> {
      const r = await db.query<Raw>(`SELECT ${COLUMNS}, ${PUSH_COLUMNS} FROM stations s LEFT JOIN pushes p ON p.station_id = s.id WHERE s.id = $1`, [id]);
      return r.rows[0] ? { ...toStation(r.rows[0]), push: toPush(r.rows[0]) } : null;
    },

    async codeTaken(code: string): Promise<boolean> {
      return (await db.query('SELECT 1 FROM stations WHERE code = $1', [code])).rowCount > 0;
    },

    /** `within`: only stations in areas at or below this path (the caller's scope). */
    async list(opts: { active?: boolean; within?: string | null; onlyStation?: string | null; limit: number; offset: number }): Promise<{ items: (StationRow & { push: PushRow | null })[]; total: number }> {
      const params: unknown[] = [opts.limit, opts.offset];
      const conds: string[] = [];
      // A person tied to one station lists that station only.
      if (opts.onlyStation) conds.push(`s.id = $${params.push(opts.onlyStation)}::uuid`);
      if (opts.active !== undefined) {
        params.push(opts.active);
        conds.push(`s.active = $${params.length}`);
      }
      if (opts.within) {
        params.push(opts.within);
        conds.push(`s.area_id IN (SELECT id FROM areas WHERE left(path, length($${params.length}::text)) = $${params.length})`);
      }
      const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
      const r = await db.query<Raw>(
        `SELECT ${COLUMNS}, ${PUSH_COLUMNS}, count(*) OVER () AS total FROM stations s LEFT JOIN pushes p ON p.station_id = s.id
         ${where} ORDER BY s.code LIMIT $1 OFFSET $2`,
        params,
      );
      return { items: r.rows.map((x) => ({ ...toStation(x), push: toPush(x) })), total: r.rows[0] ? Number(r.rows[0].total) : 0 };
    },

    async activeIds(): Promise<string[]> {
      return (await db.query<{ id: string }>('SELECT id FROM stations WHERE active ORDER BY code')).rows.map((r) => r.id);
    },

    async byIds(ids: string[]): Promise<StationRow[]> {
      if (ids.length === 0) return [];
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM stations s WHERE s.id = ANY($1::uuid[]) ORDER BY s.code`, [ids]);
      return r.rows.map(toStation);
    },

    /** Locks the stations' rows for the rest of the transaction: allocations for one station never interleave. */
    async lockForScheduling(ids: string[]): Promise<StationRow[]> {
      if (ids.length === 0) return [];
      const r = await db.query<Raw>(`SELECT ${COLUMNS} FROM stations s WHERE s.id = ANY($1::uuid[]) ORDER BY s.id FOR UPDATE`, [ids]);
      return r.rows.map(toStation);
    },

    async update(id: string, patch: Partial<{ name: string; grid: Grid; webhookUrl: string | null; rendition: 'mp3' | 'opus'; timezone: string; areaId: string }>): Promise<void> {
      const { set, params } = updateSet(
        id,
        {
          name: patch.name,
          grid: patch.grid === undefined ? undefined : JSON.stringify(patch.grid),
          webhook_url: patch.webhookUrl,
          rendition: patch.rendition,
          timezone: patch.timezone,
          area_id: patch.areaId,
        },
        ['schedule_rev = schedule_rev + 1', 'updated_at = now()'],
      );
      await db.query(`UPDATE stations SET ${set} WHERE id = $1`, params);
    },

    async deactivate(id: string): Promise<void> {
      await db.query('UPDATE stations SET active = false, schedule_rev = schedule_rev + 1, updated_at = now() WHERE id = $1', [id]);
    },

    async setWebhookSecret(id: string, secret: string): Promise<void> {
      await db.query('UPDATE stations SET webhook_secret = $2, updated_at = now() WHERE id = $1', [id, secret]);
    },

    /** The active station and active device holding this device token. */
    async byDeviceTokenHash(tokenHash: string): Promise<{ station: StationRow; deviceId: string; deviceName: string } | null> {
      const r = await db.query<Raw>(
        `SELECT ${COLUMNS}, d.id AS device_id, d.name AS device_name FROM devices d JOIN stations s ON s.id = d.station_id
          WHERE d.token_hash = $1 AND d.revoked_at IS NULL AND s.active`,
        [tokenHash],
        { prepare: 'device-by-token' },
      );
      const row = r.rows[0];
      return row ? { station: toStation(row), deviceId: row.device_id as string, deviceName: row.device_name as string } : null;
    },

    /** Last contact, written at most once a minute per station so polling does not turn into writes. */
    async touchContact(id: string): Promise<void> {
      await db.query(
        `UPDATE stations SET last_contact_at = now() WHERE id = $1 AND (last_contact_at IS NULL OR last_contact_at < now() - interval '1 minute')`,
        [id],
      );
    },
  };
}

/** Marks stations' manifests as possibly changed; the scheduler and pollers notice the new revision. */
export async function bumpScheduleRev(db: Queryable, stationIds: string[]): Promise<void> {
  if (stationIds.length === 0) return;
  await db.query('UPDATE stations SET schedule_rev = schedule_rev + 1, updated_at = now() WHERE id = ANY($1::uuid[])', [stationIds]);
}

export type StationsRepo = ReturnType<typeof stationsRepo>;
