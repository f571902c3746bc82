import type { Database } from '../db/database.js';
import { episodesRepo } from '../db/episodes-repo.js';
import type { Logger } from '../logger.js';
import type { JobQueues } from '../queue/queues.js';

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Finds episodes that are processing but have no live job (Redis was down at upload, Redis lost its data,
 * a failure hook never ran) and queues them again. Safe to run from several processes: job ids are deterministic.
 */
export async function reconcileEpisodes(deps: { db: Database; queues: JobQueues; logger: Logger }, graceSec: number): Promise<number> {
  const repo = episodesRepo(deps.db);
  let requeued = 0;
  for (const episodeId of await repo.processingSince(graceSec)) {
    const state = await deps.queues.state('transcode', { episodeId });
    if (state && LIVE_STATES.has(state)) continue;
    await deps.queues.clearFinished('transcode', { episodeId });
    await deps.queues.add('transcode', { episodeId });
    requeued++;
    deps.logger.info({ episodeId, previousState: state }, 're-queued episode with no live job');
  }
  return requeued;
}
