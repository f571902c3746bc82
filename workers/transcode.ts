import { UnrecoverableError } from 'bullmq';
import { episodesRepo } from '../src/db/episodes-repo.js';
import { RejectedInput } from '../src/domain/audio/rejection.js';
import type { Logger } from '../src/logger.js';
import type { TranscodeJobName } from '../src/queue/jobs.js';
import type { TypedJob } from '../src/queue/queues.js';
import { transcodeEpisode, type TranscodeDeps } from '../src/services/transcode-service.js';

const PROGRESS_EVERY_MS = 1000;

/** Handler for `transcode` jobs: parse, run the service, report progress; rejected input is final. */
export function transcodeHandler(deps: TranscodeDeps, logger: Logger) {
  const repo = episodesRepo(deps.db);
  return async (job: TypedJob<TranscodeJobName>, _token?: string, signal?: AbortSignal) => {
    const { episodeId } = job.data;
    const log = logger.child({ jobId: job.id, job: job.name, episodeId, attempt: job.attemptsMade + 1 });
    log.info({ urgent: job.name === 'transcode-urgent' }, 'transcode started');
    let lastPct = -1;
    let lastAt = 0;
    const onProgress = (fraction: number) => {
      const pct = Math.floor(fraction * 100);
      // Every 2 % and at most once a second: enough for a progress bar, few enough writes for a 4-hour file, and a
      // 3-second bulletin does not spend its time writing 50 of them into the database it shares a thread with.
      const now = Date.now();
      if ((pct < lastPct + 2 || now - lastAt < PROGRESS_EVERY_MS) && pct !== 100) return;
      lastPct = pct;
      lastAt = now;
      log.debug({ pct }, 'progress');
      void job.updateProgress(pct).catch(() => undefined);
      void repo.setProgress(episodeId, Math.min(pct, 99)).catch(() => undefined);
    };
    try {
      return await transcodeEpisode(deps, episodeId, log, onProgress, signal);
    } catch (err) {
      if (err instanceof RejectedInput) {
        await repo.markFailed(episodeId, err.rejection.code, err.rejection.message);
        log.warn({ code: err.rejection.code }, 'input rejected');
        throw new UnrecoverableError(err.message);
      }
      log.warn({ err }, 'transcode attempt failed');
      throw err;
    }
  };
}

/** After the last attempt a transient failure becomes visible on the episode too. */
export function transcodeFailureHook(deps: Pick<TranscodeDeps, 'db'>, logger: Logger, attempts: number) {
  const repo = episodesRepo(deps.db);
  return async (job: TypedJob<TranscodeJobName> | undefined, err: Error) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    if (!final) return;
    const reason = err.message.slice(0, 500);
    await repo
      .markFailed(job.data.episodeId, 'TRANSCODE_FAILED', `Chuyển mã thất bại sau ${job.attemptsMade} lần thử: ${reason}`)
      .catch((e: unknown) => logger.error({ err: e, jobId: job.id }, 'could not record failure'));
    logger.error({ jobId: job.id, episodeId: job.data.episodeId, err: reason }, 'transcode failed for good');
  };
}
