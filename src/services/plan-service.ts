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
import { gridRules } from './station-service.js';

export const createPlanSchema = z
  .object({
    episodeId: z.uuid({ error: 'episodeId must be a UUID' }),
    stationIds: z.union([z.literal('all'), z.array(z.uuid({ error: 'stationIds must be UUIDs' })).min(1).max(20_000)]),
    airingsPerStation: z.number().int().min(1).max(100).default(3),
    from: localDateSchema,
    to: localDateSchema,
    priority: z.enum(['normal', 'priority', 'emergency']).default('normal'),
    minGapHours: z.number().min(0).max(24 * 31).default(24),
  })
  .refine((p) => p.from <= p.to, { error: 'from must not be after to', path: ['to'], params: { messageVi: 'phải cùng ngày hoặc sau «Từ ngày»' } });

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
  /** Runs a transaction that changes schedules, then (after commit) tells whoever caches or listens. */
  const changing = async <T>(reason: string, work: (tx: Queryable) => Promise<{ result: T; stationIds: string[]; reason?: string }>): Promise<T> => {
    const done = await deps.db.transaction(work);
    if (done.stationIds.length > 0) deps.hooks?.onScheduleChange?.([...new Set(done.stationIds)], done.reason ?? reason);
    return done.result;
  };

  async function describe(tx: Queryable, plan: PlanRow): Promise<PlanResult> {
    const repo = plansRepo(tx);
    const [rows, airings] = await Promise.all([repo.planStations(plan.id), repo.planAirings(plan.id)]);
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
    async create(input: z.infer<typeof createPlanSchema>, createdBy: string | null, source: 'plan' | 'play_now' = 'plan'): Promise<PlanResult> {
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
      const stationIds = input.stationIds === 'all' ? await stationsRepo(deps.db).activeIds() : [...new Set(input.stationIds)];
      if (stationIds.length === 0) throw new ServiceError('invalid', 'NO_STATIONS', 'There are no active stations to plan for', 'Chưa có đài nào đang hoạt động');
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
          allStations: input.stationIds === 'all',
          createdBy,
          source,
        });
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

    async get(id: string): Promise<PlanResult> {
      const plan = await plansRepo(deps.db).getPlan(id);
      if (!plan) throw notFoundError('plan', 'kế hoạch');
      return describe(deps.db, plan);
    },

    list: (opts: { status?: 'draft' | 'approved' | 'cancelled'; limit: number; offset: number }) => plansRepo(deps.db).listPlans(opts),

    async approve(id: string, approvedBy: string | null): Promise<PlanResult> {
      let emergency: EmergencyStart | null = null;
      const result = await changing('plan_approved', async (tx) => {
        const repo = plansRepo(tx);
        const plan = await repo.getPlan(id, true);
        if (!plan) throw notFoundError('plan', 'kế hoạch');
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

    async cancel(id: string): Promise<PlanResult> {
      return changing('plan_cancelled', async (tx) => {
        const repo = plansRepo(tx);
        const plan = await repo.getPlan(id, true);
        if (!plan) throw notFoundError('plan', 'kế hoạch');
        if (plan.status === 'cancelled') return { result: await describe(tx, plan), stationIds: [] };
        const airings = (await repo.planAirings(id)).filter((a) => a.status !== 'cancelled');
        const stationIds = [...new Set(airings.map((a) => a.stationId))];
        await repo.setAiringStatus(airings.map((a) => a.id), 'cancelled');
        await repo.setPlanStatus(id, 'cancelled', null);
        await bumpScheduleRev(tx, stationIds);
        return { result: await describe(tx, (await repo.getPlan(id))!), stationIds };
      });
    },

    async moveAiring(id: string, startsAtIso: string): Promise<{ airing: AiringRow; station: StationRow }> {
      const startsAt = new Date(startsAtIso);
      return changing('airing_moved', async (tx) => {
        const repo = plansRepo(tx);
        const airing = await repo.getAiring(id, true);
        if (!airing) throw notFoundError('airing', 'lượt phát theo lịch');
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

    async cancelAiring(id: string): Promise<{ airing: AiringRow; station: StationRow }> {
      return changing('airing_cancelled', async (tx) => {
        const repo = plansRepo(tx);
        const airing = await repo.getAiring(id, true);
        if (!airing) throw notFoundError('airing', 'lượt phát theo lịch');
        assertChangeable(airing, now());
        await repo.setAiringStatus([id], 'cancelled');
        await bumpScheduleRev(tx, [airing.stationId]);
        const [station] = await stationsRepo(tx).byIds([airing.stationId]);
        return { result: { airing: (await repo.getAiring(id))!, station: station! }, stationIds: [airing.stationId] };
      });
    },

    async getAiring(id: string): Promise<{ airing: AiringRow; station: StationRow }> {
      const airing = await plansRepo(deps.db).getAiring(id);
      if (!airing) throw notFoundError('airing', 'lượt phát theo lịch');
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
