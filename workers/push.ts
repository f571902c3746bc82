import type { Logger } from '../src/logger.js';
import type { TypedJob } from '../src/queue/queues.js';
import type { PushService } from '../src/services/push-service.js';

/** Handler for `push` jobs: deliver the station's current manifest if it is still the version asked for. */
export function pushHandler(push: PushService, logger: Logger) {
  return async (job: TypedJob<'push'>) => {
    const log = logger.child({ jobId: job.id, job: job.name, stationId: job.data.stationId, attempt: job.attemptsMade + 1 });
    return push.deliver(job.data.stationId, job.data.version, log);
  };
}
