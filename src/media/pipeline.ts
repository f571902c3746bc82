import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  initialGain,
  isOnTarget,
  limiterCeilingDb,
  limiterEngages,
  MAX_GAIN_PASSES,
  nextGain,
  type GainProbe,
  type LoudnessTarget,
} from '../domain/audio/loudness.js';
import { RejectedInput, rejection } from '../domain/audio/rejection.js';
import type { RenditionFacts } from '../domain/audio/rendition.js';
import { planTrim, type Interval } from '../domain/audio/trim.js';
import { validateDecoded, validateProbe, type DurationLimits, type ProbeFacts } from '../domain/audio/validate.js';
import {
  analysisCommand,
  encodeCommand,
  gainProbeCommand,
  measureCommand,
  type ChainOptions,
  type RenditionTarget,
} from './commands.js';
import { isEbur128SummaryLine, isSilenceLine, parseEbur128Summary, parseSilences } from './parse.js';
import { MediaError, type MediaRunner } from './runner.js';

export interface PipelineSettings {
  target: LoudnessTarget;
  silence: { thresholdDb: number; trimMinSec: number; keepSec: number };
  limits: DurationLimits;
  renditions: { name: 'mp3' | 'opus'; bitrateKbps: number }[];
  timeoutSec: number;
}

/** A rendition encoded into the work directory, with its measured facts. */
export interface EncodedRendition extends RenditionFacts {
  file: string;
}

export interface PipelineResult {
  sourceDurationSec: number;
  trim: Interval | null;
  gainDb: number;
  renditions: EncodedRendition[];
}

const MIME = { mp3: 'audio/mpeg', opus: 'audio/ogg' } as const;
const FILE_NAME = { mp3: 'rendition.mp3', opus: 'rendition.opus' } as const;

// Share of the progress bar each stage fills; encoding dominates.
const STAGES = { analyse: [0, 0.25], gain: [0.25, 0.45], encode: [0.45, 0.92], measure: [0.92, 1] } as const;

/**
 * Probe → analyse (decode once) → validate → find the gain → encode every rendition in one pass → measure the results.
 * Works only on local files in workDir; storage and the database are the caller's business.
 */
