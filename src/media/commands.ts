import { dbToLinear } from '../domain/audio/loudness.js';
import type { Interval } from '../domain/audio/trim.js';
import type { FfmpegSpec } from './command-spec.js';

/**
 * Pure builders for every ffmpeg command of the pipeline. All of them share one processing chain, so what is measured
 * is exactly what gets encoded.
 */

// Peaks between samples only show at a higher rate: the limiter works at 4× 44.1 kHz.
const OVERSAMPLED_RATE = 176_400;
export const WORK_RATE = 44_100;

const NULL_OUTPUT = { path: '-', options: ['-f', 'null'] };

/** Downmix any layout to mono, as float, first: loudness is measured on what listeners will hear. */
const MONO = 'aformat=sample_fmts=flt:channel_layouts=mono';

/**
 * ebur128 prints a line per 100 ms at info level unless told otherwise: 18,000 lines for 30 minutes, which costs
 * ffmpeg and the runner more than the measurement. The summary still prints.
 */
export const LOUDNESS_METER = 'ebur128=peak=true:framelog=verbose';
const INTEGRATED_ONLY = 'ebur128=framelog=verbose';

/** The processed signal as it travels between processes: raw mono float at the working rate, no container. */
export const RAW_PCM = { codec: 'pcm_f32le', format: 'f32le', rate: WORK_RATE } as const;
const RAW_INPUT_OPTIONS = ['-f', RAW_PCM.format, '-ar', String(RAW_PCM.rate), '-ac', '1'];
const RAW_OUTPUT_OPTIONS = ['-c:a', RAW_PCM.codec, '-f', RAW_PCM.format];

export interface ChainOptions {
  gainDb: number;
  limiterCeilingDb: number;
  trim?: Interval;
  /**
   * Whether the true-peak limiter runs. When the gain alone keeps every peak under the ceiling the limiter would do
   * nothing, and its 4× oversampling is most of the chain's cost: it is left out. Default true.
   */
  limit?: boolean;
}

/**
 * The highest sample of the limiter's 4×-oversampled output: BS.1770's true peak, read where the signal already is
 * at 4×, which costs a fraction of ebur128's own oversampling.
 */
export const OVERSAMPLED_PEAK_METER = 'astats=measure_perchannel=Peak_level:measure_overall=none';

/**
 * gain → true-peak-safe limiter, after optional trim and the mono downmix; always ends at the working rate.
 * `peakMeter` measures the limiter's oversampled output on the way (the encode pass). `oversample: false` runs the
 * limiter at the working rate: the gain probes, which measure loudness only (see gainProbeCommand).
 */
export function processingChain(o: ChainOptions, opts: { peakMeter?: boolean; oversample?: boolean } = {}): string {
  const oversample = opts.oversample ?? true;
  const parts: string[] = [];
  if (o.trim) parts.push(`atrim=start=${o.trim.start}:end=${o.trim.end}`, 'asetpts=PTS-STARTPTS');
  parts.push(MONO, `volume=${o.gainDb.toFixed(2)}dB`);
  // level=0: no auto make-up gain; the gain stage already set the level.
  const limiter = `alimiter=limit=${dbToLinear(o.limiterCeilingDb).toFixed(4)}:attack=5:release=50:level=0`;
  if (o.limit === false) parts.push(`aresample=${WORK_RATE}`);
  else if (!oversample) parts.push(`aresample=${WORK_RATE}`, limiter);
  else parts.push(`aresample=${OVERSAMPLED_RATE}`, limiter, ...(opts.peakMeter ? [OVERSAMPLED_PEAK_METER] : []), `aresample=${WORK_RATE}`);
  return parts.join(',');
}

/**
 * The meters of the encode pass: true peak from the limiter's oversampled output when it runs and this ffmpeg's
 * astats can measure the peak alone, else ebur128's own.
 */
export function encodeMeter(chain: ChainOptions, astatsPeakOnly: boolean): string {
  return chain.limit !== false && astatsPeakOnly ? INTEGRATED_ONLY : LOUDNESS_METER;
}

/**
 * Where the gain probes listen: a few seconds taken at even intervals across a long programme. The limiter acts
 * within milliseconds and ebur128 gates silence out, so the loudness of the sample at a gain tracks that of the
 * whole; each probe then costs a fraction of a second instead of a decode of the whole file.
 */
export interface ProbeSample {
  path: string;
  blockSec: number;
  everySec: number;
}

const SAMPLE_BLOCK_SEC = 3;
// 90 s of material: enough speech for a stable integrated loudness, a fifth of a second per probe.
const SAMPLE_BLOCKS = 30;
/** Up to this length the probes simply run on the source: sampling would save little. */
export const PROBE_WHOLE_MAX_SEC = 180;

/** A sample plan for a source of this (claimed) length, or null to probe the source itself. */
export function probeSamplePlan(path: string, claimedDurationSec: number | null): ProbeSample | null {
  if (claimedDurationSec === null || !(claimedDurationSec > PROBE_WHOLE_MAX_SEC)) return null;
  return { path, blockSec: SAMPLE_BLOCK_SEC, everySec: Math.round((claimedDurationSec / SAMPLE_BLOCKS) * 1000) / 1000 };
}

/**
 * Decodes everything once: decoded duration, loudness, true peak and silences of the mono downmix; with a sample
 * plan it also writes the probes' sample of the same downmix.
 */
