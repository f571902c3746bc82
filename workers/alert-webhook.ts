import type { Logger } from '../src/logger.js';
import type { TypedJob } from '../src/queue/queues.js';
import type { AlertService } from '../src/services/alert-service.js';

/** Handler for `alert-webhook` jobs: send one alert event to the duty officer's receiver. */
export function alertWebhookHandler(alerts: AlertService, logger: Logger) {
  return async (job: TypedJob<'alert-webhook'>) => {
    const log = logger.child({ jobId: job.id, job: job.name, alertId: job.data.alertId, event: job.data.event, attempt: job.attemptsMade + 1 });
    try {
      return await alerts.deliver(job.data.alertId, job.data.event, log);
    } catch (err) {
      log.warn({ err }, 'alert not delivered; will retry');
      throw err;
    }
  };
}
