import type { JobsOptions } from 'bullmq';
import type { Config } from '../../config/index.js';

/** Every job the service runs: name → payload. One queue per job name. */
export interface JobPayloads {
  transcode: { episodeId: string };
}
export type JobName = keyof JobPayloads;
export const JOB_NAMES: readonly JobName[] = ['transcode'] as const;

/** Deterministic ids: adding the same job twice while one is waiting or running is a no-op. */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'transcode':
      return `transcode-${payload.episodeId}`;
    default:
      throw new Error(`unknown job ${String(name)}`);
  }
}

/** Attempts, back-off and retention in one place. Failed jobs are kept so the reason stays visible. */
export function jobOptions(name: JobName, jobs: Config['jobs']): JobsOptions {
  switch (name) {
    case 'transcode':
      return {
        attempts: jobs.attempts,
        backoff: { type: 'exponential', delay: jobs.backoffMs },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      };
    default:
      throw new Error(`unknown job ${String(name)}`);
  }
}
