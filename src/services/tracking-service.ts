import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { missesRepo } from '../db/misses-repo.js';
import { playsRepo, type PlayRow } from '../db/plays-repo.js';
import { statsRepo } from '../db/stats-repo.js';
import {
  annotatePlay,
  buildComplianceRows,
  classifyMissedReport,
  classifyPlayBatch,
  isMissedReport,
  complianceTotals,
  groupStats,
  rollUpByArea,
  type AreaSubtotal,
  statsTotals,
  type ComplianceRow,
  type ComplianceTotals,
  type GroupBy,
  type Period,
  type StatsRow,
} from '../domain/tracking/index.js';
import type { AccessPrincipal } from '../domain/access/policy.js';
import { accessService } from './access.js';

export interface PlayResult {
  eventId: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
  /** English (as before); `messageEn` and `messageVi` name their language (see domain/text/bilingual.ts). */
  message?: string;
  messageEn?: string;
  messageVi?: string;
}

const rejected = (eventId: string | null, reason: string, message: string, messageVi: string): PlayResult => ({
  eventId,
  status: 'rejected',
  reason,
  message,
  messageEn: message,
  messageVi,
});

// The longest airing a play could belong to; bounds the airing lookup around the batch's plays.
const MAX_AIRING_SEC = 24 * 3600;

