import type { WireHeartbeat } from '../wire/station-protocol.js';
import type { Queryable } from './database.js';
import type { ListScope } from '../domain/access/policy.js';
import { stationInScope } from './area-scope.js';

export interface DeviceRow {
  id: string;
  stationId: string;
  name: string;
  isPrimary: boolean;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
  online: boolean;
  onlineSince: Date | null;
  health: WireHeartbeat | null;
  healthAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type Raw = Record<string, unknown>;
const date = (v: unknown) => (v ? new Date(v as string) : null);

export const toDevice = (r: Raw): DeviceRow => ({
  id: r.id as string,
  stationId: r.station_id as string,
  name: r.name as string,
  isPrimary: Boolean(r.is_primary),
  revokedAt: date(r.revoked_at),
  lastSeenAt: date(r.last_seen_at),
  online: Boolean(r.online),
  onlineSince: date(r.online_since),
  health: r.health ? ((typeof r.health === 'string' ? JSON.parse(r.health) : r.health) as WireHeartbeat) : null,
  healthAt: date(r.health_at),
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

export const DEVICE_COLUMNS = `d.id, d.station_id, d.name, d.is_primary, d.revoked_at, d.last_seen_at, d.online, d.online_since,
  d.health, d.health_at, d.created_at, d.updated_at`;

export function devicesRepo(db: Queryable) {
  return {
    async insert(d: { id: string; stationId: string; name: string; tokenHash: string; isPrimary: boolean }): Promise<DeviceRow> {
      const r = await db.query<Raw>(
        `INSERT INTO devices AS d (id, station_id, name, token_hash, is_primary) VALUES ($1, $2, $3, $4, $5) RETURNING ${DEVICE_COLUMNS}`,
        [d.id, d.stationId, d.name, d.tokenHash, d.isPrimary],
      );
      return toDevice(r.rows[0]!);
    },

    async get(id: string): Promise<DeviceRow | null> {
      const r = await db.query<Raw>(`SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id = $1`, [id]);
      return r.rows[0] ? toDevice(r.rows[0]) : null;
    },

    /** Devices of these stations, revoked ones included (their history stays readable): the first device, then oldest first. */
    async ofStations(stationIds: string[]): Promise<DeviceRow[]> {
      if (stationIds.length === 0) return [];
      const r = await db.query<Raw>(
        `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.station_id = ANY($1::uuid[]) ORDER BY d.station_id, d.is_primary DESC, d.created_at, d.id`,
        [stationIds],
      );
      return r.rows.map(toDevice);
    },

    /** The active device holding this token, with its (active) station's id. */
    async byTokenHash(tokenHash: string): Promise<DeviceRow | null> {
      const r = await db.query<Raw>(
        `SELECT ${DEVICE_COLUMNS} FROM devices d JOIN stations s ON s.id = d.station_id
          WHERE d.token_hash = $1 AND d.revoked_at IS NULL AND s.active`,
        [tokenHash],
      );
      return r.rows[0] ? toDevice(r.rows[0]) : null;
    },

    async primaryOf(stationId: string): Promise<DeviceRow | null> {
      const r = await db.query<Raw>(
        `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.station_id = $1 AND d.revoked_at IS NULL ORDER BY d.is_primary DESC, d.created_at LIMIT 1`,
        [stationId],
      );
      return r.rows[0] ? toDevice(r.rows[0]) : null;
    },

    async setTokenHash(id: string, tokenHash: string): Promise<boolean> {
      const r = await db.query('UPDATE devices SET token_hash = $2, updated_at = now() WHERE id = $1 AND revoked_at IS NULL', [id, tokenHash]);
      return r.rowCount > 0;
    },

    async rename(id: string, name: string): Promise<DeviceRow | null> {
      const r = await db.query<Raw>(`UPDATE devices AS d SET name = $2, updated_at = now() WHERE d.id = $1 RETURNING ${DEVICE_COLUMNS}`, [id, name]);
      return r.rows[0] ? toDevice(r.rows[0]) : null;
    },

    /** Locks the device row for the rest of the transaction. */
    async lock(id: string): Promise<DeviceRow | null> {
      const r = await db.query<Raw>(`SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id = $1 FOR UPDATE`, [id]);
      return r.rows[0] ? toDevice(r.rows[0]) : null;
    },

    /** The token is dropped for good; the row, its plays and its presence history stay. */
    async revoke(id: string): Promise<DeviceRow> {
      const r = await db.query<Raw>(
        `UPDATE devices AS d SET revoked_at = now(), token_hash = NULL, online = false,
            online_since = CASE WHEN d.online THEN now() ELSE d.online_since END, updated_at = now()
          WHERE d.id = $1 RETURNING ${DEVICE_COLUMNS}`,
        [id],
      );
      return toDevice(r.rows[0]!);
    },

    /** Every active device of the active stations (or of one), with its station's code and name. */
    /** `scope`: the caller's stations only. */
    async fleet(scope?: ListScope): Promise<(DeviceRow & { stationCode: string; stationName: string; stationTimezone: string })[]> {
      const params: unknown[] = [];
      const r = await db.query<Raw>(
        `SELECT ${DEVICE_COLUMNS}, s.code AS station_code, s.name AS station_name, s.timezone AS station_timezone FROM devices d JOIN stations s ON s.id = d.station_id
          WHERE d.revoked_at IS NULL AND s.active AND ${stationInScope(scope, 's.id', params)} ORDER BY s.code, d.created_at, d.id`,
        params,
      );
      return r.rows.map((x) => ({
        ...toDevice(x),
        stationCode: x.station_code as string,
        stationName: x.station_name as string,
        stationTimezone: x.station_timezone as string,
      }));
    },

    /** Live airings starting in (from, to], of the stations in `scope` (all when absent). */
    async airingsStarting(from: Date, to: Date, scope?: ListScope): Promise<{ id: string; stationId: string; title: string; startsAt: Date }[]> {
      const params: unknown[] = [from, to];
      const r = await db.query<Raw>(
        `SELECT a.id, a.station_id, a.starts_at, e.title FROM airings a JOIN episodes e ON e.id = a.episode_id
          WHERE a.status = 'live' AND a.starts_at > $1 AND a.starts_at <= $2 AND ${stationInScope(scope, 'a.station_id', params)}
          ORDER BY a.starts_at, a.id`,
        params,
      );
      return r.rows.map((x) => ({ id: x.id as string, stationId: x.station_id as string, title: x.title as string, startsAt: new Date(x.starts_at as string) }));
    },

    /** What devices reported about these airings: plays (full or partial) and misses. */
    async airingReports(airingIds: string[]): Promise<{
      plays: { airingId: string; deviceId: string | null; kind: 'rebroadcast' | 'partial'; source: 'auto' | 'manual' }[];
      misses: { airingId: string; deviceId: string | null; reason: string }[];
    }> {
      if (airingIds.length === 0) return { plays: [], misses: [] };
      const [plays, misses] = await Promise.all([
        db.query<Raw>('SELECT airing_id, device_id, kind, source FROM plays WHERE airing_id = ANY($1::uuid[])', [airingIds]),
        db.query<Raw>('SELECT airing_id, device_id, reason FROM airing_misses WHERE airing_id = ANY($1::uuid[]) ORDER BY received_at', [airingIds]),
      ]);
      return {
        plays: plays.rows.map((x) => ({
          airingId: x.airing_id as string,
          deviceId: (x.device_id as string | null) ?? null,
          kind: x.kind as 'rebroadcast' | 'partial',
          source: x.source as 'auto' | 'manual',
        })),
        misses: misses.rows.map((x) => ({ airingId: x.airing_id as string, deviceId: (x.device_id as string | null) ?? null, reason: x.reason as string })),
      };
    },
  };
}

export type DevicesRepo = ReturnType<typeof devicesRepo>;
