import cron from 'node-cron';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';

export interface SchedulerTasks {
  /** Re-queue episodes that have no live transcode job. */
  reconcile(): Promise<unknown>;
  /** Queue pushes for stations whose manifest changed since their last delivery. */
  schedulePushes(): Promise<{ queued: number }>;
  /** Open and resolve alerts from the current facts; queue their webhook events. */
  evaluateAlerts(): Promise<{ opened: number; resolved: number; queued: number }>;
  /** Mark devices that fell silent offline (with their presence history rows). */
  sweepPresence?(): Promise<{ offline: number }>;
  /** Remove resumable uploads left unfinished past their expiry (parts, bookkeeping, orphaned originals). */
  sweepUploads?(): Promise<number>;
  /** Remove stored originals and renditions that no episode row points to, once past their grace period. */
  sweepOrphans?(): Promise<unknown>;
}

/**
 * The node-cron ticks. Each only enqueues idempotent jobs, so two schedulers ticking at once do no harm;
 * a failing tick is logged and simply tried again at the next one.
 */
export function startScheduler(config: Config, logger: Logger, tasks: SchedulerTasks): { stop(): void } {
  const guarded = (name: string, work: () => Promise<void>) => async () => {
    try {
      await work();
    } catch (err) {
      logger.warn({ err, task: name }, 'scheduled task failed; will try again at the next tick');
    }
  };
  const reconcile = guarded('reconcile-episodes', async () => void (await tasks.reconcile()));
  const pushes = guarded('schedule-pushes', async () => {
    const r = await tasks.schedulePushes();
    if (r.queued > 0) logger.info(r, 'pushes queued');
  });
  // The service logs what changed; an idle tick stays quiet.
  const alerts = guarded('evaluate-alerts', async () => void (await tasks.evaluateAlerts()));
  // The service logs the devices that went offline.
  const presence = guarded('sweep-presence', async () => void (await tasks.sweepPresence?.()));
  // The upload service logs what it removed.
  const uploads = guarded('sweep-uploads', async () => void (await tasks.sweepUploads?.()));
  // The sweep logs each object it removed.
  const orphans = guarded('sweep-orphans', async () => void (await tasks.sweepOrphans?.()));
  // At start too: episodes left without a job while no scheduler ran are picked up at once.
  void reconcile();
  const running = [
    cron.schedule(config.jobs.reconcileCron, reconcile, { name: 'reconcile-episodes', noOverlap: true }),
    cron.schedule(config.distribution.pushCron, pushes, { name: 'schedule-pushes', noOverlap: true }),
    cron.schedule(config.alerts.cron, alerts, { name: 'evaluate-alerts', noOverlap: true }),
    ...(tasks.sweepPresence ? [cron.schedule(config.live.presenceCron, presence, { name: 'sweep-presence', noOverlap: true })] : []),
    ...(tasks.sweepUploads ? [cron.schedule(config.upload.sweepCron, uploads, { name: 'sweep-uploads', noOverlap: true })] : []),
    ...(tasks.sweepOrphans ? [cron.schedule(config.upload.orphanSweepCron, orphans, { name: 'sweep-orphans', noOverlap: true })] : []),
  ];
  return { stop: () => running.forEach((t) => void t.destroy()) };
}