export function analysisCommand(input: string, silence: { thresholdDb: number; minSec: number }, sample: ProbeSample | null = null): FfmpegSpec {
  const measure = `silencedetect=n=${silence.thresholdDb}dB:d=${silence.minSec},${LOUDNESS_METER}`;
  if (!sample) {
    return {
      inputs: [{ path: input, options: [] }],
      outputs: [{ ...NULL_OUTPUT, options: ['-map', '0:a:0', '-vn', '-sn', '-dn', '-af', `${MONO},${measure}`, ...NULL_OUTPUT.options] }],
    };
  }
  const select = `aselect='lt(mod(t,${sample.everySec}),${sample.blockSec})',asetpts=N/SR/TB,aresample=${WORK_RATE}`;
  return {
    inputs: [{ path: input, options: [] }],
    complexFilter: `[0:a:0]${MONO},asplit=2[whole][part];[whole]${measure}[measured];[part]${select}[sample]`,
    outputs: [
      { ...NULL_OUTPUT, options: ['-map', '[measured]', ...NULL_OUTPUT.options] },
      { path: sample.path, options: ['-map', '[sample]', ...RAW_OUTPUT_OPTIONS] },
    ],
  };
}

/** The name of the meter on a gain probe's i-th chain: ffmpeg prints the chains' summaries in no fixed order. */
export const probeMeterName = (i: number) => `ebur128@gain${i}`;

/**
 * Measures, in one decode, the integrated loudness the renditions would have at each of these gains, on the source or
 * on its sample. The limiter runs at the working rate, not 4× oversampled: it then misses only the peaks between
 * samples, which moves the loudness by under a tenth of a LU (measured on the fixtures), at half the cost. True peak
 * is not measured here; the encode pass measures the real chain, and a loudness off by more than the probes'
 * tolerance there is encoded again.
 */
export function gainProbeCommand(source: { path: string; sample: boolean }, chains: ChainOptions[]): FfmpegSpec {
  // Trim and downmix once, before the split (the chains share them). The sample is already mono, untrimmed and at
  // the working rate: a trim only applies to the source.
  const trim = !source.sample ? chains[0]?.trim : undefined;
  const shared = [...(trim ? [`atrim=start=${trim.start}:end=${trim.end}`, 'asetpts=PTS-STARTPTS'] : []), MONO].join(',');
  const branch = (c: ChainOptions, i: number) =>
    `[p${i}]${processingChain({ ...c, trim: undefined }, { oversample: false })},${probeMeterName(i)}=framelog=verbose[m${i}]`;
  const split = `[0:a:0]${shared},asplit=${chains.length}${chains.map((_, i) => `[p${i}]`).join('')}`;
  return {
    inputs: [{ path: source.path, options: source.sample ? RAW_INPUT_OPTIONS : [] }],
    complexFilter: [split, ...chains.map(branch)].join(';'),
    outputs: chains.map((_, i) => ({ ...NULL_OUTPUT, options: ['-map', `[m${i}]`, ...NULL_OUTPUT.options] })),
  };
}

export interface RenditionTarget {
  name: 'mp3' | 'opus';
  path: string;
  bitrateKbps: number;
}

export interface EncodeCommands {
  /** Decodes once, runs the chain, measures it, encodes every rendition but the side one. */
  main: FfmpegSpec;
  /** Encodes the side rendition from the main command's processed signal, read from the link (a FIFO). */
  side: FfmpegSpec | null;
}

/**
 * One decode, one chain, one measurement of the signal every encoder receives. ffmpeg 5 runs a process's encoders
 * one after the other on one core, so with a second core the costliest encoder (`side.name`) gets a process of its
 * own, fed the processed signal through `side.link` (a FIFO: the bytes go from one ffmpeg to the other without
 * passing through Node): the chain still runs once.
 */
export function encodeCommands(
  input: string,
  chain: ChainOptions,
  targets: RenditionTarget[],
  side: { name: RenditionTarget['name']; link: string } | null,
  astatsPeakOnly = true,
): EncodeCommands {
  const sideTarget = side ? targets.find((t) => t.name === side.name) : undefined;
  const inProcess = targets.filter((t) => t !== sideTarget);
  const branches = inProcess.length + (sideTarget ? 1 : 0);
  const labels = Array.from({ length: branches }, (_, i) => `[out${i}]`);
  const complexFilter = `[0:a:0]${processingChain(chain, { peakMeter: astatsPeakOnly })},${encodeMeter(chain, astatsPeakOnly)},asplit=${branches}${labels.join('')}`;
  const outputs = inProcess.map((t, i) => ({ path: t.path, options: ['-map', labels[i]!, ...encoderOptions(t)] }));
  if (sideTarget && side) outputs.push({ path: side.link, options: ['-map', labels[branches - 1]!, ...RAW_OUTPUT_OPTIONS] });
  return {
    main: { inputs: [{ path: input, options: [] }], complexFilter, outputs },
    side:
      sideTarget && side
        ? { inputs: [{ path: side.link, options: RAW_INPUT_OPTIONS }], outputs: [{ path: sideTarget.path, options: ['-map', '0:a:0', ...encoderOptions(sideTarget)] }] }
        : null,
  };
}

export function encoderOptions(t: RenditionTarget): string[] {
  const common = ['-ac', '1', '-map_metadata', '-1', '-vn'];
  if (t.name === 'mp3') {
    // Constant bitrate: players estimate VBR durations wrongly. 44.1 kHz keeps it MPEG-1 Layer III.
    return [...common, '-c:a', 'libmp3lame', '-b:a', `${t.bitrateKbps}k`, '-ar', '44100', '-f', 'mp3'];
  }
  return [...common, '-c:a', 'libopus', '-b:a', `${t.bitrateKbps}k`, '-ar', '48000', '-f', 'ogg'];
}
