import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/index.js';
import type { MediaBinaries } from '../../src/media/binaries.js';
import { runAudioPipeline } from '../../src/media/pipeline.js';
import { createMediaRunner } from '../../src/media/runner.js';
import { pipelineSettings } from '../../src/services/transcode-service.js';
import { fmtMB, log, runBinary } from '../lib/proc.js';
import { recordingRunner } from '../lib/recording-runner.js';
import { measured } from './cpu.js';

/**
 * The transcode half of `bench:ingest`: the pipeline against the expert floor, on each ffmpeg the machine has.
 *
 * The floor is what an audio engineer would run by hand for the same result, written out here independently of the
 * pipeline's builders: one decode that measures loudness, true peak and silences, then one pass of gain + limiter +
 * both encoders with the same filters and settings. It does not correct the gain for what the limiter takes off,
 * so it can miss the loudness target; that only makes it cheaper, which is what a floor should be.
 */

export const TRANSCODE_TARGETS = { wallRatioMax: 1.2, cpuRatioMax: 1.2, realtimeMin: 30 } as const;

export interface TranscodeFigures {
  ffmpeg: MediaBinaries['source'];
  version: string;
  floor: { wallSec: number; cpuSec: number; analyseSec: number; encodeSec: number };
  pipeline: { wallSec: number; cpuSec: number; gainDb: number; passes: number; steps: { step: string; sec: number }[] };
  renditions: { name: string; durationSec: number; integratedLufs: number; truePeakDbtp: number; sizeMB: number }[];
  wallRatio: number;
  cpuRatio: number;
  realtime: number;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Loops the speech fixture into a WAV of the given length (44.1 kHz stereo s16, as a studio export). */
export async function speechWav(ffmpeg: string, fixture: string, file: string, seconds: number): Promise<number> {
  await runBinary(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-stream_loop', '-1', '-i', fixture, '-t', String(seconds), '-c:a', 'pcm_s16le', file]);
  return fs.statSync(file).size;
}

export async function expertFloor(bins: MediaBinaries, input: string, dir: string) {
  const m = loadConfig({}).media;
  const mono = 'aformat=sample_fmts=flt:channel_layouts=mono';
  // Pass 1: the measurements.
  const analyse = await measured(() =>
    runBinary(bins.ffmpeg, [
      '-nostdin', '-hide_banner', '-nostats', '-i', input, '-map', '0:a:0', '-vn',
      '-af', `${mono},silencedetect=n=${m.silenceThresholdDb}dB:d=${m.silenceTrimMinSec},ebur128=peak=true:framelog=verbose`,
      '-f', 'null', '-',
    ], { stderr: 'collect' }),
  );
  const integrated = Number([...analyse.value.stderr.matchAll(/^\s+I:\s+(-?[\d.]+) LUFS/gm)].at(-1)?.[1]);
  const gainDb = m.loudnessTargetLufs - integrated;
  const ceiling = 10 ** ((m.truePeakMaxDbtp - 1) / 20);
  // Pass 2: gain, true-peak limiter (4× oversampled), both encoders.
  const chain = `${mono},volume=${gainDb.toFixed(2)}dB,aresample=176400,alimiter=limit=${ceiling.toFixed(4)}:attack=5:release=50:level=0,aresample=44100`;
  const encode = await measured(() =>
    runBinary(bins.ffmpeg, [
      '-nostdin', '-hide_banner', '-nostats', '-y', '-i', input, '-filter_complex', `[0:a:0]${chain},asplit=2[a][b]`,
      '-map', '[a]', '-ac', '1', '-map_metadata', '-1', '-vn', '-c:a', 'libmp3lame', '-b:a', `${m.mp3BitrateKbps}k`, '-ar', '44100', '-f', 'mp3', path.join(dir, 'floor.mp3'),
      '-map', '[b]', '-ac', '1', '-map_metadata', '-1', '-vn', '-c:a', 'libopus', '-b:a', `${m.opusBitrateKbps}k`, '-ar', '48000', '-f', 'ogg', path.join(dir, 'floor.opus'),
    ]),
  );
  return {
    wallSec: analyse.wallSec + encode.wallSec,
    cpuSec: analyse.cpuSec + encode.cpuSec,
    analyseSec: analyse.wallSec,
    encodeSec: encode.wallSec,
  };
}

/** One ffmpeg: the floor, then the pipeline, on the same input. */
export async function benchTranscodeWith(bins: MediaBinaries, input: string, inputSec: number, tmp: string): Promise<TranscodeFigures> {
  const version = (await runBinary(bins.ffmpeg, ['-version'], { stdout: 'collect' })).stdout.split('\n')[0]?.slice(0, 70) ?? '';
  const dir = fs.mkdtempSync(path.join(tmp, `transcode-${bins.source}-`));
  log(`[${bins.source}] expert floor: measure pass, then one encode pass`);
  const f = await expertFloor(bins, input, dir);
  log(`  floor ${f.wallSec.toFixed(1)} s wall, ${f.cpuSec.toFixed(1)} s CPU`);

  const workDir = path.join(dir, 'pipeline');
  fs.mkdirSync(workDir);
  const { runner, ops } = recordingRunner(createMediaRunner(bins));
  // A programme, as the worker runs it by default (one process); BENCH_URGENT=1 runs it as an urgent episode (opus
  // beside it on the second core), measured against the same floor.
  const settings = pipelineSettings(loadConfig({}, { MEDIA_PARALLEL_ENCODERS: process.env.MEDIA_PARALLEL_ENCODERS ?? 'auto' }), process.env.BENCH_URGENT === '1');
  log(`[${bins.source}] pipeline (runAudioPipeline, second core: ${settings.useSecondCore})`);
  let shown = -1;
  const p = await measured(() =>
    runAudioPipeline(runner, input, workDir, settings, (x) => {
      const pct = Math.floor(x * 10) * 10;
      if (pct > shown) log(`  pipeline ${(shown = pct)}%`);
    }),
  );
  log(`  pipeline ${p.wallSec.toFixed(1)} s wall, ${p.cpuSec.toFixed(1)} s CPU`);
  await fs.promises.rm(dir, { recursive: true, force: true });
  return {
    ffmpeg: bins.source,
    version,
    floor: { wallSec: round(f.wallSec), cpuSec: round(f.cpuSec), analyseSec: round(f.analyseSec), encodeSec: round(f.encodeSec) },
    pipeline: {
      wallSec: round(p.wallSec),
      cpuSec: round(p.cpuSec),
      gainDb: p.value.gainDb,
      passes: ops.filter((o) => o.kind === 'run').length,
      steps: ops.map((o) => ({ step: o.label, sec: round(o.ms / 1000) })),
    },
    renditions: p.value.renditions.map((r) => ({ name: r.name, durationSec: r.durationSec, integratedLufs: r.integratedLufs, truePeakDbtp: r.truePeakDbtp, sizeMB: Number(fmtMB(r.sizeBytes)) })),
    wallRatio: round(p.wallSec / f.wallSec, 3),
    cpuRatio: round(p.cpuSec / f.cpuSec, 3),
    realtime: round(inputSec / p.wallSec, 1),
  };
}

export function printTranscode(out: (l?: string) => void, inputSec: number, inputMB: string, all: TranscodeFigures[]): string[] {
  const missed: string[] = [];
  out('== Transcode ==');
  out(`input: ${inputSec} s of speech, WAV 44.1 kHz stereo s16 (${inputMB} MB)`);
  out('floor: one measuring decode (silencedetect + ebur128 true peak) + one encode pass (gain, 4× oversampled limiter, mp3 + opus), by hand');
  for (const t of all) {
    out(`-- ffmpeg: ${t.ffmpeg} (${t.version})`);
    out(`  floor     ${t.floor.wallSec.toFixed(1).padStart(7)} s wall ${t.floor.cpuSec.toFixed(1).padStart(7)} s CPU  (measure ${t.floor.analyseSec} s, encode ${t.floor.encodeSec} s)`);
    out(`  pipeline  ${t.pipeline.wallSec.toFixed(1).padStart(7)} s wall ${t.pipeline.cpuSec.toFixed(1).padStart(7)} s CPU  (${t.pipeline.passes} ffmpeg runs, gain ${t.pipeline.gainDb} dB)`);
    out(`  steps: ${t.pipeline.steps.map((s) => `${s.step} ${s.sec} s`).join(', ')}`);
    out(`  renditions: ${t.renditions.map((r) => `${r.name} ${r.durationSec} s, ${r.integratedLufs} LUFS, ${r.truePeakDbtp} dBTP, ${r.sizeMB} MB`).join('; ')}`);
    const wallOk = t.wallRatio <= TRANSCODE_TARGETS.wallRatioMax;
    const cpuOk = t.cpuRatio <= TRANSCODE_TARGETS.cpuRatioMax;
    out(`  ratio pipeline / floor: wall ${t.wallRatio}× ${wallOk ? 'target met' : 'target missed'}, CPU ${t.cpuRatio}× ${cpuOk ? 'target met' : 'target missed'} (target ≤ ${TRANSCODE_TARGETS.wallRatioMax}× each)`);
    if (!wallOk) missed.push(`transcode wall ratio (${t.ffmpeg})`);
    if (!cpuOk) missed.push(`transcode CPU ratio (${t.ffmpeg})`);
    const rtOk = t.realtime >= TRANSCODE_TARGETS.realtimeMin;
    out(`  realtime factor: ${t.realtime}×${t.ffmpeg === 'system' ? ` (target ≥ ${TRANSCODE_TARGETS.realtimeMin}× with the system ffmpeg) ${rtOk ? 'target met' : 'target missed'}` : ''}`);
    if (t.ffmpeg === 'system' && !rtOk) missed.push('transcode realtime factor');
  }
  const sys = all.find((t) => t.ffmpeg === 'system');
  const bundled = all.find((t) => t.ffmpeg === 'bundled');
  if (sys && bundled) out(`bundled / system ffmpeg, pipeline wall: ${round(bundled.pipeline.wallSec / sys.pipeline.wallSec)}×`);
  out();
  return missed;
}
