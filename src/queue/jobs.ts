import type { JobsOptions } from 'bullmq';
import type { Config } from '../../config/index.js';

/** Every job the service runs: name → payload. One queue per job name. */
export interface JobPayloads {
  transcode: { episodeId: string };
  /** The same work on a queue of its own, with its own worker: an emergency bulletin never waits behind a programme. */
  'transcode-urgent': { episodeId: string };
  /** Deliver manifest `version` to the station's webhook. */
  push: { stationId: string; version: string };
  /** Send one alert event to ALERT_WEBHOOK_URL. */
  'alert-webhook': { alertId: string; event: 'opened' | 'resolved' };
}
export type JobName = keyof JobPayloads;
export const JOB_NAMES: readonly JobName[] = ['transcode', 'transcode-urgent', 'push', 'alert-webhook'] as const;

export type TranscodeJobName = 'transcode' | 'transcode-urgent';
export const transcodeJobFor = (urgent: boolean): TranscodeJobName => (urgent ? 'transcode-urgent' : 'transcode');

/** Deterministic ids: adding the same job twice while one is waiting or running is a no-op. */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'transcode':
      return `transcode-${(payload as JobPayloads['transcode']).episodeId}`;
    case 'transcode-urgent':
      return `transcode-urgent-${(payload as JobPayloads['transcode-urgent']).episodeId}`;
    case 'push': {
      const p = payload as JobPayloads['push'];
      return `push-${p.stationId}-${p.version}`;
    }
    case 'alert-webhook': {
      const p = payload as JobPayloads['alert-webhook'];
      return `alert-webhook-${p.alertId}-${p.event}`;
    }
    default:
      throw new Error(`unknown job ${String(name)}`);
  }
}

export const CAPPED_EXPONENTIAL = 'capped-exponential';

/** Delay before retry n (1-based): doubling from base, never above max. */
export function cappedDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Enough attempts that the retries span at least `hours` (stations can be offline for a day). */
export function attemptsToSpan(hours: number, baseMs: number, maxMs: number): number {
  let total = 0;
  let retries = 0;
  while (total < hours * 3600_000) total += cappedDelay(++retries, baseMs, maxMs);
  return retries + 1;
}

/** Attempts, back-off and retention in one place. Failed jobs are kept so the reason stays visible. */
export function jobOptions(name: JobName, jobs: Config['jobs'], distribution: Config['distribution']): JobsOptions {
  switch (name) {
    case 'transcode':
    case 'transcode-urgent':
      return {
        attempts: jobs.attempts,
        backoff: { type: 'exponential', delay: jobs.backoffMs },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      };
    case 'push':
    // A duty officer's receiver may be down as long as a station: alerts are retried on the same capped back-off.
    case 'alert-webhook':
      return {
        attempts: attemptsToSpan(distribution.pushRetryHours, distribution.pushBackoffMs, distribution.pushMaxBackoffMs),
        backoff: { type: CAPPED_EXPONENTIAL },
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      };
    default:
      throw new Error(`unknown job ${String(name)}`);
  }
}
