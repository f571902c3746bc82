import crypto from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { devicesRepo, type DeviceRow } from '../db/devices-repo.js';
import { deviceView, type DeviceView } from '../domain/devices/index.js';
import { stationsRepo, type PushRow, type StationRow } from '../db/stations-repo.js';
import { gridSchema, timezoneSchema, validateGrid, type Grid, type GridRules } from '../domain/airtime/index.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { notFoundError, ServiceError } from './errors.js';
import { checkGridDraft, type gridCheckSchema } from './grid-check.js';
import type { Queryable } from '../db/database.js';
import { areasRepo, type AreaRow } from '../db/areas-repo.js';
import type { AccessPrincipal, Permission } from '../domain/access/policy.js';
import { accessService, assertAllowed, ROOT_AREA_ID } from './access.js';

const KIND_VI = { root: 'địa bàn gốc', province: 'tỉnh', grouping: 'cụm xã', commune: 'xã' } as const;
const areaProblem = (code: string, en: string, vi: string) =>
  new ServiceError('invalid', code, `areaId: ${en}`, vi, [{ field: 'areaId', location: 'body', rule: code, message: en, messageEn: `areaId: ${en}`, messageVi: vi }]);

/**
 * The area a station is filed in: a commune (or the root, where stations from before areas wait). Without one
 * given, the commune area with the station's code, if there is one. The caller must hold that area.
 */
async function stationArea(db: Queryable, areaId: string | undefined, code: string, actor?: AccessPrincipal): Promise<AreaRow> {
  const areas = areasRepo(db);
  let area: AreaRow | null;
  if (areaId === undefined) {
    const byCode = await areas.byCode(code);
    area = byCode && byCode.kind === 'commune' && byCode.active ? byCode : await areas.get(ROOT_AREA_ID);
  } else {
    area = await areas.get(areaId);
    if (!area) throw areaProblem('UNKNOWN_AREA', 'no such area', '«Địa bàn» không tồn tại: hãy chọn một xã trong danh sách địa bàn');
    if (area.kind !== 'commune' && area.kind !== 'root') {
      throw areaProblem('AREA_NOT_COMMUNE', `a station belongs to a commune area; this one is a ${area.kind}`, `Đài truyền thanh phải thuộc một xã; «${area.name}» là ${KIND_VI[area.kind]}`);
    }
    if (!area.active) throw areaProblem('AREA_INACTIVE', 'that area is deactivated', `Địa bàn «${area.name}» đã ngừng hoạt động`);
  }
  if (actor) assertAllowed(actor, 'station.manage', { areaPath: area!.path });
  return area!;
}

const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'webhookUrl must be an http(s) URL' })
  .max(2000)
  .nullable()
  .optional();

export const createStationSchema = z.object({
  code: z.string().regex(/^\d{5}$/, 'code must be the commune\'s 5-digit administrative code'),
  name: z.string().trim().min(1, 'name is required').max(200),
  timezone: timezoneSchema,
  webhookUrl: webhookUrlSchema,
  grid: gridSchema.default([]),
  rendition: z.enum(['mp3', 'opus']).default('mp3'),
  areaId: z.uuid().optional().meta({ description: 'A commune area (or the root). Default: the commune area with the same code, else the root' }),
});

export const updateStationSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    timezone: timezoneSchema.optional(),
    webhookUrl: webhookUrlSchema,
    grid: gridSchema.optional(),
    rendition: z.enum(['mp3', 'opus']).optional(),
    areaId: z.uuid().optional().meta({ description: 'Move the station to another commune area' }),
  })
  .strict();

/** Standard Webhooks secrets: "whsec_" + base64 of 24–64 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

export function gridRules(config: Config): GridRules {
  return { quietStart: config.distribution.quietStart, quietEnd: config.distribution.quietEnd, maxSessionMin: config.distribution.maxSessionMin };
}

export interface StationView {
  id: string;
  code: string;
  name: string;
  timezone: string;
  grid: Grid;
  webhookUrl: string | null;
  rendition: 'mp3' | 'opus';
  active: boolean;
  areaId: string;
  lastContactAt: string | null;
  lastPush: {
    at: string | null;
    result: string | null;
    statusCode: number | null;
    attempts: number;
    wantedVersion: string | null;
    deliveredVersion: string | null;
    deliveredAt: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
  /** The station's loudspeaker clusters with their health (revoked ones included), when loaded. */
  devices?: DeviceView[];
}

