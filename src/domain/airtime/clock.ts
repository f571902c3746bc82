import type { GridSlot } from './types.js';

export const MINUTES_PER_DAY = 24 * 60;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight, or null when `s` is not a 24-hour `HH:MM`. */
export function parseHHMM(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = HHMM.exec(s);
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

export function formatHHMM(minutes: number): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export type Lang = 'en' | 'vi';

const DAY_NAMES: Record<Lang, readonly string[]> = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  vi: ['Thứ 2', 'Thứ 3', 'Thứ 4', 'Thứ 5', 'Thứ 6', 'Thứ 7', 'Chủ nhật'],
};
const EVERY_DAY: Record<Lang, string> = { en: 'daily', vi: 'hằng ngày' };

export function dayName(isoWeekday: number, lang: Lang): string {
  return DAY_NAMES[lang][isoWeekday - 1] ?? String(isoWeekday);
}

/** "Mon, Wed 21:30–22:30": how a person recognises the slot on screen. */
export function describeSlot(slot: GridSlot, lang: Lang): string {
  const start = parseHHMM(slot.start);
  const days = [...new Set(slot.days)].sort((a, b) => a - b);
  const dayText = days.length === 7 ? EVERY_DAY[lang] : days.map((d) => dayName(d, lang)).join(', ');
  if (start === null || !Number.isFinite(slot.durationMin)) return `${dayText} ${String(slot.start)}`;
  return `${dayText} ${formatHHMM(start)}–${formatHHMM(start + slot.durationMin)}`;
}
