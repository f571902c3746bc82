import crypto from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { devicesRepo, type DeviceRow } from '../db/devices-repo.js';
import { presenceRepo } from '../db/presence-repo.js';
import { stationsRepo } from '../db/stations-repo.js';
import {
  deviceNameSchema,
  deviceOutcomes,
  deviceView,
  fleetSummary,
  nameTaken,
  notReadyAirings,
  offlineAfterMs,
  offlineTransitions,
  sortFleet,
  type DeviceAiringOutcome,
  type DeviceView,
} from '../domain/devices/index.js';
import { stationIso } from '../domain/manifest/index.js';
import { hashToken, newToken } from '../domain/tokens.js';
import type { Logger } from '../logger.js';
import type { WireHeartbeat } from '../wire/station-protocol.js';
import { notFoundError, ServiceError } from './errors.js';
import type { AccessPrincipal } from '../domain/access/policy.js';
import { accessService } from './access.js';

export const createDeviceSchema = z.object({ name: deviceNameSchema });
export const renameDeviceSchema = z.object({ name: deviceNameSchema }).strict();

export interface DeviceServiceHooks {
  /** Device tokens changed (rotated, revoked): drop cached token → device lookups. */
  onTokensChange?(): void;
  /** The device's old token stopped working: close its open live channels (every API process). */
  onDeviceRevoked?(deviceId: string): void | Promise<void>;
}

// The sweep takes this many devices per transaction; a mass outage (a province's 3G down) is worked off in rounds.
const SWEEP_BATCH = 5000;

const nameTakenError = (name: string) =>
  new ServiceError('conflict', 'DEVICE_NAME_TAKEN', `The station already has a device named "${name}"`, `Đài đã có cụm loa tên "${name}"`);
const revokedError = () => new ServiceError('conflict', 'DEVICE_REVOKED', 'The device is revoked', 'Cụm loa đã bị thu hồi');