/** What the audit log keeps of a station (never its webhook secret). */
export const auditedStation = (s: Pick<StationRow, 'code' | 'name' | 'timezone' | 'grid' | 'webhookUrl' | 'rendition' | 'active' | 'areaId'>) => ({ code: s.code, name: s.name, timezone: s.timezone, grid: s.grid, webhookUrl: s.webhookUrl, rendition: s.rendition, active: s.active, areaId: s.areaId });

export function toStationView(s: StationRow & { push?: PushRow | null; devices?: DeviceView[] }): StationView {
  const p = s.push ?? null;
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    timezone: s.timezone,
    grid: s.grid,
    webhookUrl: s.webhookUrl,
    rendition: s.rendition,
    active: s.active,
    areaId: s.areaId,
    lastContactAt: s.lastContactAt?.toISOString() ?? null,
    lastPush: p
      ? {
          at: p.lastAttemptAt?.toISOString() ?? null,
          result: p.lastResult,
          statusCode: p.lastStatusCode,
          attempts: p.attempts,
          wantedVersion: p.wantedVersion,
          deliveredVersion: p.deliveredVersion,
          deliveredAt: p.deliveredAt?.toISOString() ?? null,
        }
      : null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ...(s.devices ? { devices: s.devices } : {}),
  };
}

/** What changed about a station, for caches and the live channel. */
export type StationChange = { stationId: string } & ({ kind: 'schedule' } | { kind: 'token_rotated'; deviceId: string } | { kind: 'secret_rotated' });

