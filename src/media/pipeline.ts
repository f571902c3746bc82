import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pipeline } from 'node:stream/promises';
import {
  bracketGains,
  gainFromBracket,
  initialGain,
  limiterCeilingDb,
  limiterEngages,
  MAX_GAIN_PASSES,
  nextGain,
  type GainProbe,
  type LoudnessTarget,
} from '../domain/audio/loudness.js';
import { RejectedInput, rejection } from '../domain/audio/rejection.js';
import { containerMismatch, type RenditionFacts } from '../domain/audio/rendition.js';
import { planTrim, type Interval } from '../domain/audio/trim.js';
import { validateDecoded, validateProbe, type DurationLimits, type ProbeFacts } from '../domain/audio/validate.js';
import {
  analysisCommand,
  encodeCommands,
  gainProbeCommand,
  probeSamplePlan,
  type ChainOptions,
  type EncodeCommands,
  type ProbeSample,
  type RenditionTarget,
} from './commands.js';
import {
  isAstatsPeakLine,
  isEbur128SummaryLine,
  isProbeSummaryLine,
  isSilenceLine,
  parseAstatsPeakDb,
  parseEbur128Summary,
  parseIntegratedLufs,
  parseProbeLoudness,
  parseSilences,
} from './parse.js';
import { readContainer } from './container.js';
import { MediaError, type MediaRunner, type RunResult } from './runner.js';

