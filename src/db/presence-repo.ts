import type { WireHeartbeat } from '../wire/station-protocol.js';
import type { Queryable } from './database.js';

export interface PresenceRow {
  deviceId: string;
  at: Date;
  online: boolean;
}

type Raw = Record<string, unknown>;

/**
 * Device presence: last_seen_at, the online flag with its start, and the append-only device_presence history.
 * A transition and its history row are always written by one statement or one transaction.
 */
export function presenceRepo(db: Queryable) {
  /** The common case, one statement: the device is already flagged online, only its last sign of life moves. */
  const seenWhileOnline = async (id: string, health: WireHeartbeat | null): Promise<boolean> => {
    const r = await db.query(
      `UPDATE devices SET last_seen_at = now()${health ? ', health = $2, health_at = now()' : ''}
        WHERE id = $1 AND revoked_at IS NULL AND online`,
      health ? [id, JSON.stringify(health)] : [id],
    );
    return r.rowCount > 0;
  };

  /** Offline → online and its history row, in one statement. Only one of several racing callers wins it. */
  const comeOnline = async (id: string, health: WireHeartbeat | null): Promise<boolean> => {
    const r = await db.query(
      `WITH upd AS (
         UPDATE devices SET last_seen_at = now(), online = true, online_since = now()${health ? ', health = $2, health_at = now()' : ''}
          WHERE id = $1 AND revoked_at IS NULL AND NOT online RETURNING id
       ), ins AS (
         INSERT INTO device_presence (device_id, at, online) SELECT id, now(), true FROM upd ON CONFLICT DO NOTHING
       )
       SELECT id FROM upd`,
      health ? [id, JSON.stringify(health)] : [id],
    );
    return r.rowCount > 0;
  };

  return {
    /**
     * Records a sign of life (and the heartbeat, when given). False when the device is revoked or unknown.
     * The flag may flip between the two attempts (a sweep, another request): a few rounds settle it.
     */
    async seen(id: string, health: WireHeartbeat | null = null): Promise<boolean> {
      for (let i = 0; i < 3; i++) {
        if (await seenWhileOnline(id, health)) return true;
        if (await comeOnline(id, health)) return true;
      }
      return false;
    },

    /**
     * Devices flagged online whose last sign of life is older than the cutoff, locked for this transaction.
     * SKIP LOCKED: a second scheduler sweeping at the same moment takes other rows (or none) instead of waiting,
     * and a device in the middle of a heartbeat is left to that heartbeat.
     */
    async lockQuiet(olderThanSec: number, limit: number): Promise<{ now: Date; rows: { id: string; lastSeenAt: Date | null; onlineSince: Date | null }[] }> {
      const r = await db.query<Raw>(
        `SELECT id, last_seen_at, online_since, now() AS db_now FROM devices
          WHERE online AND (last_seen_at IS NULL OR last_seen_at < now() - make_interval(secs => $1))
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [olderThanSec, limit],
      );
      const now = r.rows[0] ? new Date(r.rows[0].db_now as string) : new Date();
      return {
        now,
        rows: r.rows.map((x) => ({
          id: x.id as string,
          lastSeenAt: x.last_seen_at ? new Date(x.last_seen_at as string) : null,
          onlineSince: x.online_since ? new Date(x.online_since as string) : null,
        })),
      };
    },

    /** Writes online → offline transitions (rows still flagged online only) and their history rows. */
    async markOffline(transitions: readonly { deviceId: string; at: Date }[]): Promise<number> {
      if (transitions.length === 0) return 0;
      const ids = transitions.map((t) => t.deviceId);
      const ats = transitions.map((t) => t.at.toISOString());
      const r = await db.query(
        `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)),
         upd AS (
           UPDATE devices d SET online = false, online_since = v.at FROM v WHERE d.id = v.id AND d.online RETURNING d.id, v.at
         ), ins AS (
           INSERT INTO device_presence (device_id, at, online) SELECT id, at, false FROM upd ON CONFLICT DO NOTHING
         )
         SELECT id FROM upd`,
        [ids, ats],
      );
      return r.rowCount;
    },

    /** A transition written outside the heartbeat/sweep paths (revocation). */
    async insert(row: PresenceRow): Promise<void> {
      await db.query('INSERT INTO device_presence (device_id, at, online) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [row.deviceId, row.at, row.online]);
    },

    /** A device's transitions, newest first. */
    async history(deviceId: string, limit: number): Promise<PresenceRow[]> {
      const r = await db.query<Raw>('SELECT device_id, at, online FROM device_presence WHERE device_id = $1 ORDER BY at DESC LIMIT $2', [deviceId, limit]);
      return r.rows.map((x) => ({ deviceId: x.device_id as string, at: new Date(x.at as string), online: Boolean(x.online) }));
    },
  };
}

export type PresenceRepo = ReturnType<typeof presenceRepo>;