export function stationService(deps: { db: Database; config: Config; onChange?: (change: StationChange) => void; now?: () => Date }) {
  const repo = stationsRepo(deps.db);
  const changed = (change: StationChange) => deps.onChange?.(change);
  const rules = gridRules(deps.config);
  const now = deps.now ?? (() => new Date());
  /** Stations with their devices' health; the devices of a whole page come in one query. */
  const withDevices = async <S extends StationRow>(stations: S[]): Promise<(S & { devices: DeviceView[] })[]> => {
    const rows = await devicesRepo(deps.db).ofStations(stations.map((s) => s.id));
    const at = now();
    const byStation = new Map<string, DeviceRow[]>();
    for (const d of rows) byStation.set(d.stationId, [...(byStation.get(d.stationId) ?? []), d]);
    return stations.map((s) => ({ ...s, devices: (byStation.get(s.id) ?? []).map((d) => deviceView(d, at, deps.config.live.deviceHeartbeatSec)) }));
  };

  const checkGrid = (grid: Grid) => {
    const violations = validateGrid(grid, rules);
    if (violations.length > 0) {
      const first = violations[0]!;
      throw new ServiceError('invalid', 'GRID_RULE_VIOLATED', first.message, first.messageVi, violations);
    }
  };

  return {
    /** A draft grid judged by the rules a save applies (the dashboard's editor, as the person types). */
    checkGridDraft: (input: z.infer<typeof gridCheckSchema>) => checkGridDraft(input, rules),

    /** `actor`: who creates it, who must hold the station's area. */
    async create(input: z.infer<typeof createStationSchema>, actor?: AccessPrincipal) {
      checkGrid(input.grid);
      const area = await stationArea(deps.db, input.areaId, input.code, actor);
      if (await repo.codeTaken(input.code)) {
        throw new ServiceError('conflict', 'CODE_TAKEN', `A station with commune code ${input.code} already exists`, `Mã xã ${input.code} đã có đài`);
      }
      const token = newToken('lxs');
      const webhookSecret = newWebhookSecret();
      try {
        // The station and its first loudspeaker cluster, which holds the station token, exist together or not at all.
        const station = await deps.db.transaction(async (tx) => {
          const s = await stationsRepo(tx).insert({
            id: crypto.randomUUID(),
            code: input.code,
            name: input.name,
            timezone: input.timezone,
            grid: input.grid,
            webhookUrl: input.webhookUrl ?? null,
            webhookSecret,
            rendition: input.rendition,
            areaId: area.id,
          });
          await devicesRepo(tx).insert({ id: crypto.randomUUID(), stationId: s.id, name: 'Cụm loa 1', tokenHash: hashToken(token), isPrimary: true });
          return s;
        });
        // The token and the signing secret are shown this once.
        return { ...toStationView(station), token, webhookSecret };
      } catch (err) {
        if ((err as { code?: string }).code === '23505') {
          throw new ServiceError('conflict', 'CODE_TAKEN', `A station with commune code ${input.code} already exists`, `Mã xã ${input.code} đã có đài`);
        }
        throw err;
      }
    },

    async get(id: string) {
      const s = await repo.get(id);
      if (!s) throw notFoundError('station', 'đài');
      return s;
    },

    list: (opts: { active?: boolean; within?: string | null; limit: number; offset: number }) => repo.list(opts),

    /** A station the caller may read (or act on with `permission`): refused, or 404, before anything is shown. */
    async readable(p: AccessPrincipal, id: string, permission: Permission = 'station.read'): Promise<StationRow> {
      assertAllowed(p, permission);
      await accessService(deps.db).station(p, permission, id);
      const s = await repo.get(id);
      if (!s) throw notFoundError('station', 'đài');
      return s;
    },

    /** Changing a station (edit, deactivate, rotate): asked before the change. */
    async mayManage(p: AccessPrincipal, id: string): Promise<void> {
      await this.readable(p, id, 'station.manage');
    },

    /** The caller's stations: at or below its area, only its own when tied to one. */
    async listViewsFor(p: AccessPrincipal, opts: { active?: boolean; limit: number; offset: number }): Promise<{ items: StationView[]; total: number }> {
      const scope = accessService(deps.db).listScope(p, 'station.read');
      return this.listViews({ ...opts, within: scope.areaPath, onlyStation: scope.stationId });
    },

    /** The station as the API shows it, with its devices and their health. */
    async view(id: string): Promise<StationView> {
      const s = await repo.get(id);
      if (!s) throw notFoundError('station', 'đài');
      return toStationView((await withDevices([s]))[0]!);
    },

    async listViews(opts: { active?: boolean; within?: string | null; onlyStation?: string | null; limit: number; offset: number }): Promise<{ items: StationView[]; total: number }> {
      const { items, total } = await repo.list(opts);
      return { items: (await withDevices(items)).map(toStationView), total };
    },

    /** `actor`: who changes it; moving the station to another area needs that area too. */
    async update(id: string, patch: z.infer<typeof updateStationSchema>, actor?: AccessPrincipal) {
      const current = await repo.get(id);
      if (!current) throw notFoundError('station', 'đài');
      if (patch.grid) checkGrid(patch.grid);
      if (actor) {
        const place = await areasRepo(deps.db).get(current.areaId);
        assertAllowed(actor, 'station.manage', { areaPath: place?.path ?? null, stationId: id });
      }
      if (patch.areaId !== undefined && patch.areaId !== current.areaId) await stationArea(deps.db, patch.areaId, current.code, actor);
      await repo.update(id, patch);
      changed({ stationId: id, kind: 'schedule' });
      return (await repo.get(id))!;
    },

    async deactivate(id: string) {
      if (!(await repo.get(id))) throw notFoundError('station', 'đài');
      await repo.deactivate(id);
      changed({ stationId: id, kind: 'schedule' });
      return (await repo.get(id))!;
    },

    /** The station token is its first device's: rotating it rotates that device's token. */
    async rotateToken(id: string): Promise<{ token: string }> {
      if (!(await repo.get(id))) throw notFoundError('station', 'đài');
      const device = await devicesRepo(deps.db).primaryOf(id);
      if (!device) throw new ServiceError('conflict', 'NO_DEVICE', 'The station has no active device; add one', 'Đài chưa có cụm loa nào đang hoạt động; hãy thêm cụm loa');
      const token = newToken('lxs');
      await devicesRepo(deps.db).setTokenHash(device.id, hashToken(token));
      changed({ stationId: id, kind: 'token_rotated', deviceId: device.id });
      return { token };
    },

    async rotateWebhookSecret(id: string): Promise<{ webhookSecret: string }> {
      if (!(await repo.get(id))) throw notFoundError('station', 'đài');
      const webhookSecret = newWebhookSecret();
      await repo.setWebhookSecret(id, webhookSecret);
      changed({ stationId: id, kind: 'secret_rotated' });
      return { webhookSecret };
    },
  };
}

export type StationService = ReturnType<typeof stationService>;
