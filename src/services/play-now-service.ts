import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { playNowRepo, type PlayNowRow, type PlayNowStationRow } from '../db/play-now-repo.js';
import { bumpScheduleRev } from '../db/stations-repo.js';
import { AIRTIME_DEFAULTS } from '../domain/airtime/index.js';
import { notFoundError } from './errors.js';
import { createPlanSchema, type PlanActor, type PlanService } from './plan-service.js';
import { plansRepo } from '../db/plans-repo.js';
import { accessService, refusal } from './access.js';

export const playNowSchema = z.object({
  episodeId: z.uuid({ error: 'episodeId must be a UUID' }),
  stationIds: z.union([z.literal('all'), z.array(z.uuid({ error: 'stationIds must be UUIDs' })).min(1, 'stationIds: pick at least one station').max(20_000)], {
    error: 'stationIds must be a list of station ids or "all"',
  }),
});

export interface PlayNowView {
  id: string;
  episodeId: string;
  title: string;
  status: 'playing' | 'stopped' | 'ended';
  startedAt: string | null;
  endsAt: string | null;
  stoppedAt: string | null;
  stationCount: number;
  stations?: Array<{ stationId: string; code: string; name: string; airingId: string }>;
}

export function playNowStatus(row: Pick<PlayNowRow, 'stoppedAt' | 'endsAt'>, now: Date): PlayNowView['status'] {
  if (row.stoppedAt) return 'stopped';
  return row.endsAt && row.endsAt > now ? 'playing' : 'ended';
}

const toView = (row: PlayNowRow, now: Date, stations?: PlayNowStationRow[]): PlayNowView => ({
  id: row.id,
  episodeId: row.episodeId,
  title: row.title,
  status: playNowStatus(row, now),
  startedAt: row.startsAt?.toISOString() ?? row.approvedAt?.toISOString() ?? null,
  endsAt: row.endsAt?.toISOString() ?? null,
  stoppedAt: row.stoppedAt?.toISOString() ?? null,
  stationCount: row.stations,
  ...(stations ? { stations: stations.map((s) => ({ stationId: s.stationId, code: s.code, name: s.name, airingId: s.airingId })) } : {}),
});

export interface PlayNowHooks {
  /** After a stop committed: tell the stations' devices to stop these airings. */
  onStop?(playNowId: string, stopped: Array<{ airingId: string; stationId: string }>): void;
}

/**
 * "Phát ngay": an emergency plan created and approved in one action (the plan service does the pre-empting and
 * the telling), and "Dừng phát", which cuts its airings short on every station.
 */
export function playNowService(deps: { db: Database; plans: PlanService; hooks?: PlayNowHooks; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  const access = accessService(deps.db);
  const get = async (id: string): Promise<PlayNowView> => {
    const repo = playNowRepo(deps.db);
    const row = await repo.get(id);
    if (!row) throw notFoundError('play-now', 'lệnh phát ngay');
    return toView(row, now(), await repo.stations(id));
  };

  return {
    /** One the caller reads through its own stations. */
    async get(p: PlanActor, id: string): Promise<PlayNowView> {
      const scope = access.listScope(p, 'playNow.read');
      if ((await plansRepo(deps.db).getPlan(id)) && !(await plansRepo(deps.db).touches(id, scope))) throw refusal(p.stationId !== null ? 'station' : 'area', 'playNow.read');
      return get(id);
    },

    async list(p: PlanActor, limit = 20): Promise<PlayNowView[]> {
      const scope = access.listScope(p, 'playNow.read');
      const at = now();
      return (await playNowRepo(deps.db).list(limit, scope)).map((r) => toView(r, at));
    },

    async start(p: PlanActor, input: z.infer<typeof playNowSchema>): Promise<PlayNowView> {
      access.assert(p, 'playNow.start');
      if (Array.isArray(input.stationIds)) await access.stations(p, 'playNow.start', input.stationIds, { unknown: 'skip' });
      // Emergencies are placed at approval ("now"); the plan's dates only label it.
      const today = DateTime.now().setZone(AIRTIME_DEFAULTS.timezone).toISODate()!;
      const draft = await deps.plans.create(
        p,
        createPlanSchema.parse({ episodeId: input.episodeId, stationIds: input.stationIds, priority: 'emergency', airingsPerStation: 1, from: today, to: today, minGapHours: 0 }),
        'play_now',
      );
      try {
        await deps.plans.approve(p, draft.plan.id);
      } catch (err) {
        // One action: a draft that could not go out does not linger.
        await deps.plans.cancel(p, draft.plan.id).catch(() => undefined);
        throw err;
      }
      return get(draft.plan.id);
    },

    async stop(p: PlanActor, id: string): Promise<PlayNowView> {
      access.assert(p, 'playNow.start');
      const plan = await plansRepo(deps.db).planStations(id);
      await access.stations(p, 'playNow.start', plan.map((s) => s.stationId));
      const stopped = await deps.db.transaction(async (tx) => {
        const repo = playNowRepo(tx);
        const row = await repo.get(id, true);
        if (!row) throw notFoundError('play-now', 'lệnh phát ngay');
        const cut = await repo.stop(id, now());
        await bumpScheduleRev(tx, [...new Set(cut.map((c) => c.stationId))]);
        return cut;
      });
      if (stopped.length > 0) deps.hooks?.onStop?.(id, stopped);
      return get(id);
    },
  };
}

export type PlayNowService = ReturnType<typeof playNowService>;