export async function runAudioPipeline(
  runner: MediaRunner,
  input: string,
  workDir: string,
  settings: PipelineSettings,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<PipelineResult> {
  const stage = (name: keyof typeof STAGES) => (f: number) => {
    const [a, b] = STAGES[name];
    onProgress(a + (b - a) * f);
  };

  if ((await fs.promises.stat(input)).size === 0) throw new RejectedInput(rejection('EMPTY'));
  const probe = await asRejection(runner.probe(input), 'NOT_AUDIO');
  const audio = probe.streams.filter((s) => s.codecType === 'audio');
  // A picture (PNG, JPEG…) opens as a one-frame "video": it is not audio at all, rather than audio-less media.
  if (audio.length === 0 && (probe.streams.length === 0 || probe.formatName?.endsWith('_pipe'))) {
    throw new RejectedInput(rejection('NOT_AUDIO'));
  }
  const facts: ProbeFacts = {
    audioStreams: audio.length,
    claimedDurationSec: audio[0]?.durationSec ?? probe.durationSec,
  };
  const probeProblem = validateProbe(facts);
  if (probeProblem) throw new RejectedInput(probeProblem);

  const analysis = await asRejection(
    runner.run(analysisCommand(input, { thresholdDb: settings.silence.thresholdDb, minSec: settings.silence.trimMinSec }), {
      timeoutSec: settings.timeoutSec,
      expectedDurationSec: facts.claimedDurationSec ?? undefined,
      onProgress: stage('analyse'),
      keep: (l) => isSilenceLine(l) || isEbur128SummaryLine(l),
    }),
    'UNDECODABLE',
  );
  const decodedDurationSec = analysis.lastTimeSec ?? 0;
  const loudness = parseEbur128Summary(analysis.kept) ?? { integratedLufs: Number.NEGATIVE_INFINITY, truePeakDbtp: Number.NEGATIVE_INFINITY };
  const problem = validateDecoded(facts, { decodedDurationSec, ...loudness }, settings.limits);
  if (problem) throw new RejectedInput(problem);

  const silences = parseSilences(analysis.kept, decodedDurationSec);
  const planned = planTrim(silences, decodedDurationSec, { minSilenceSec: settings.silence.trimMinSec, keepSec: settings.silence.keepSec });
  const trim = planned.start > 0 || planned.end < decodedDurationSec ? planned : null;
  const keptDurationSec = trim ? trim.end - trim.start : decodedDurationSec;

  const chain = (gainDb: number): ChainOptions => ({
    gainDb,
    limiterCeilingDb: limiterCeilingDb(settings.target),
    trim: trim ?? undefined,
  });

  let gainDb = initialGain(loudness.integratedLufs, settings.target);
  if (limiterEngages(loudness.truePeakDbtp, gainDb, settings.target)) {
    const probes: GainProbe[] = [];
    for (let pass = 0; pass < MAX_GAIN_PASSES; pass++) {
      const measured = await runner.run(gainProbeCommand(input, chain(gainDb)), {
        timeoutSec: settings.timeoutSec,
        expectedDurationSec: keptDurationSec * MAX_GAIN_PASSES,
        onProgress: (f) => stage('gain')((pass + f) / MAX_GAIN_PASSES),
        keep: isEbur128SummaryLine,
      });
      const lufs = parseEbur128Summary(measured.kept)?.integratedLufs ?? Number.NEGATIVE_INFINITY;
      probes.push({ gainDb, integratedLufs: lufs });
      if (isOnTarget(lufs, settings.target)) break;
      gainDb = nextGain(probes, settings.target);
    }
  }
  stage('gain')(1);

  const targets: RenditionTarget[] = settings.renditions.map((r) => ({ ...r, path: path.join(workDir, FILE_NAME[r.name]) }));
  await runner.run(encodeCommand(input, chain(gainDb), targets), {
    timeoutSec: settings.timeoutSec,
    expectedDurationSec: keptDurationSec,
    onProgress: stage('encode'),
  });

  const renditions: EncodedRendition[] = [];
  for (const [i, t] of targets.entries()) {
    renditions.push(await describeRendition(runner, t, settings.timeoutSec));
    stage('measure')((i + 1) / targets.length);
  }
  return { sourceDurationSec: decodedDurationSec, trim, gainDb, renditions };
}

async function describeRendition(runner: MediaRunner, t: RenditionTarget, timeoutSec: number): Promise<EncodedRendition> {
  const probe = await runner.probe(t.path);
  const stream = probe.streams.find((s) => s.codecType === 'audio');
  const measured = await runner.run(measureCommand(t.path), { timeoutSec, keep: isEbur128SummaryLine });
  const loud = parseEbur128Summary(measured.kept);
  if (!stream || !loud || measured.lastTimeSec === null) {
    throw new MediaError(`rendition ${t.name} could not be measured`, 'transient', measured.tail);
  }
  return {
    name: t.name,
    file: t.path,
    format: t.name === 'mp3' ? 'mp3' : 'ogg',
    codec: stream.codecName ?? t.name,
    mimeType: MIME[t.name],
    bitrateKbps: t.bitrateKbps,
    channels: stream.channels ?? 1,
    sampleRate: stream.sampleRate ?? 0,
    durationSec: round3(measured.lastTimeSec),
    sizeBytes: (await fs.promises.stat(t.path)).size,
    sha256: await sha256File(t.path),
    integratedLufs: loud.integratedLufs,
    truePeakDbtp: loud.truePeakDbtp,
  };
}

/** ffmpeg refusing the input is a property of the file: turn it into a final rejection with the given rule. */
async function asRejection<T>(p: Promise<T>, code: 'NOT_AUDIO' | 'UNDECODABLE'): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof MediaError && err.kind === 'bad_input') throw new RejectedInput(rejection(code));
    throw err;
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
