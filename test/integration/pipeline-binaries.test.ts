import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { availableMediaBinaries } from '../../src/media/binaries.js';
import { runAudioPipeline } from '../../src/media/pipeline.js';
import { createMediaRunner } from '../../src/media/runner.js';
import { pipelineSettings } from '../../src/services/transcode-service.js';
import { FIXTURES, tempDir } from '../helpers/env.js';
import { inspectAudio } from '../helpers/media-check.js';

/**
 * The pipeline on every ffmpeg this machine has: the system's (what CI and deployments use) and the npm 2018 build a
 * machine without one falls back to, which lacks some newer filter options. Each must produce renditions that meet
 * the quality bar, measured independently.
 */
const binaries = availableMediaBinaries();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// A programme (encoders in one process) and an urgent episode (opus beside it through a FIFO, where the build allows).
const cases = binaries.flatMap((b) => [[b.source, 'programme', b, false] as const, [b.source, 'urgent episode', b, true] as const]);

describe.each(cases)('the transcode pipeline on the %s ffmpeg, as a %s', (_source, _kind, bins, urgent) => {
  it('turns the stereo speech fixture into mp3 and opus at −16 LUFS ± 1 with true peak ≤ −1.5 dBTP', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const settings = pipelineSettings(loadConfig({}, { MEDIA_PARALLEL_ENCODERS: 'auto' }), urgent);
    const result = await runAudioPipeline(createMediaRunner(bins), path.join(FIXTURES, 'speech-stereo-44k.wav'), dir, settings);
    expect(result.renditions.map((r) => r.name).sort()).toEqual(['mp3', 'opus']);
    for (const r of result.renditions) {
      const facts = await inspectAudio(r.file);
      expect(Math.abs(facts.integratedLufs - -16), `${r.name} ${facts.integratedLufs} LUFS`).toBeLessThanOrEqual(1);
      expect(facts.truePeakDbtp, r.name).toBeLessThanOrEqual(-1.5);
      expect(Math.abs(facts.decodedSec - r.durationSec), r.name).toBeLessThan(0.05);
      expect(r.truePeakDbtp, `${r.name} recorded true peak`).toBeLessThanOrEqual(-1.5);
    }
  }, 120_000);
});
