import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { playsRepo, type PlayRow } from '../db/plays-repo.js';
import { statsRepo } from '../db/stats-repo.js';
import {
  annotatePlay,
  buildComplianceRows,
  classifyPlayBatch,
  complianceTotals,
  groupStats,
  statsTotals,
  type ComplianceRow,
  type ComplianceTotals,
  type GroupBy,
  type Period,
  type StatsRow,
} from '../domain/tracking/index.js';

export interface PlayResult {
  eventId: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
  message?: string;
}

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
    async ingest(stationId: string, raws: readonly unknown[]): Promise<PlayResult[]> {
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
          return { ...p, stationId, airingId: note.airingId, kind: note.kind, repeat: false };
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
        if (v.status === 'rejected') return { eventId: v.eventId, status: 'rejected', reason: v.reason, message: v.message };
        if (v.status === 'duplicate') return { eventId: v.eventId, status: 'duplicate' };
        return { eventId: v.eventId, status: stored.has(v.eventId) ? 'accepted' : 'duplicate' };
      });
    },

    /** The stations × months grid for a period (optionally one station's rows only). */
    async compliance(period: Period, stationIds?: string[], perEpisode = false): Promise<{ rows: ComplianceRow[]; totals: ComplianceTotals; activity: Awaited<ReturnType<ReturnType<typeof statsRepo>['activity']>> }> {
      const repo = statsRepo(deps.db);
      const q = { period, stationIds, series: t.series, now: now(), missedGraceSec: t.missedGraceSec };
      const [stations, activity, ownProgrammes] = await Promise.all([
        repo.stations(stationIds),
        repo.activity({ ...q, perEpisode }),
        repo.ownProgrammes(q),
      ]);
      const rows = buildComplianceRows({ stations, period, activity, ownProgrammes, targets: t.targets });
      return { rows, totals: complianceTotals(rows), activity };
    },

    async stats(period: Period, groupBy: GroupBy, stationIds?: string[]): Promise<{ rows: StatsRow[]; totals: ReturnType<typeof statsTotals> }> {
      const { rows, activity } = await this.compliance(period, stationIds, groupBy === 'episode');
      const grouped = groupStats(groupBy, { rows, activity, targets: t.targets });
      return { rows: grouped, totals: statsTotals(grouped) };
    },
  };
}

export type TrackingService = ReturnType<typeof trackingService>;
