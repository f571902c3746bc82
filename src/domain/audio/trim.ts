export interface Interval {
  start: number;
  end: number;
}

export interface TrimPolicy {
  /** Only silences at least this long are trimmed: short pauses are part of the programme. */
  minSilenceSec: number;
  /** Silence left in place before the first and after the last sound, so speech is never clipped. */
  keepSec: number;
}

/**
 * Chooses the part of the programme to keep: only leading/trailing silence longer than the policy's minimum is cut,
 * and keepSec of it is left. Silence in the middle is never touched.
 */
export function planTrim(silences: Interval[], durationSec: number, policy: TrimPolicy): Interval {
  const edge = 0.05;
  let start = 0;
  let end = durationSec;
  const lead = silences.find((s) => s.start <= edge);
  // Silence from end to end leaves nothing to keep: trimming is not the tool for that (validation is).
  if (lead && lead.end >= durationSec - edge) return { start: 0, end: durationSec };
  if (lead && lead.end - lead.start >= policy.minSilenceSec) start = Math.max(0, lead.end - policy.keepSec);
  const tail = silences.find((s) => s.end >= durationSec - edge && s.start > start);
  if (tail && tail.end - tail.start >= policy.minSilenceSec) end = Math.min(durationSec, tail.start + policy.keepSec);
  if (end - start <= 0) return { start: 0, end: durationSec };
  return { start: round3(start), end: round3(end) };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
