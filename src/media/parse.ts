import type { Interval } from '../domain/audio/trim.js';
import { probeMeterName } from './commands.js';

export interface LoudnessSummary {
  integratedLufs: number;
  truePeakDbtp: number;
}

const num = (s: string) => (s === '-inf' ? Number.NEGATIVE_INFINITY : s === 'inf' ? Number.POSITIVE_INFINITY : Number(s));

/** Reads the "Summary" block ebur128 prints at the end (the last "I:" and "Peak:" lines). */
export function parseEbur128Summary(lines: string[]): LoudnessSummary | null {
  let integrated: number | undefined;
  let peak: number | undefined;
  for (const line of lines) {
    const i = /^\s+I:\s+(-?[\d.]+|-?inf) LUFS\s*$/.exec(line);
    if (i) integrated = num(i[1]!);
    const p = /^\s+Peak:\s+(-?[\d.]+|-?inf) dBFS\s*$/.exec(line);
    if (p) peak = num(p[1]!);
  }
  if (integrated === undefined || peak === undefined) return null;
  return { integratedLufs: integrated, truePeakDbtp: peak };
}

/** The integrated loudness alone, for a meter run without true peak (the gain probes). */
export function parseIntegratedLufs(lines: string[]): number | null {
  let integrated: number | null = null;
  for (const line of lines) {
    const i = /^\s+I:\s+(-?[\d.]+|-?inf) LUFS\s*$/.exec(line);
    if (i) integrated = num(i[1]!);
  }
  return integrated;
}

/**
 * The integrated loudness each of a gain probe's `count` meters measured (null where one printed none): its summary
 * starts "[ebur128@gain2 @ 0x…] Summary:" and its "I:" line follows.
 */
export function parseProbeLoudness(lines: string[], count: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: count }, () => null);
  const headers = out.map((_, i) => `[${probeMeterName(i)} @ `);
  let current = -1;
  for (const line of lines) {
    const header = isSummaryHeader(line) ? headers.findIndex((h) => line.startsWith(h)) : -1;
    if (header >= 0) {
      current = header;
      continue;
    }
    const i = /^\s+I:\s+(-?[\d.]+|-?inf) LUFS\s*$/.exec(line);
    // The last one counts: ffmpeg builds the graph twice and the first one's meters report an empty summary.
    if (i && current >= 0) out[current] = num(i[1]!);
  }
  return out;
}

const PROBE_METER_PREFIX = `[${probeMeterName(0).replace(/\d+$/, '')}`;
const isSummaryHeader = (line: string) => line.trimEnd().endsWith('] Summary:');
export const isProbeSummaryLine = (line: string) => (line.startsWith(PROBE_METER_PREFIX) && isSummaryHeader(line)) || isEbur128SummaryLine(line);

/** astats' per-channel peak ("Peak level dB: -2.499933"); the highest if there are several channels. */
export function parseAstatsPeakDb(lines: string[]): number | null {
  let peak: number | null = null;
  for (const line of lines) {
    const m = /Peak level dB:\s*(-?[\d.]+|-?inf)\s*$/.exec(line);
    if (m) peak = Math.max(peak ?? Number.NEGATIVE_INFINITY, num(m[1]!));
  }
  return peak;
}

export const isAstatsPeakLine = (line: string) => line.includes('Peak level dB:');

export const isEbur128SummaryLine = (line: string) => /^\s+(I|Peak):\s/.test(line);
export const isSilenceLine = (line: string) => line.includes('silence_start:') || line.includes('silence_end:');

/** Pairs silencedetect's start/end lines; a silence still open at the end runs to durationSec. */
export function parseSilences(lines: string[], durationSec: number): Interval[] {
  const out: Interval[] = [];
  let open: number | null = null;
  for (const line of lines) {
    // ffmpeg prints these with %g: tiny values come as 6.80272e-05.
    const s = /silence_start:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(line);
    if (s) open = Math.max(0, Number(s[1]));
    const e = /silence_end:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(line);
    if (e && open !== null) {
      out.push({ start: open, end: Number(e[1]) });
      open = null;
    }
  }
  if (open !== null && open < durationSec) out.push({ start: open, end: durationSec });
  return out;
}
