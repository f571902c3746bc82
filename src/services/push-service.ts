import { Webhook } from 'standardwebhooks';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { pushesRepo } from '../db/pushes-repo.js';
import { stationsRepo } from '../db/stations-repo.js';
import type { Logger } from '../logger.js';
import { jobIdFor } from '../queue/jobs.js';
import type { JobQueues } from '../queue/queues.js';
import type { ManifestBuild } from './manifest-service.js';

// Half the default database pool: API requests still find free connections while a tick runs.
const SCHEDULE_CONCURRENCY = 5;

export class PushFailed extends Error {
  override name = 'PushFailed';
}

export interface PushDeps {
  db: Database;
  config: Config;
  queues: JobQueues;
  build: ManifestBuild;
  /** Absolute base for media links in pushed manifests. */
  baseUrl: () => string;
  logger: Logger;
  now?: () => Date;
}

/**
 * Push delivery. The scheduler queues one job per station and manifest version (deduplicated by job id); the job
 * pushes whatever is current, so a newer version simply supersedes an older one that is still waiting.
 */
export function pushService(deps: PushDeps) {
  const now = deps.now ?? (() => new Date());
  const pushes = pushesRepo(deps.db);
  const stations = stationsRepo(deps.db);

  return {
    /** The scheduler's tick: queue a push for every station whose manifest changed since its last delivery. */
    async scheduleDue(onlyIds?: string[]): Promise<{ checked: number; queued: number }> {
      let queued = 0;
      const due = await pushes.due(onlyIds);
      const one = async (d: (typeof due)[number]) => {
        const station = await stations.get(d.stationId);
        if (!station) return;
        const built = await deps.build(station, now(), deps.baseUrl());
        const version = built.doc.version;
        if (version === d.deliveredVersion) {
          await pushes.stillCurrent(station.id, built.rev, built.validUntil);
          return;
        }
        if (version === d.wantedVersion) {
          const state = await deps.queues.state('push', { stationId: station.id, version });
          if (state && state !== 'completed' && state !== 'failed') return;
          await deps.queues.clearFinished('push', { stationId: station.id, version });
        } else if (d.wantedVersion) {
          await deps.queues.removePending('push', { stationId: station.id, version: d.wantedVersion });
        }
        await pushes.want(station.id, version);
        await deps.queues.add('push', { stationId: station.id, version });
        queued++;
      };
      // Stations are independent: a few at a time keeps the database and Redis busy without flooding the pool.
      let next = 0;
      const lanes = Array.from({ length: Math.min(SCHEDULE_CONCURRENCY, due.length) }, async () => {
        while (next < due.length) await one(due[next++]!);
      });
      await Promise.all(lanes);
      return { checked: due.length, queued };
    },

    /** One delivery attempt; throws PushFailed so the queue retries with back-off. */
    async deliver(stationId: string, version: string, log: Logger): Promise<'delivered' | 'superseded' | 'no-webhook'> {
      const station = await stations.get(stationId);
      if (!station?.active || !station.webhookUrl) return 'no-webhook';
      const built = await deps.build(station, now(), deps.baseUrl());
      if (built.doc.version !== version) {
        log.info({ wanted: version, current: built.doc.version }, 'superseded by a newer manifest');
        return 'superseded';
      }
      const body = JSON.stringify(built.doc);
      // The same id on every retry of this version lets the station drop duplicates.
      const msgId = jobIdFor('push', { stationId, version });
      const sentAt = now();
      const signature = new Webhook(station.webhookSecret).sign(msgId, sentAt, body);
      let status: number | null = null;
      try {
        const res = await fetch(station.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'loa-xa-push/1',
            'webhook-id': msgId,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(deps.config.distribution.pushTimeoutMs),
        });
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
        if (status < 200 || status >= 300) throw new PushFailed(`station answered HTTP ${status}`);
      } catch (err) {
        const reason = err instanceof PushFailed ? err.message : `unreachable: ${(err as Error).message}`;
        await pushes.attempt(stationId, reason, status);
        throw err instanceof PushFailed ? err : new PushFailed(reason);
      }
      await pushes.delivered(station, version, built.rev, built.validUntil, status);
      log.info({ stationId, version, status }, 'manifest pushed');
      return 'delivered';
    },
  };
}

export type PushService = ReturnType<typeof pushService>;
