import path from 'node:path';
import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { completeEpisode, episodesRepo, type RenditionRow } from '../db/episodes-repo.js';
import type { Logger } from '../logger.js';
import { runAudioPipeline, type PipelineSettings } from '../media/pipeline.js';
import type { MediaRunner } from '../media/runner.js';
import { objectKeys } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { createWorkDir } from './work-dirs.js';

export interface TranscodeDeps {
  config: Config;
  db: Database;
  store: ObjectStore;
  runner: MediaRunner;
}

export function pipelineSettings(config: Config, urgent = false): PipelineSettings {
  const m = config.media;
  return {
    target: { integratedLufs: m.loudnessTargetLufs, truePeakDbtp: m.truePeakMaxDbtp },
    silence: { thresholdDb: m.silenceThresholdDb, trimMinSec: m.silenceTrimMinSec, keepSec: m.silenceKeepSec },
    limits: { minDurationSec: m.minDurationSec, maxDurationSec: m.maxDurationSec },
    renditions: [
      { name: 'mp3', bitrateKbps: m.mp3BitrateKbps },
      { name: 'opus', bitrateKbps: m.opusBitrateKbps },
    ],
    timeoutSec: m.timeoutSec,
    useSecondCore: m.parallelEncoders === 'all' || (m.parallelEncoders === 'urgent' && urgent),
  };
}

/**
 * Downloads the original into a temp directory of its own, runs the pipeline, uploads the renditions to their
 * deterministic keys and records them. Safe to repeat: a ready episode is left alone, a re-run overwrites.
 * Throws RejectedInput for files that can never succeed, anything else for the job layer to retry.
 */
export async function transcodeEpisode(
  deps: TranscodeDeps,
  episodeId: string,
  log: Logger,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<'ready' | 'skipped'> {
  const repo = episodesRepo(deps.db);
  const episode = await repo.get(episodeId);
  if (!episode || episode.status !== 'processing') {
    log.info({ episodeId, status: episode?.status ?? 'missing' }, 'nothing to do');
    return 'skipped';
  }
  // Named for this process: a worker killed mid-job leaves it behind, and the next start sweeps it (work-dirs.ts).
  const work = await createWorkDir(deps.config.tmpDir, episodeId);
  const workDir = work.path;
  try {
    const input = path.join(workDir, 'original');
    const bytes = await deps.store.downloadTo(episode.originalKey, input);
    log.info({ bytes }, 'original downloaded');
    const result = await runAudioPipeline(
      deps.runner,
      input,
      workDir,
      // A typed bulletin is an announcement someone is waiting to send: it takes the fast path as an urgent one does.
      pipelineSettings(deps.config, episode.urgent || episode.source === 'tts'),
      onProgress,
      signal,
    );
    // Side by side: an urgent bulletin waits on the slower of the two, not on both.
    const rows: RenditionRow[] = await Promise.all(
      result.renditions.map(async ({ file, ...facts }) => {
        const key = objectKeys.rendition(episodeId, facts.name);
        await deps.store.putFile(key, file, facts.mimeType);
        return { ...facts, objectKey: key };
      }),
    );
    const durationSec = result.renditions[0]?.durationSec ?? result.sourceDurationSec;
    await deps.db.transaction((tx) => completeEpisode(tx, episodeId, durationSec, rows));
    log.info({ durationSec, gainDb: result.gainDb, trim: result.trim, renditions: rows.map((r) => r.name) }, 'episode ready');
    return 'ready';
  } finally {
    // Local files go only now: after the upload and the database write, or after a failure.
    await work.remove();
  }
}
