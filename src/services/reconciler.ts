import type { Database } from '../db/database.js';
import { episodesRepo } from '../db/episodes-repo.js';
import type { Logger } from '../logger.js';
import { transcodeJobFor } from '../queue/jobs.js';
import type { JobQueues } from '../queue/queues.js';

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Finds episodes that are processing but have no live job (Redis was down at upload, Redis lost its data,
 * a failure hook never ran) and queues them again. Safe to run from several processes: job ids are deterministic.
 */
export async function reconcileEpisodes(deps: { db: Database; queues: JobQueues; logger: Logger }, graceSec: number): Promise<number> {
  const repo = episodesRepo(deps.db);
  let requeued = 0;
  for (const { id: episodeId, urgent } of await repo.processingSince(graceSec)) {
    // An episode made urgent while it waited may have a job on either queue: either one still running is enough.
    const states = await Promise.all([deps.queues.state('transcode', { episodeId }), deps.queues.state('transcode-urgent', { episodeId })]);
    if (states.some((s) => s && LIVE_STATES.has(s))) continue;
    const name = transcodeJobFor(urgent);
    await deps.queues.clearFinished(name, { episodeId });
    await deps.queues.add(name, { episodeId });
    requeued++;
    deps.logger.info({ episodeId, urgent, previousStates: states }, 're-queued episode with no live job');
  }
  return requeued;
}
