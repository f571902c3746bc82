import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { Database, Queryable } from '../db/database.js';
import { episodesRepo } from '../db/episodes-repo.js';
import { plansRepo, type AiringRow, type PlanRow, type PlanStationRow } from '../db/plans-repo.js';
import { bumpScheduleRev, stationsRepo, type StationRow } from '../db/stations-repo.js';
import {
  allocateAirings,
  describeSlot,
  explainOutsideGrid,
  localDateSchema,
  localPeriod,
  slotHolding,
  slotInstances,
  stationIso,
  touchesQuietHours,
  type Priority,
} from '../domain/index.js';
import { notFoundError, ServiceError } from './errors.js';
import type { AccessPrincipal, ListScope, Permission } from '../domain/access/policy.js';
import { accessService, refusal } from './access.js';

/** Who acts: the access rule's principal, and who to record as the plan's author or approver. */
export type PlanActor = AccessPrincipal & { userId: string | null; areaId?: string | null };
import { gridRules } from './station-service.js';

export const createPlanSchema = z
  .object({
    episodeId: z.uuid({ error: 'episodeId must be a UUID' }),
    stationIds: z.union([z.literal('all'), z.array(z.uuid({ error: 'stationIds must be UUIDs' })).min(1).max(20_000)]).optional(),
    // "Every commune under X": every active station at or below these areas, resolved when the plan is made.
    areaIds: z.array(z.uuid({ error: 'areaIds must be UUIDs' })).min(1).max(1000).optional(),
    airingsPerStation: z.number().int().min(1).max(100).default(3),
    from: localDateSchema,
    to: localDateSchema,
    priority: z.enum(['normal', 'priority', 'emergency']).default('normal'),
    minGapHours: z.number().min(0).max(24 * 31).default(24),
  })
  .refine((p) => p.from <= p.to, { error: 'from must not be after to', path: ['to'], params: { messageVi: 'phải cùng ngày hoặc sau «Từ ngày»' } })
  .refine((p) => p.stationIds !== undefined || p.areaIds !== undefined, {
    error: 'stationIds or areaIds is required',
    path: ['stationIds'],
    params: { messageVi: 'cần chọn ít nhất một đài hoặc một địa bàn' },
  });

export const moveAiringSchema = z.object({ startsAt: z.iso.datetime({ offset: true, error: 'startsAt must be ISO 8601 with an offset' }) });

// Longer plans would mostly be guesses; the producers plan monthly.
const MAX_PLAN_DAYS = 366;

export interface PlanResult {
  plan: PlanView;
  stations: StationPlanView[];
}

export interface PlanView {
  id: string;
  episodeId: string;
  status: string;
  priority: Priority;
  airingsPerStation: number;
  from: string;
  to: string;
  minGapHours: number;
  createdAt: string;
  approvedAt: string | null;
  cancelledAt: string | null;
  /** The areas it was made for, when it targeted areas. */
  areas: Array<{ id: string; name: string; code: string | null; kind: string }>;
}

export interface AiringView {
  id: string;
  planId: string;
  stationId: string;
  episodeId: string;
  startsAt: string;
  endsAt: string;
  priority: Priority;
  status: string;
  slotIndex: number | null;
}

export interface StationPlanView {
  stationId: string;
  code: string;
  name: string;
  requested: number;
  placed: number;
  shortfall: { missing: number; reason: string; message: string; messageEn: string; messageVi: string } | null;
  airings: AiringView[];
}

export const toPlanView = (p: PlanRow): PlanView => ({
  id: p.id,
  episodeId: p.episodeId,
  status: p.status,
  priority: p.priority,
  airingsPerStation: p.airingsPerStation,
  from: p.fromDate,
  to: p.toDate,
  minGapHours: p.minGapSec / 3600,
  createdAt: p.createdAt.toISOString(),
  approvedAt: p.approvedAt?.toISOString() ?? null,
  cancelledAt: p.cancelledAt?.toISOString() ?? null,
  areas: p.areas ?? [],
});

export const toAiringView = (a: AiringRow, timezone: string): AiringView => ({
  id: a.id,
  planId: a.planId,
  stationId: a.stationId,
  episodeId: a.episodeId,
  startsAt: stationIso(a.startsAt, timezone),
  endsAt: stationIso(a.endsAt, timezone),
  priority: a.priority,
  status: a.status,
  slotIndex: a.slotIndex,
});

