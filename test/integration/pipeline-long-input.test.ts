import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import type { FfmpegSpec } from '../../src/media/command-spec.js';
import { PROBE_WHOLE_MAX_SEC } from '../../src/media/commands.js';
import { runAudioPipeline } from '../../src/media/pipeline.js';
import { createMediaRunner } from '../../src/media/runner.js';
import { recordingRunner } from '../../bench/lib/recording-runner.js';
import { pipelineSettings } from '../../src/services/transcode-service.js';
import { FIXTURES, tempDir } from '../helpers/env.js';
import { inspectAudio } from '../helpers/media-check.js';

/**
 * The decode starts beside the probe as if the file were short. A file the probe then finds long must be decoded again
 * with its sample plan, and the gain probes must listen to that sample, not to a decode that was stopped.
 */
const run = promisify(execFile);
const bins = resolveMediaBinaries({});
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const writesSample = (s: FfmpegSpec) => s.outputs.some((o) => o.path.endsWith('probe-sample.f32'));

describe('a file longer than the probes listen to whole', () => {
  it('is analysed again with its sample plan, and the gain probes read the sample', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const input = path.join(dir, 'dai.wav');
    const seconds = PROBE_WHOLE_MAX_SEC + 30;
    await run(bins.ffmpeg, ['-v', 'error', '-y', '-stream_loop', '-1', '-i', path.join(FIXTURES, 'speech-stereo-44k.wav'), '-t', String(seconds), input]);
    const { runner, ops } = recordingRunner(createMediaRunner(bins));
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const result = await runAudioPipeline(runner, input, work, pipelineSettings(loadConfig({}), true));

    const runs = ops.flatMap((o) => (o.kind === 'run' ? [o] : []));
    const analyses = runs.filter((r) => r.label.startsWith('analyse'));
    expect(analyses.map((a) => [writesSample(a.spec), a.label])).toEqual([
      [false, 'analyse (stopped)'],
      [true, 'analyse'],
    ]);
    const probes = runs.filter((r) => r.label.startsWith('gain probe'));
    expect(probes.length).toBeGreaterThan(0);
    for (const p of probes) expect(p.spec.inputs[0]?.path).toBe(path.join(work, 'probe-sample.f32'));
    expect(fs.existsSync(path.join(work, 'probe-sample.f32'))).toBe(false);

    expect(result.sourceDurationSec).toBeCloseTo(seconds, 0);
    for (const r of result.renditions) {
      const facts = await inspectAudio(r.file);
      expect(Math.abs(facts.integratedLufs - -16), `${r.name} ${facts.integratedLufs} LUFS`).toBeLessThanOrEqual(1);
      expect(facts.truePeakDbtp, r.name).toBeLessThanOrEqual(-1.5);
      expect(Math.abs(facts.decodedSec - r.durationSec), r.name).toBeLessThan(0.05);
    }
  }, 120_000);
});

describe('stopping an ffmpeg the moment it is asked for', () => {
  it('kills it even though it had not been spawned yet, and says the work was stopped', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const runner = createMediaRunner(bins);
    const stop = new AbortController();
    const started = Date.now();
    // Ten minutes of generated noise through the true-peak meter: many seconds of work were it not stopped.
    const running = runner.run(
      { inputs: [{ path: 'anoisesrc=d=600:r=48000', options: ['-f', 'lavfi'] }], outputs: [{ path: '-', options: ['-af', 'ebur128=peak=true', '-f', 'null'] }] },
      { timeoutSec: 60, signal: stop.signal },
    );
    stop.abort();
    await expect(running).rejects.toMatchObject({ name: 'MediaError', kind: 'transient' });
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);
});