export interface PipelineSettings {
  target: LoudnessTarget;
  silence: { thresholdDb: number; trimMinSec: number; keepSec: number };
  limits: DurationLimits;
  renditions: { name: 'mp3' | 'opus'; bitrateKbps: number }[];
  timeoutSec: number;
  /**
   * Spread the gain probes over two processes and give the costliest encoder one of its own: worth it where there is
   * a second core and someone waiting (more CPU in all for less wall time).
   */
  useSecondCore: boolean;
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
const STAGES = { analyse: [0, 0.15], gain: [0.15, 0.2], encode: [0.2, 0.98], describe: [0.98, 1] } as const;
// Beyond the probes' tolerance plus what sampling adds, and far enough inside the ±1 LU bar that the encoders' own
// few tenths (an mp3 at 64 kbps comes out about 0.4 LU quieter than what it was fed) still leave the renditions in it.
const REENCODE_OFF_BY_LU = 0.3;
const execFileAsync = promisify(execFile);

/**
 * Probe beside analyse (decode once, keeping a sample for the gain probes) → validate → find the gain on the sample →
 * encode every rendition in one pass that also measures the result.
 * Works only on local files in workDir; storage and the database are the caller's business.
 */
export async function runAudioPipeline(
  runner: MediaRunner,
  input: string,
  workDir: string,
  settings: PipelineSettings,
  onProgress: (fraction: number) => void = () => undefined,
  signal?: AbortSignal,
): Promise<PipelineResult> {
  // Every ffmpeg this pipeline starts is killed when the signal fires (a worker shutting down).
  if (signal) runner = abortable(runner, signal);
  const stage = (name: keyof typeof STAGES) => (f: number) => {
    const [a, b] = STAGES[name];
    onProgress(a + (b - a) * f);
  };

  if ((await fs.promises.stat(input)).size === 0) throw new RejectedInput(rejection('EMPTY'));
  const silence = { thresholdDb: settings.silence.thresholdDb, minSec: settings.silence.trimMinSec };
  const analyse = (sample: ProbeSample | null, expectedDurationSec: number | undefined, signal?: AbortSignal) =>
    runner.run(analysisCommand(input, silence, sample), {
      timeoutSec: settings.timeoutSec,
      expectedDurationSec,
      onProgress: stage('analyse'),
      keep: (l) => isSilenceLine(l) || isEbur128SummaryLine(l),
      signal,
    });
  // The decode starts beside the probe, as if the file were short (no sample), since each ffmpeg start costs a tenth
  // of a second that an urgent bulletin would otherwise wait twice. A long file, once the probe says so, starts again
  // with its sample plan: it loses the fraction of a second the probe took.
  const guess = new AbortController();
  const early = analyse(null, undefined, guess.signal);
  // Handled from the start: it may fail before anyone awaits it (the probe's verdict comes first).
  early.catch(() => undefined);
  const dropEarly = async () => {
    guess.abort();
    await early.catch(() => undefined);
  };
  const facts = await probeFacts(runner, input).catch(async (err: unknown) => {
    await dropEarly();
    throw err;
  });
  const sample = probeSamplePlan(path.join(workDir, 'probe-sample.f32'), facts.claimedDurationSec ?? null);
  if (sample) await dropEarly();
  // The side encoder's FIFO is made meanwhile too (mkfifo is a process start of its own).
  // The bundled 2018 ffmpeg lacks astats' peak-only mode, and stamps a raw-fed opus wrongly (its Ogg says 23.2 s for
  // 21.3 s): there both encoders keep one process.
  const modern = runner.binaries.astatsPeakOnly ?? false;
  const link = wantsLink(settings, modern) ? makeLink(workDir) : Promise.resolve(null);
  const analysis = await asRejection(sample ? analyse(sample, facts.claimedDurationSec ?? undefined) : early, 'UNDECODABLE');
  const decodedDurationSec = analysis.lastTimeSec ?? 0;
  const loudness = parseEbur128Summary(analysis.kept) ?? { integratedLufs: Number.NEGATIVE_INFINITY, truePeakDbtp: Number.NEGATIVE_INFINITY };
  const problem = validateDecoded(facts, { decodedDurationSec, ...loudness }, settings.limits);
  if (problem) throw new RejectedInput(problem);

  const silences = parseSilences(analysis.kept, decodedDurationSec);
  const planned = planTrim(silences, decodedDurationSec, { minSilenceSec: settings.silence.trimMinSec, keepSec: settings.silence.keepSec });
  const trim = planned.start > 0 || planned.end < decodedDurationSec ? planned : null;
  const keptDurationSec = trim ? trim.end - trim.start : decodedDurationSec;

  const chain = (gainDb: number, limit: boolean): ChainOptions => ({
    gainDb,
    limiterCeilingDb: limiterCeilingDb(settings.target),
    trim: trim ?? undefined,
    limit,
  });

  let gainDb = initialGain(loudness.integratedLufs, settings.target);
  const limit = limiterEngages(loudness.truePeakDbtp, gainDb, settings.target);
  const probes: GainProbe[] = [];
  if (limit) {
    const source = sample ? { path: sample.path, sample: true } : { path: input, sample: false };
    const probeSec = sample ? Math.min(keptDurationSec, sampledSec(sample, decodedDurationSec)) : keptDurationSec;
    // One pass measures several gains at once; only a target beyond all of them needs further probes, one at a time.
    let gains = bracketGains(gainDb);
    for (let pass = 0; pass < MAX_GAIN_PASSES; pass++) {
      const measure = async (part: number[], reportProgress: boolean) => {
        const measured = await runner.run(gainProbeCommand(source, part.map((g) => chain(g, true))), {
          timeoutSec: settings.timeoutSec,
          expectedDurationSec: probeSec,
          onProgress: reportProgress ? (f) => stage('gain')((pass + f) / MAX_GAIN_PASSES) : undefined,
          keep: isProbeSummaryLine,
        });
        return parseProbeLoudness(measured.kept, part.length);
      };
      // ffmpeg 5 runs a graph's chains one after the other on one core: half of them each on two cores.
      const halves = settings.useSecondCore && gains.length > 1 ? [gains.slice(0, Math.ceil(gains.length / 2)), gains.slice(Math.ceil(gains.length / 2))] : [gains];
      const lufs = (await Promise.all(halves.map((part, i) => measure(part, i === 0)))).flat();
      probes.push(...gains.map((g, i) => ({ gainDb: g, integratedLufs: lufs[i] ?? Number.NEGATIVE_INFINITY })));
      const found = gainFromBracket(probes, settings.target);
      gainDb = found.gainDb;
      if (found.bracketed) break;
      gains = [gainDb];
    }
  }
  if (sample) await fs.promises.rm(sample.path, { force: true });
  stage('gain')(1);

  const targets: RenditionTarget[] = settings.renditions.map((r) => ({ ...r, path: path.join(workDir, FILE_NAME[r.name]) }));
  const fifo = await link;
  const side = fifo ? { name: 'opus' as const, link: fifo } : null;
  let encoded = await encode(runner, encodeCommands(input, chain(gainDb, limit), targets, side, modern), settings.timeoutSec, keptDurationSec, stage('encode'));
  // The probes listened to a sample: should the whole land far from it, encode once more at the corrected gain
  // rather than hand out a rendition near the edge of the quality bar.
  if (limit && Math.abs(encoded.loudness.integratedLufs - settings.target.integratedLufs) > REENCODE_OFF_BY_LU) {
    gainDb = nextGain([...probes, { gainDb, integratedLufs: encoded.loudness.integratedLufs }], settings.target);
    encoded = await encode(runner, encodeCommands(input, chain(gainDb, limit), targets, side, modern), settings.timeoutSec, keptDurationSec, stage('encode'));
  }

  // Side by side: each reads its file twice (container, sha256), and someone may be waiting for an urgent one.
  const renditions: EncodedRendition[] = await Promise.all(targets.map((t) => describeRendition(t, encoded)));
  stage('describe')(1);
  return { sourceDurationSec: decodedDurationSec, trim, gainDb, renditions };
}

/** The container's claims, checked before anything the decode found is used; a file ffprobe cannot open is not audio. */
async function probeFacts(runner: MediaRunner, input: string): Promise<ProbeFacts> {
  const probe = await asRejection(runner.probe(input), 'NOT_AUDIO');
  const audio = probe.streams.filter((s) => s.codecType === 'audio');
  // A picture (PNG, JPEG…) opens as a one-frame "video": it is not audio at all, rather than audio-less media.
  if (audio.length === 0 && (probe.streams.length === 0 || probe.formatName?.endsWith('_pipe'))) {
    throw new RejectedInput(rejection('NOT_AUDIO'));
  }
  const facts: ProbeFacts = { audioStreams: audio.length, claimedDurationSec: audio[0]?.durationSec ?? probe.durationSec };
  const problem = validateProbe(facts);
  if (problem) throw new RejectedInput(problem);
  return facts;
}

/** Whether opus gets an encoder process of its own, fed through a FIFO. */
function wantsLink(settings: PipelineSettings, modern: boolean): boolean {
  return settings.useSecondCore && modern && settings.renditions.length > 1 && settings.renditions.some((r) => r.name === 'opus');
}

/** How much of the source the sample holds (blocks × block length, the last block maybe short). */
function sampledSec(sample: ProbeSample, durationSec: number): number {
  const blocks = Math.ceil(durationSec / sample.everySec);
  return blocks * sample.blockSec;
}

interface Encoded {
  /** The processed signal every encoder received: its length and loudness. */
  durationSec: number;
  loudness: { integratedLufs: number; truePeakDbtp: number };
}

/** Runs the encode: the main command alone, or main and side together, connected by a FIFO. */
async function encode(
  runner: MediaRunner,
  cmds: EncodeCommands,
  timeoutSec: number,
  expectedDurationSec: number,
  onProgress: (f: number) => void,
): Promise<Encoded> {
  const keep = (l: string) => isEbur128SummaryLine(l) || isAstatsPeakLine(l);
  const mainOpts = { timeoutSec, expectedDurationSec, onProgress, keep };
  let main: RunResult;
  if (!cmds.side) {
    main = await runner.run(cmds.main, mainOpts);
  } else {
    // Either side failing stops the other: the survivor would otherwise wait on a FIFO nobody opens.
    const stop = new AbortController();
    const runs = [runner.run(cmds.main, { ...mainOpts, signal: stop.signal }), runner.run(cmds.side, { timeoutSec, signal: stop.signal })];
    for (const r of runs) r.catch(() => stop.abort());
    const settled = await Promise.allSettled(runs);
    const failed = settled.flatMap((x) => (x.status === 'rejected' ? [x.reason as unknown] : []));
    // The one that failed first says why (a bad input is final); the other one was only stopped.
    if (failed.length > 0) throw failed.find((e) => e instanceof MediaError && e.kind === 'bad_input') ?? failed[0];
    main = (settled[0] as PromiseFulfilledResult<RunResult>).value;
  }
  const loudness = parseEbur128Summary(main.kept);
  const integratedLufs = parseIntegratedLufs(main.kept);
  const truePeakDbtp = loudness?.truePeakDbtp ?? parseAstatsPeakDb(main.kept);
  if (integratedLufs === null || truePeakDbtp === null || main.lastTimeSec === null) {
    throw new MediaError('the encode pass printed no measurements', 'transient', main.tail);
  }
  return { durationSec: main.lastTimeSec, loudness: { integratedLufs, truePeakDbtp } };
}

/** A FIFO for the side encoder, or null where the system has none (the encoders then share one process). */
async function makeLink(workDir: string): Promise<string | null> {
  const link = path.join(workDir, 'processed.f32');
  try {
    await execFileAsync('mkfifo', [link]);
    return link;
  } catch {
    return null;
  }
}

/**
 * A rendition's facts. Loudness and length are those of the processed signal measured inside the encode pass (the
 * decoders return exactly its length, encoder delay removed); the container, read back, must hold what was asked for
 * and agree on the length, since that is what players show and seek by.
 */
async function describeRendition(t: RenditionTarget, encoded: Encoded): Promise<EncodedRendition> {
  const [container, sizeBytes, sha256] = await Promise.all([readContainer(t.path), fs.promises.stat(t.path).then((s) => s.size), sha256File(t.path)]);
  const mismatch = containerMismatch({ codec: t.name, durationSec: encoded.durationSec }, container);
  if (mismatch) throw new MediaError(`rendition ${t.name}: ${mismatch}`, 'transient', []);
  return {
    name: t.name,
    file: t.path,
    format: t.name === 'mp3' ? 'mp3' : 'ogg',
    codec: t.name,
    mimeType: MIME[t.name],
    bitrateKbps: t.bitrateKbps,
    channels: container.channels ?? 1,
    sampleRate: container.sampleRate ?? 0,
    durationSec: round3(encoded.durationSec),
    sizeBytes,
    sha256,
    integratedLufs: encoded.loudness.integratedLufs,
    truePeakDbtp: encoded.loudness.truePeakDbtp,
  };
}

function abortable(inner: MediaRunner, signal: AbortSignal): MediaRunner {
  return {
    binaries: inner.binaries,
    probe: (file) => inner.probe(file),
    run: (spec, opts) => inner.run(spec, { ...opts, signal: opts.signal ? AbortSignal.any([opts.signal, signal]) : signal }),
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