const EXCLUSION_VIOLATION = '23P01';

/** An emergency that just went on air: one airing per station, all starting now. */
export interface EmergencyStart {
  planId: string;
  episodeId: string;
  airings: Array<{ stationId: string; airingId: string; startsAt: Date; endsAt: Date }>;
}

export interface PlanServiceHooks {
  /** Called after these stations' schedules changed (approve, cancel, move, stop): drop cached rows, tell devices. */
  onScheduleChange?(stationIds: string[], reason: string): void;
  /** Called after an emergency goes live, so the stations hear of it before the next scheduler tick. */
  onEmergency?(emergency: EmergencyStart): Promise<void>;
  /** An emergency names an episode still transcoding: move it to the front so it can be planned in seconds. */
  onUrgentEpisode?(episodeId: string): Promise<void>;
}

export function planService(deps: { db: Database; config: Config; hooks?: PlanServiceHooks; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const rules = gridRules(deps.config);
  const access = accessService(deps.db);
  /** Every station of the plan must be the caller's to act on (a provincial admin cannot approve for another province). */
  const assertPlanStations = async (tx: Queryable, p: PlanActor, permission: Permission, planId: string) => {
    access.assert(p, permission);
    // Inside the transaction, on its connection (the embedded database has only one).
    await accessService(tx).stations(p, permission, (await plansRepo(tx).planStations(planId)).map((r) => r.stationId));
  };
  /** The stations a plan's request names: listed ones, "all" (of the caller's area) and those below named areas. */
  const targets = async (p: PlanActor, input: z.infer<typeof createPlanSchema>): Promise<{ stationIds: string[]; areaIds: string[]; allStations: boolean }> => {
    const scope = access.listScope(p, 'plan.create');
    const ids = new Set<string>();
    const areaIds = new Set<string>();
    if (Array.isArray(input.stationIds)) {
      // Unknown ids are left for the UNKNOWN_STATIONS answer below; known ones must be the caller's.
      await access.stations(p, 'plan.create', input.stationIds, { unknown: 'skip' });
      for (const id of input.stationIds) ids.add(id);
    } else if (input.stationIds === 'all') {
      for (const id of await plansRepo(deps.db).activeStationsBelow(null, scope)) ids.add(id);
      // "All" from below the root is all of the caller's area: recorded as that area.
      if (scope.areaPath !== null && p.areaId) areaIds.add(p.areaId);
    }
    if (input.areaIds) {
      const paths: string[] = [];
      for (const id of new Set(input.areaIds)) {
        paths.push(await access.area(p, 'plan.create', id));
        areaIds.add(id);
      }
      for (const id of await plansRepo(deps.db).activeStationsBelow(paths, scope)) ids.add(id);
    }
    return { stationIds: [...ids], areaIds: [...areaIds], allStations: input.stationIds === 'all' && scope.areaPath === null };
  };
  /** Runs a transaction that changes schedules, then (after commit) tells whoever caches or listens. */
  const changing = async <T>(reason: string, work: (tx: Queryable) => Promise<{ result: T; stationIds: string[]; reason?: string }>): Promise<T> => {
    const done = await deps.db.transaction(work);
    if (done.stationIds.length > 0) deps.hooks?.onScheduleChange?.([...new Set(done.stationIds)], done.reason ?? reason);
    return done.result;
  };

  async function describe(tx: Queryable, plan: PlanRow, scope?: ListScope): Promise<PlanResult> {
    const repo = plansRepo(tx);
    const [rows, all] = await Promise.all([repo.planStations(plan.id, scope), repo.planAirings(plan.id)]);
    const shown = new Set(rows.map((r) => r.stationId));
    const airings = all.filter((a) => shown.has(a.stationId));
    const stations = new Map((await stationsRepo(tx).byIds(rows.map((r) => r.stationId))).map((s) => [s.id, s]));
    const byStation = groupBy(airings, (a) => a.stationId);
    return {
      plan: toPlanView(plan),
      stations: rows
        .map((r) => stationPlanView(r, stations.get(r.stationId)!, byStation.get(r.stationId) ?? []))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    };
  }

  return {
    async create(p: PlanActor, input: z.infer<typeof createPlanSchema>, source: 'plan' | 'play_now' = 'plan'): Promise<PlanResult> {
      access.assert(p, 'plan.create');
      const createdBy = p.userId;
      const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 + 1;
      if (days > MAX_PLAN_DAYS) {
        throw new ServiceError('invalid', 'PERIOD_TOO_LONG', `A plan covers at most ${MAX_PLAN_DAYS} days`, `Kế hoạch tối đa ${MAX_PLAN_DAYS} ngày`);
      }
      const episode = await episodesRepo(deps.db).get(input.episodeId);
      if (!episode) throw new ServiceError('invalid', 'UNKNOWN_EPISODE', 'episodeId: no such episode', 'Không tìm thấy chương trình');
      if (episode.status !== 'ready' || !episode.readyAt || episode.durationSec === null) {
        if (input.priority === 'emergency' && episode.status === 'processing') {
          await deps.hooks?.onUrgentEpisode?.(episode.id);
          throw new ServiceError(
            'invalid',
            'EPISODE_NOT_READY',
            'The episode is still being transcoded; it has been moved to the urgent queue: try again in a few seconds',
            'Chương trình đang được chuyển mã và đã được đưa lên hàng ưu tiên: vui lòng thử lại sau vài giây',
          );
        }
        throw new ServiceError('invalid', 'EPISODE_NOT_READY', `The episode is ${episode.status}; only ready episodes can be planned`, 'Chương trình chưa sẵn sàng, chưa thể lập kế hoạch phát');
      }
      const target = await targets(p, input);
      const stationIds = target.stationIds;
      if (stationIds.length === 0) {
        throw input.areaIds
          ? new ServiceError('invalid', 'NO_STATIONS', 'There are no active stations in the chosen areas', 'Địa bàn đã chọn chưa có đài nào đang hoạt động')
          : new ServiceError('invalid', 'NO_STATIONS', 'There are no active stations to plan for', 'Chưa có đài nào đang hoạt động');
      }
      const planId = crypto.randomUUID();
      const minGapSec = Math.round(input.minGapHours * 3600);
      const at = now();

      return deps.db.transaction(async (tx) => {
        const stations = await stationsRepo(tx).lockForScheduling(stationIds);
        const active = new Set(stations.filter((s) => s.active).map((s) => s.id));
        const unknown = stationIds.filter((id) => !active.has(id));
        if (unknown.length > 0) {
          throw new ServiceError('invalid', 'UNKNOWN_STATIONS', `stationIds: unknown or inactive: ${unknown.join(', ')}`, 'Có đài không tồn tại hoặc đã ngừng hoạt động', { stationIds: unknown });
        }
        // The widest local period of any station bounds the busy-time query.
        const periods = stations.map((s) => localPeriod(s.timezone, input.from, input.to));
        if (input.priority !== 'emergency' && periods.every((p) => p.endsAt <= at)) throw periodOver(input, stations[0]!.timezone, at);
        const repo = plansRepo(tx);
        await repo.insertPlan({
          id: planId,
          episodeId: episode.id,
          priority: input.priority,
          airingsPerStation: input.airingsPerStation,
          fromDate: input.from,
          toDate: input.to,
          minGapSec,
          allStations: target.allStations,
          createdBy,
          source,
        });
        await repo.insertPlanAreas(planId, target.areaIds);
        const busyRows = await repo.busy(
          stationIds,
          new Date(Math.min(...periods.map((p) => p.startsAt.getTime()))),
          new Date(Math.max(...periods.map((p) => p.endsAt.getTime()))),
        );
        const busy = groupBy(busyRows, (b) => b.stationId);
        const airings: AiringRow[] = [];
        for (const [i, station] of stations.entries()) {
          const result =
            input.priority === 'emergency'
              ? { airings: [], shortfall: undefined } // placed at approval: "now" means the moment it is approved
              : allocateAirings({
                  timezone: station.timezone,
                  slots: slotInstances(station.grid, station.timezone, input.from, input.to),
                  busy: busy.get(station.id) ?? [],
                  durationSec: episode.durationSec!,
                  count: input.airingsPerStation,
                  minGapSec,
                  notBefore: episode.readyAt!,
                  priority: input.priority,
                  now: at,
                  period: periods[i],
                });
          const placed = result.airings.map<AiringRow>((a) => ({
            id: crypto.randomUUID(),
            planId,
            stationId: station.id,
            episodeId: episode.id,
            startsAt: a.startsAt,
            endsAt: a.endsAt,
            priority: input.priority,
            status: 'draft',
            slotIndex: a.slotIndex,
          }));
          airings.push(...placed);
          await repo.insertPlanStation(planId, {
            stationId: station.id,
            requested: input.priority === 'emergency' ? 1 : input.airingsPerStation,
            placed: placed.length,
            shortfallReason: result.shortfall?.reason ?? null,
            shortfallMessage: result.shortfall?.message ?? null,
            shortfallMessageVi: result.shortfall?.messageVi ?? null,
          });
        }
        await repo.insertAirings(airings);
        return describe(tx, (await repo.getPlan(planId))!);
      });
    },

    /** A plan the caller reads through its own stations: a province-wide plan shows a commune its own part. */
    async get(p: PlanActor, id: string): Promise<PlanResult> {
      const scope = access.listScope(p, 'plan.read');
      const plan = await plansRepo(deps.db).getPlan(id);
      if (!plan) throw notFoundError('plan', 'kế hoạch');
      if (!(await plansRepo(deps.db).touches(id, scope))) throw refusal(p.stationId !== null ? 'station' : 'area', 'plan.read');
      return describe(deps.db, plan, scope);
    },

    /** Plans touching at least one of the caller's stations. */
    list: (p: PlanActor, opts: { status?: 'draft' | 'approved' | 'cancelled'; limit: number; offset: number }) =>
      plansRepo(deps.db).listPlans({ ...opts, scope: access.listScope(p, 'plan.read') }),

    async approve(p: PlanActor, id: string): Promise<PlanResult> {
      access.assert(p, 'plan.approve');
      const approvedBy = p.userId;
      let emergency: EmergencyStart | null = null;
      const result = await changing('plan_approved', async (tx) => {
        const repo = plansRepo(tx);
        const plan = await repo.getPlan(id, true);
        if (!plan) throw notFoundError('plan', 'kế hoạch');
        await assertPlanStations(tx, p, 'plan.approve', id);
        if (plan.status !== 'draft') {
          throw new ServiceError('conflict', 'PLAN_NOT_DRAFT', `The plan is ${plan.status}; only a draft can be approved`, 'Chỉ kế hoạch ở trạng thái bản nháp mới được phê duyệt');
        }
        const episode = await episodesRepo(tx).get(plan.episodeId);
        if (episode?.status !== 'ready' || episode.durationSec === null) {
          throw new ServiceError('conflict', 'EPISODE_NOT_READY', 'The episode is no longer ready', 'Chương trình không còn sẵn sàng');
        }
        const stationIds = (await repo.planStations(id)).map((s) => s.stationId);
        const at = now();
        if (plan.priority === 'emergency') {
          await stationsRepo(tx).lockForScheduling(stationIds);
          const endsAt = new Date(at.getTime() + Math.ceil(episode.durationSec * 1000));
          await preempt(tx, stationIds, at, endsAt);
          const rows = stationIds.map<AiringRow>((stationId) => ({
            id: crypto.randomUUID(),
            planId: id,
            stationId,
            episodeId: plan.episodeId,
            startsAt: at,
            endsAt,
            priority: 'emergency',
            status: 'live',
            slotIndex: null,
          }));
          await repo.insertAirings(rows);
          emergency = { planId: id, episodeId: plan.episodeId, airings: rows.map((a) => ({ stationId: a.stationId, airingId: a.id, startsAt: a.startsAt, endsAt: a.endsAt })) };
        } else {
          const airings = await repo.planAirings(id);
          // A draft approved too late cannot go back in time: what already started is dropped, not aired late.
          const stale = airings.filter((a) => a.startsAt <= at).map((a) => a.id);
          await repo.setAiringStatus(stale, 'cancelled');
          await repo.setAiringStatus(airings.filter((a) => a.startsAt > at).map((a) => a.id), 'live');
        }
        await repo.setPlanStatus(id, 'approved', approvedBy);
        await bumpScheduleRev(tx, stationIds);
        return { result: await describe(tx, (await repo.getPlan(id))!), stationIds, reason: plan.priority === 'emergency' ? 'emergency_approved' : 'plan_approved' };
      });
      if (emergency) await deps.hooks?.onEmergency?.(emergency);
      return result;
    },

    async cancel(p: PlanActor, id: string): Promise<PlanResult> {
      access.assert(p, 'plan.cancel');
      return changing('plan_cancelled', async (tx) => {
        const repo = plansRepo(tx);
        const plan = await repo.getPlan(id, true);
        if (!plan) throw notFoundError('plan', 'kế hoạch');
        await assertPlanStations(tx, p, 'plan.cancel', id);
        if (plan.status === 'cancelled') return { result: await describe(tx, plan), stationIds: [] };
        const airings = (await repo.planAirings(id)).filter((a) => a.status !== 'cancelled');
        const stationIds = [...new Set(airings.map((a) => a.stationId))];
        await repo.setAiringStatus(airings.map((a) => a.id), 'cancelled');
        await repo.setPlanStatus(id, 'cancelled', null);
        await bumpScheduleRev(tx, stationIds);
        return { result: await describe(tx, (await repo.getPlan(id))!), stationIds };
      });
    },

    async moveAiring(p: PlanActor, id: string, startsAtIso: string): Promise<{ airing: AiringRow; station: StationRow }> {
      access.assert(p, 'airing.move');
      const startsAt = new Date(startsAtIso);
      return changing('airing_moved', async (tx) => {
        const repo = plansRepo(tx);
        const airing = await repo.getAiring(id, true);
        if (!airing) throw notFoundError('airing', 'lượt phát theo lịch');
        await accessService(tx).station(p, 'airing.move', airing.stationId);
        assertChangeable(airing, now());
        if (startsAt <= now()) throw new ServiceError('invalid', 'IN_THE_PAST', 'startsAt must be in the future', 'Thời điểm phát phải ở tương lai');
        const [station] = await stationsRepo(tx).lockForScheduling([airing.stationId]);
        const endsAt = new Date(startsAt.getTime() + (airing.endsAt.getTime() - airing.startsAt.getTime()));
        if (airing.priority !== 'emergency' && touchesQuietHours({ startsAt, endsAt }, station!.timezone, rules)) {
          throw new ServiceError('invalid', 'QUIET_HOURS', `The airing would fall in quiet hours ${rules.quietStart}–${rules.quietEnd}`, `Lượt phát rơi vào giờ nghỉ (không phát) ${rules.quietStart}–${rules.quietEnd}`);
        }
        // A moved airing keeps to the station's airtime grid as a planned one does (an emergency ignores it).
        const slot = airing.priority === 'emergency' ? null : slotHolding(station!.grid, station!.timezone, { startsAt, endsAt });
        if (airing.priority !== 'emergency' && !slot) {
          const why = explainOutsideGrid(station!.grid, station!.timezone, { startsAt, endsAt });
          throw new ServiceError('invalid', 'OUTSIDE_GRID', why.message, why.messageVi, {
            grid: station!.grid.map((s, slotIndex) => ({ slotIndex, ...s, messageEn: describeSlot(s, 'en'), messageVi: describeSlot(s, 'vi') })),
          });
        }
        const clash = (await repo.busy([airing.stationId], startsAt, endsAt)).find((b) => b.id !== id);
        if (clash) {
          throw new ServiceError('conflict', 'AIRING_CONFLICT', `The station already has airing ${clash.id} at ${stationIso(clash.startsAt, station!.timezone)}`, 'Đài đã có lượt phát khác vào khung giờ này', { conflictingAiringId: clash.id });
        }
        try {
          await repo.setAiringTimes(id, startsAt, endsAt, slot?.slotIndex ?? null);
        } catch (err) {
          // Two moves racing past the check still cannot both land: the exclusion constraint refuses the second.
          if ((err as { code?: string }).code === EXCLUSION_VIOLATION) {
            throw new ServiceError('conflict', 'AIRING_CONFLICT', 'The station already has an airing at that time', 'Đài đã có lượt phát khác vào khung giờ này');
          }
          throw err;
        }
        await bumpScheduleRev(tx, [airing.stationId]);
        return { result: { airing: (await repo.getAiring(id))!, station: station! }, stationIds: [airing.stationId] };
      });
    },

    async cancelAiring(p: PlanActor, id: string): Promise<{ airing: AiringRow; station: StationRow }> {
      access.assert(p, 'airing.cancel');
      return changing('airing_cancelled', async (tx) => {
        const repo = plansRepo(tx);
        const airing = await repo.getAiring(id, true);
        if (!airing) throw notFoundError('airing', 'lượt phát theo lịch');
        await accessService(tx).station(p, 'airing.cancel', airing.stationId);
        assertChangeable(airing, now());
        await repo.setAiringStatus([id], 'cancelled');
        await bumpScheduleRev(tx, [airing.stationId]);
        const [station] = await stationsRepo(tx).byIds([airing.stationId]);
        return { result: { airing: (await repo.getAiring(id))!, station: station! }, stationIds: [airing.stationId] };
      });
    },

    /** An airing the caller may read (or, with `permission`, act on): refused before anything of it is shown. */
    async getAiring(p: PlanActor, id: string, permission: Permission = 'airing.read'): Promise<{ airing: AiringRow; station: StationRow }> {
      access.assert(p, permission);
      const airing = await plansRepo(deps.db).getAiring(id);
      if (!airing) throw notFoundError('airing', 'lượt phát theo lịch');
      await access.station(p, permission, airing.stationId);
      const [station] = await stationsRepo(deps.db).byIds([airing.stationId]);
      return { airing, station: station! };
    },

    async stationAirings(stationId: string, from: Date, to: Date): Promise<(AiringRow & { title: string })[]> {
      return plansRepo(deps.db).stationAirings(stationId, from, to, ['live']);
    },
  };
}

/** A plan for days already gone could place nothing: say so, rather than blame the period's length. */
function periodOver(input: { from: string; to: string }, timezone: string, at: Date): ServiceError {
  const today = DateTime.fromJSDate(at, { zone: timezone });
  const vi = (d: string) => DateTime.fromISO(d).toFormat('dd/MM/yyyy');
  const message = `The period ${input.from} – ${input.to} is already over: choose dates from today (${today.toISODate()}) on`;
  const messageVi = `Kỳ phát ${vi(input.from)}–${vi(input.to)} đã kết thúc: hãy chọn «Đến ngày» từ hôm nay (${today.toFormat('dd/MM/yyyy')}) trở đi`;
  return new ServiceError('invalid', 'PERIOD_OVER', message, messageVi, [
    { field: 'to', location: 'body', rule: 'period_over', message, messageEn: message, messageVi },
  ]);
}

function assertChangeable(airing: AiringRow, at: Date) {
  if (airing.status === 'cancelled') throw new ServiceError('conflict', 'AIRING_CANCELLED', 'The airing is cancelled', 'Lượt phát đã bị huỷ');
  if (airing.startsAt <= at) throw new ServiceError('conflict', 'AIRING_STARTED', 'The airing has already started', 'Lượt phát đã bắt đầu');
}

/** An emergency takes the air: later airings in its way are cancelled, one already playing is cut short. */
async function preempt(tx: Queryable, stationIds: string[], startsAt: Date, endsAt: Date): Promise<void> {
  const repo = plansRepo(tx);
  for (const a of await repo.busy(stationIds, startsAt, endsAt)) {
    if (a.startsAt < startsAt) await repo.setAiringTimes(a.id, a.startsAt, startsAt);
    else await repo.setAiringStatus([a.id], 'cancelled');
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function stationPlanView(r: PlanStationRow, station: StationRow, airings: AiringRow[]): StationPlanView {
  return {
    stationId: r.stationId,
    code: station.code,
    name: station.name,
    requested: r.requested,
    placed: r.placed,
    shortfall: r.shortfallReason
      ? {
          missing: r.requested - r.placed,
          reason: r.shortfallReason,
          message: r.shortfallMessage ?? '',
          messageEn: r.shortfallMessage ?? '',
          messageVi: r.shortfallMessageVi ?? '',
        }
      : null,
    airings: airings.map((a) => toAiringView(a, station.timezone)),
  };
}

export type PlanService = ReturnType<typeof planService>;
