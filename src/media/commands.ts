import { dbToLinear } from '../domain/audio/loudness.js';
import type { Interval } from '../domain/audio/trim.js';
import type { FfmpegSpec } from './command-spec.js';

/**
 * Pure builders for every ffmpeg command of the pipeline. All of them share one processing chain, so what is measured
 * is exactly what gets encoded.
 */

// Peaks between samples only show at a higher rate: the limiter works at 4× 44.1 kHz.
const OVERSAMPLED_RATE = 176_400;
const WORK_RATE = 44_100;

const NULL_OUTPUT = { path: '-', options: ['-f', 'null'] };

/** Downmix any layout to mono, as float, first: loudness is measured on what listeners will hear. */
const MONO = 'aformat=sample_fmts=flt:channel_layouts=mono';

export interface ChainOptions {
  gainDb: number;
  limiterCeilingDb: number;
  trim?: Interval;
}

/** gain → true-peak-safe limiter, after optional trim and the mono downmix. */
export function processingChain(o: ChainOptions): string {
  const parts: string[] = [];
  if (o.trim) parts.push(`atrim=start=${o.trim.start}:end=${o.trim.end}`, 'asetpts=PTS-STARTPTS');
  parts.push(
    MONO,
    `volume=${o.gainDb.toFixed(2)}dB`,
    `aresample=${OVERSAMPLED_RATE}`,
    // level=0: no auto make-up gain; the gain stage already set the level.
    `alimiter=limit=${dbToLinear(o.limiterCeilingDb).toFixed(4)}:attack=5:release=50:level=0`,
    `aresample=${WORK_RATE}`,
  );
  return parts.join(',');
}

/** Decodes everything once: decoded duration, loudness, true peak and silences of the mono downmix. */
export function analysisCommand(input: string, silence: { thresholdDb: number; minSec: number }): FfmpegSpec {
  return {
    inputs: [{ path: input, options: [] }],
    outputs: [
      {
        ...NULL_OUTPUT,
        options: [
          '-map', '0:a:0', '-vn', '-sn', '-dn',
          '-af', `${MONO},silencedetect=n=${silence.thresholdDb}dB:d=${silence.minSec},ebur128=peak=true`,
          ...NULL_OUTPUT.options,
        ],
      },
    ],
  };
}

/** Measures the loudness the renditions would have at this gain, without encoding. */
export function gainProbeCommand(input: string, chain: ChainOptions): FfmpegSpec {
  return {
    inputs: [{ path: input, options: [] }],
    outputs: [
      { ...NULL_OUTPUT, options: ['-map', '0:a:0', '-vn', '-sn', '-dn', '-af', `${processingChain(chain)},ebur128=peak=true`, '-f', 'null'] },
    ],
  };
}

export interface RenditionTarget {
  name: 'mp3' | 'opus';
  path: string;
  bitrateKbps: number;
}

/** One decode, both renditions: the processed signal is split and encoded twice. */
export function encodeCommand(input: string, chain: ChainOptions, targets: RenditionTarget[]): FfmpegSpec {
  const labels = targets.map((_, i) => `[out${i}]`);
  const complexFilter = `[0:a:0]${processingChain(chain)},asplit=${targets.length}${labels.join('')}`;
  return {
    inputs: [{ path: input, options: [] }],
    complexFilter,
    outputs: targets.map((t, i) => ({ path: t.path, options: [ '-map', labels[i]!, ...encoderOptions(t)] })),
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

/** Decodes a finished rendition to measure what listeners get: duration, loudness, true peak. */
export function measureCommand(file: string): FfmpegSpec {
  return {
    inputs: [{ path: file, options: [] }],
    outputs: [{ ...NULL_OUTPUT, options: ['-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null'] }],
  };
}
