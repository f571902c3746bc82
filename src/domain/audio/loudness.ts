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
// The limiter's ceiling sits below the true-peak ceiling: lossy encoding overshoots it. Opus at 24 kbps did so by
// 0.4–1.4 dB on the phone fixture from a −2.5 dB ceiling, the worst at one gain in a handful; from −3 dB by 0.5–0.7.
export const LIMITER_MARGIN_DB = 1.5;
// Beyond this many measuring passes the gain is good enough (they run on a few minutes' sample, not the whole).
export const MAX_GAIN_PASSES = 4;
/**
 * The gains the first measuring pass tries at once, above the unlimited gain: a limiter only takes loudness away, so
 * the gain that reaches the target is never below it, and speech at the bar's true peak loses 1–3 LU to it.
 */
export const BRACKET_STEPS_DB = [0, 2, 4, 6] as const;
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

/** The gains of the bracketing pass, from the unlimited gain upwards. */
export function bracketGains(startDb: number): number[] {
  return [...new Set(BRACKET_STEPS_DB.map((step) => clampGain(startDb + step)))];
}

/**
 * The gain for the target read off one pass's measurements at several gains: between the two that straddle the
 * target, along the straight line joining them (the curve bends so little over 2 dB that this lands within a tenth
 * of a LU). `bracketed` is false when the target lies beyond the loudest of them: the gain is then the secant's
 * guess, to be checked with a further probe.
 */
export function gainFromBracket(measured: GainProbe[], target: LoudnessTarget): { gainDb: number; bracketed: boolean } {
  const probes = [...measured].sort((a, b) => a.gainDb - b.gainDb);
  const first = probes[0];
  const last = probes[probes.length - 1];
  if (!first || !last) throw new Error('gainFromBracket needs at least one measurement');
  const want = target.integratedLufs;
  if (want <= first.integratedLufs) return { gainDb: nextGain([first], target), bracketed: true };
  for (let i = 1; i < probes.length; i++) {
    const lo = probes[i - 1]!;
    const hi = probes[i]!;
    if (want <= hi.integratedLufs && hi.integratedLufs > lo.integratedLufs) {
      const at = (want - lo.integratedLufs) / (hi.integratedLufs - lo.integratedLufs);
      return { gainDb: clampGain(lo.gainDb + at * (hi.gainDb - lo.gainDb)), bracketed: true };
    }
  }
  // Beyond the loudest: a measurement already on target will do, else extrapolate from the top two.
  if (isOnTarget(last.integratedLufs, target)) return { gainDb: last.gainDb, bracketed: true };
  return { gainDb: nextGain(probes.slice(-2), target), bracketed: false };
}

function clampGain(g: number): number {
  return Math.round(Math.min(MAX_GAIN_DB, Math.max(-MAX_GAIN_DB, g)) * 100) / 100;
}

export const dbToLinear = (db: number) => 10 ** (db / 20);
