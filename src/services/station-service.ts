import crypto from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { stationsRepo, type PushRow, type StationRow } from '../db/stations-repo.js';
import { gridSchema, timezoneSchema, validateGrid, type Grid, type GridRules } from '../domain/airtime/index.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { notFoundError, ServiceError } from './errors.js';

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
});

export const updateStationSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    timezone: timezoneSchema.optional(),
    webhookUrl: webhookUrlSchema,
    grid: gridSchema.optional(),
    rendition: z.enum(['mp3', 'opus']).optional(),
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
}

export function toStationView(s: StationRow & { push?: PushRow | null }): StationView {
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
  };
}

export function stationService(deps: { db: Database; config: Config; onChange?: () => void }) {
  const repo = stationsRepo(deps.db);
  const changed = () => deps.onChange?.();
  const rules = gridRules(deps.config);

  const checkGrid = (grid: Grid) => {
    const violations = validateGrid(grid, rules);
    if (violations.length > 0) {
      const first = violations[0]!;
      throw new ServiceError('invalid', 'GRID_RULE_VIOLATED', first.message, first.messageVi, violations);
    }
  };

  return {
    async create(input: z.infer<typeof createStationSchema>) {
      checkGrid(input.grid);
      if (await repo.codeTaken(input.code)) {
        throw new ServiceError('conflict', 'CODE_TAKEN', `A station with commune code ${input.code} already exists`, `Mã xã ${input.code} đã có đài`);
      }
      const token = newToken('lxs');
      const webhookSecret = newWebhookSecret();
      try {
        const station = await repo.insert({
          id: crypto.randomUUID(),
          code: input.code,
          name: input.name,
          timezone: input.timezone,
          grid: input.grid,
          webhookUrl: input.webhookUrl ?? null,
          webhookSecret,
          tokenHash: hashToken(token),
          rendition: input.rendition,
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

    list: (opts: { active?: boolean; limit: number; offset: number }) => repo.list(opts),

    async update(id: string, patch: z.infer<typeof updateStationSchema>) {
      const current = await repo.get(id);
      if (!current) throw notFoundError('station', 'đài');
      if (patch.grid) checkGrid(patch.grid);
      await repo.update(id, patch);
      changed();
      return (await repo.get(id))!;
    },

    async deactivate(id: string) {
      if (!(await repo.get(id))) throw notFoundError('station', 'đài');
      await repo.deactivate(id);
      changed();
      return (await repo.get(id))!;
    },

    async rotateToken(id: string): Promise<{ token: string }> {
      if (!(await repo.get(id))) throw notFoundError('station', 'đài');
      const token = newToken('lxs');
      await repo.setTokenHash(id, hashToken(token));
      changed();
      return { token };
    },

    async rotateWebhookSecret(id: string): Promise<{ webhookSecret: string }> {
      if (!(await repo.get(id))) throw notFoundError('station', 'đài');
      const webhookSecret = newWebhookSecret();
      await repo.setWebhookSecret(id, webhookSecret);
      changed();
      return { webhookSecret };
    },
  };
}

export type StationService = ReturnType<typeof stationService>;