/** Play reports in, counts and compliance out. */
export function trackingService(deps: { db: Database; config: Config; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const t = deps.config.tracking;

  return {
    /**
     * Judges every event on its own, matches the good ones to the station's airings and stores them in one
     * transaction (acknowledged only after commit). A re-sent event is a duplicate, never a second play.
     */
    async ingest(stationId: string, all: readonly unknown[], deviceId: string | null = null): Promise<PlayResult[]> {
      // Missed-airing reports ride in the same batch (one journal, one ack path on the device) but are stored apart.
      const missedAt = all.map(isMissedReport);
      const raws = all.filter((_, i) => !missedAt[i]);
      const missResults = await this.ingestMisses(stationId, all.filter((_, i) => missedAt[i]), deviceId);
      const playResults = raws.length === 0 ? [] : await this.ingestPlays(stationId, raws, deviceId);
      let p = 0;
      let m = 0;
      return missedAt.map((missed) => (missed ? missResults[m++]! : playResults[p++]!));
    },

    async ingestMisses(stationId: string, raws: readonly unknown[], deviceId: string | null): Promise<PlayResult[]> {
      if (raws.length === 0) return [];
      const verdicts = raws.map(classifyMissedReport);
      const seen = new Set<string>();
      const repo = missesRepo(deps.db);
      const good = verdicts.flatMap((v) => (v.ok ? [v.miss] : []));
      const own = await repo.stationAirings(stationId, [...new Set(good.map((g) => g.airingId))]);
      const toStore = good.filter((g) => own.has(g.airingId) && !seen.has(g.eventId) && seen.add(g.eventId));
      const stored = await repo.insert(stationId, deviceId, toStore);
      const answered = new Set<string>();
      return verdicts.map((v): PlayResult => {
        if (!v.ok) return rejected(v.eventId, 'malformed', v.message, v.messageVi);
        if (!own.has(v.miss.airingId)) {
          return rejected(v.miss.eventId, 'unknown_airing', 'airingId: not an airing of this station', 'Lượt phát theo lịch này không thuộc đài');
        }
        const first = stored.has(v.miss.eventId) && !answered.has(v.miss.eventId);
        answered.add(v.miss.eventId);
        return { eventId: v.miss.eventId, status: first ? 'accepted' : 'duplicate' };
      });
    },

    async ingestPlays(stationId: string, raws: readonly unknown[], deviceId: string | null): Promise<PlayResult[]> {
      const episodeIds = [
        ...new Set(
          raws.flatMap((r) => {
            const id = (r as { episodeId?: unknown } | null)?.episodeId;
            return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? [id.toLowerCase()] : [];
          }),
        ),
      ];
      const plays = playsRepo(deps.db);
      const sent = await plays.sentEpisodes(stationId, episodeIds);
      const verdicts = classifyPlayBatch(raws, { now: now(), episodes: sent, clockSkewSec: t.clockSkewSec });

      const valid = verdicts.flatMap((v) => (v.status === 'valid' ? [v.play] : []));
      let rows: PlayRow[] = [];
      if (valid.length > 0) {
        const times = valid.map((p) => p.startedAt.getTime());
        const airings = await plays.candidateAirings(
          stationId,
          [...new Set(valid.map((p) => p.episodeId))],
          new Date(Math.min(...times) - (t.matchToleranceSec + MAX_AIRING_SEC) * 1000),
          new Date(Math.max(...times) + t.matchToleranceSec * 1000),
        );
        rows = valid.map((p) => {
          const note = annotatePlay(p, sent.get(p.episodeId)?.durationSec ?? null, airings, {
            toleranceSec: t.matchToleranceSec,
            rebroadcastThreshold: t.rebroadcastThreshold,
          });
          return { ...p, stationId, deviceId, airingId: note.airingId, kind: note.kind, repeat: false };
        });
      }
      const stored =
        rows.length === 0
          ? new Set<string>()
          : await deps.db.transaction(async (tx) => {
              const repo = playsRepo(tx);
              await repo.lockStation(stationId);
              // An airing airs once: a further full play of it (the agent's report after an operator's mark) is a repeat.
              const aired = await repo.airedAirings([...new Set(rows.flatMap((r) => (r.airingId ? [r.airingId] : [])))]);
              for (const r of rows) {
                if (r.kind !== 'rebroadcast' || !r.airingId) continue;
                r.repeat = aired.has(r.airingId);
                aired.add(r.airingId);
              }
              return repo.insert(rows);
            });

      return verdicts.map((v): PlayResult => {
        if (v.status === 'rejected') return rejected(v.eventId, v.reason, v.message, v.messageVi);
        if (v.status === 'duplicate') return { eventId: v.eventId, status: 'duplicate' };
        return { eventId: v.eventId, status: stored.has(v.eventId) ? 'accepted' : 'duplicate' };
      });
    },

    /** The play already recorded as this airing's broadcast (by the device or by an earlier mark), if any. */
    recordedPlay: (airingId: string) => playsRepo(deps.db).airingPlay(airingId),

    /**
     * The stations × months grid for a period, of the caller's stations: every active station at or below its area
     * (a tied operator: its one station, active or not), with subtotals per area (province → grouping → commune).
     */
    async compliance(
      p: AccessPrincipal,
      period: Period,
      perEpisode = false,
    ): Promise<{ rows: ComplianceRow[]; totals: ComplianceTotals; areas: AreaSubtotal[]; activity: Awaited<ReturnType<ReturnType<typeof statsRepo>['activity']>> }> {
      const scope = accessService(deps.db).listScope(p, 'stats.read');
      const repo = statsRepo(deps.db);
      const stationIds = scope.stationId !== null ? [scope.stationId] : scope.areaPath !== null ? await repo.stationIdsWithin(scope.areaPath) : undefined;
      const at = now();
      const q = { period, stationIds, series: t.series, now: at, missedGraceSec: t.missedGraceSec };
      const [stations, activity, ownProgrammes] = await Promise.all([
        repo.stations(stationIds),
        repo.activity({ ...q, perEpisode }),
        repo.ownProgrammes(q),
      ]);
      const rows = buildComplianceRows({ stations, period, activity, ownProgrammes, targets: t.targets, now: at });
      const { stationAreaPath, areas } = await repo.areasOf(stations.map((s) => s.id));
      return { rows, totals: complianceTotals(rows), areas: rollUpByArea(rows, stationAreaPath, areas, scope.areaPath), activity };
    },

    async stats(p: AccessPrincipal, period: Period, groupBy: GroupBy): Promise<{ rows: StatsRow[]; totals: ReturnType<typeof statsTotals>; areas: AreaSubtotal[] }> {
      const { rows, activity, areas } = await this.compliance(p, period, groupBy === 'episode');
      const grouped = groupStats(groupBy, { rows, activity, targets: t.targets });
      return { rows: grouped, totals: statsTotals(grouped), areas };
    },
  };
}

export type TrackingService = ReturnType<typeof trackingService>;
