/**
 * Loudness normalisation is "measure, apply gain, then limit". A limiter that catches speech peaks also lowers the
 * integrated loudness a little, so the gain is corrected from a measurement of the limited signal (secant steps).
 */
export interface GainProbe {
  gainDb: number;
  integratedLufs: number;
}

export interface LoudnessTarget {
  integratedLufs: number;
  truePeakDbtp: number;
}

// The probes aim close: the lossy encoders' band limits then take a few tenths more off the renditions.
export const LOUDNESS_TOLERANCE_LU = 0.2;
// The limiter's ceiling sits below the true-peak ceiling: lossy encoding overshoots inter-sample peaks a little.
export const LIMITER_MARGIN_DB = 1.0;
// Beyond this many measuring passes the gain is good enough (they run on a few minutes' sample, not the whole).
export const MAX_GAIN_PASSES = 4;
// The most gain the pipeline will apply: more only amplifies noise.
export const MAX_GAIN_DB = 40;

export function initialGain(measuredLufs: number, target: LoudnessTarget): number {
  return clampGain(target.integratedLufs - measuredLufs);
}

/** Whether the limiter will act at this gain (if not, the gain alone hits the target exactly). */
export function limiterEngages(truePeakDbtp: number, gainDb: number, target: LoudnessTarget): boolean {
  return truePeakDbtp + gainDb > limiterCeilingDb(target);
}

export function limiterCeilingDb(target: LoudnessTarget): number {
  return target.truePeakDbtp - LIMITER_MARGIN_DB;
}

export function isOnTarget(lufs: number, target: LoudnessTarget): boolean {
  return Math.abs(lufs - target.integratedLufs) <= LOUDNESS_TOLERANCE_LU;
}

/** Next gain to try from the measurements so far (each taken after gain and limiter). */
export function nextGain(probes: GainProbe[], target: LoudnessTarget): number {
  const last = probes[probes.length - 1];
  if (!last) throw new Error('nextGain needs at least one measurement');
  const prev = probes[probes.length - 2];
  // With a limiter, 1 dB more gain yields at most 1 LU more loudness; never assume less than 0.2 or steps explode.
  let slope = 1;
  if (prev && last.gainDb !== prev.gainDb) {
    slope = Math.min(1, Math.max(0.2, (last.integratedLufs - prev.integratedLufs) / (last.gainDb - prev.gainDb)));
  }
  return clampGain(last.gainDb + (target.integratedLufs - last.integratedLufs) / slope);
}

function clampGain(g: number): number {
  return Math.round(Math.min(MAX_GAIN_DB, Math.max(-MAX_GAIN_DB, g)) * 100) / 100;
}

export const dbToLinear = (db: number) => 10 ** (db / 20);