/** A station's devices (loudspeaker clusters): management, heartbeats and presence, fleet health, per-device outcomes. */
export function deviceService(deps: { db: Database; config: Config; logger?: Logger; hooks?: DeviceServiceHooks; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const heartbeatSec = deps.config.live.deviceHeartbeatSec;
  const repo = devicesRepo(deps.db);
  const presence = presenceRepo(deps.db);
  const view = (d: DeviceRow, at = now()): DeviceView => deviceView(d, at, heartbeatSec);

  const tokensChanged = async (deviceId: string) => {
    deps.hooks?.onTokensChange?.();
    try {
      await deps.hooks?.onDeviceRevoked?.(deviceId);
    } catch (err) {
      // The token is already dead; an open channel the hook missed is closed at its next request or keep-alive.
      deps.logger?.warn({ err, deviceId }, 'could not close the revoked device\'s live channel');
    }
  };

  const station = async (stationId: string) => {
    const s = await stationsRepo(deps.db).get(stationId);
    if (!s) throw notFoundError('station', 'đài');
    return s;
  };

  /** The device, only as a device of this station: another station's device in the path is not found. */
  const deviceOf = async (stationId: string, deviceId: string): Promise<DeviceRow> => {
    const d = await repo.get(deviceId);
    if (!d || d.stationId !== stationId) throw notFoundError('device', 'cụm loa');
    return d;
  };

  const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';
  const access = accessService(deps.db);
  /** Managing a station's devices: the role first (nothing revealed to who may not), then the station's place. */
  const mayManage = async (p: AccessPrincipal, stationId: string) => {
    access.assert(p, 'device.manage');
    await access.station(p, 'device.manage', stationId);
  };

  return {
    view,

    async list(p: AccessPrincipal, stationId: string): Promise<DeviceView[]> {
      access.assert(p, 'device.read');
      await access.station(p, 'device.read', stationId);
      await station(stationId);
      const at = now();
      return (await repo.ofStations([stationId])).map((d) => view(d, at));
    },

    /** The device by id (any station), for routes that check access against its station. */
    async get(deviceId: string): Promise<DeviceRow> {
      const d = await repo.get(deviceId);
      if (!d) throw notFoundError('device', 'cụm loa');
      return d;
    },

    async create(p: AccessPrincipal, stationId: string, input: z.infer<typeof createDeviceSchema>): Promise<DeviceView & { token: string }> {
      await mayManage(p, stationId);
      const s = await station(stationId);
      if (!s.active) throw new ServiceError('conflict', 'STATION_INACTIVE', 'The station is deactivated', 'Đài đã ngừng hoạt động');
      const token = newToken('lxs');
      try {
        const device = await deps.db.transaction(async (tx) => {
          // Serialises additions to one station, so the name check below sees every device added before.
          await stationsRepo(tx).lockForScheduling([stationId]);
          if (nameTaken(input.name, await devicesRepo(tx).ofStations([stationId]))) throw nameTakenError(input.name);
          return devicesRepo(tx).insert({ id: crypto.randomUUID(), stationId, name: input.name, tokenHash: hashToken(token), isPrimary: false });
        });
        deps.logger?.info({ stationId, deviceId: device.id }, 'device added');
        // The token is shown this once; only its hash is stored.
        return { ...view(device), token };
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTakenError(input.name);
        throw err;
      }
    },

    async rename(p: AccessPrincipal, stationId: string, deviceId: string, input: z.infer<typeof renameDeviceSchema>): Promise<DeviceView> {
      await mayManage(p, stationId);
      await deviceOf(stationId, deviceId);
      try {
        const renamed = await deps.db.transaction(async (tx) => {
          await stationsRepo(tx).lockForScheduling([stationId]);
          const others = (await devicesRepo(tx).ofStations([stationId])).filter((d) => d.id !== deviceId);
          if (nameTaken(input.name, others)) throw nameTakenError(input.name);
          return (await devicesRepo(tx).rename(deviceId, input.name))!;
        });
        return view(renamed);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTakenError(input.name);
        throw err;
      }
    },

    /** A new token for the device; the old one stops working at once on this process (within seconds elsewhere). */
    async rotateToken(p: AccessPrincipal, stationId: string, deviceId: string): Promise<{ token: string }> {
      await mayManage(p, stationId);
      const d = await deviceOf(stationId, deviceId);
      if (d.revokedAt) throw revokedError();
      const token = newToken('lxs');
      if (!(await repo.setTokenHash(deviceId, hashToken(token)))) throw revokedError();
      deps.logger?.info({ stationId, deviceId }, 'device token rotated');
      await tokensChanged(deviceId);
      return { token };
    },

    /** Revokes for good (safe to repeat): the token dies, the history stays, an online device goes offline now. */
    async revoke(p: AccessPrincipal, stationId: string, deviceId: string): Promise<DeviceView> {
      await mayManage(p, stationId);
      await deviceOf(stationId, deviceId);
      const { device, changed } = await deps.db.transaction(async (tx) => {
        const current = (await devicesRepo(tx).lock(deviceId))!;
        if (current.revokedAt) return { device: current, changed: false };
        const revoked = await devicesRepo(tx).revoke(deviceId);
        if (current.online) await presenceRepo(tx).insert({ deviceId, at: revoked.revokedAt!, online: false });
        return { device: revoked, changed: true };
      });
      if (changed) {
        deps.logger?.info({ stationId, deviceId }, 'device revoked');
        await tokensChanged(deviceId);
      }
      return view(device);
    },

    /** Stores a (validated) heartbeat as the device's health; a device that was offline comes online. */
    async heartbeat(deviceId: string, hb: WireHeartbeat): Promise<{ stored: boolean; serverTime: string; heartbeatSec: number }> {
      const stored = await presence.seen(deviceId, hb);
      return { stored, serverTime: now().toISOString(), heartbeatSec };
    },

    /** An "unchanged" heartbeat: a sign of life that keeps the last full heartbeat as the device's health. */
    async alive(deviceId: string): Promise<'ok' | 'no_health' | 'revoked'> {
      const device = await repo.get(deviceId);
      if (!device || device.revokedAt) return 'revoked';
      if (!device.health) return 'no_health';
      return (await presence.seen(deviceId)) ? 'ok' : 'revoked';
    },

    /** A sign of life without a heartbeat: the live channel opened or closed, or any authenticated request. */
    async seen(deviceId: string): Promise<void> {
      await presence.seen(deviceId);
    },

    /** Marks devices that fell silent offline, with a history row each. Idempotent; safe from two schedulers. */
    async sweepPresence(): Promise<{ offline: number }> {
      let offline = 0;
      for (;;) {
        const n = await deps.db.transaction(async (tx) => {
          const p = presenceRepo(tx);
          const { now: dbNow, rows } = await p.lockQuiet(offlineAfterMs(heartbeatSec) / 1000, SWEEP_BATCH);
          return { found: rows.length, written: await p.markOffline(offlineTransitions(rows, dbNow, heartbeatSec)) };
        });
        offline += n.written;
        if (n.found < SWEEP_BATCH) break;
      }
      if (offline > 0) deps.logger?.info({ offline }, 'devices went offline');
      return { offline };
    },

    async presence(p: AccessPrincipal, deviceId: string, limit: number): Promise<{ deviceId: string; items: { at: string; online: boolean }[] }> {
      access.assert(p, 'device.read');
      const d = await repo.get(deviceId);
      if (!d) throw notFoundError('device', 'cụm loa');
      await access.station(p, 'device.read', d.stationId);
      const rows = await presence.history(deviceId, limit);
      return { deviceId, items: rows.map((r) => ({ at: r.at.toISOString(), online: r.online })) };
    },

    /** Every active device with its health, offline first; and airings about to start without their file. */
    /** The fleet of the caller's stations (its area, or its one station). */
    async fleet(p: AccessPrincipal) {
      const scope = access.listScope(p, 'fleet.read');
      const at = now();
      const rows = await repo.fleet(scope);
      const devices = sortFleet(
        rows.map((d) => ({ id: d.id, name: d.name, stationId: d.stationId, stationCode: d.stationCode, stationName: d.stationName, health: view(d, at).health })),
      );
      const lead = await repo.airingsStarting(at, new Date(at.getTime() + deps.config.alerts.fileLeadMin * 60_000), scope);
      const zone = new Map(rows.map((d) => [d.stationId, d.stationTimezone]));
      const notReady = notReadyAirings(
        rows.map((d) => ({ id: d.id, name: d.name, stationId: d.stationId, stationCode: d.stationCode, stationName: d.stationName, heartbeat: d.health })),
        lead,
      ).map((n) => ({
        deviceId: n.deviceId,
        deviceName: n.deviceName,
        stationId: n.stationId,
        stationCode: n.stationCode,
        stationName: n.stationName,
        airingId: n.airingId,
        title: n.title,
        startsAt: stationIso(n.startsAt, zone.get(n.stationId) ?? 'UTC'),
      }));
      return { summary: fleetSummary(devices), devices, notReady };
    },

    /** Per airing of one station: what each of its devices did with it. */
    async airingOutcomes(stationId: string, airings: readonly { id: string; startsAt: Date; endsAt: Date }[]): Promise<Map<string, DeviceAiringOutcome[]>> {
      if (airings.length === 0) return new Map();
      const [devices, reports] = await Promise.all([repo.ofStations([stationId]), repo.airingReports(airings.map((a) => a.id))]);
      const at = now();
      const grace = deps.config.tracking.missedGraceSec;
      return new Map(airings.map((a) => [a.id, deviceOutcomes(a, devices, reports.plays, reports.misses, at, grace)]));
    },
  };
}

export type DeviceService = ReturnType<typeof deviceService>;
