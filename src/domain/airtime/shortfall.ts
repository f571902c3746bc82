import { earliestChain, type Spacing, type StartRun } from './free-time.js';

export type ShortfallReason = 'no_capacity' | 'min_gap' | 'period_too_short' | 'episode_longer_than_slots';

export interface Shortfall {
  readonly missing: number;
  readonly reason: ShortfallReason;
  /** English (the older name); `messageEn` says the same under the name every bilingual message uses. */
  readonly message: string;
  readonly messageEn: string;
  readonly messageVi: string;
}

export interface ShortfallFacts {
  readonly requested: number;
  readonly placed: number;
  readonly spacing: Spacing;
  readonly slotCount: number;
  /** Longest slot occurrence offered, ignoring busy time and readiness. */
  readonly longestSlotMs: number;
  /** From the earliest allowed start to the end of the period. */
  readonly usablePeriodMs: number;
  readonly runs: readonly StartRun[];
}

/**
 * Names the first obstacle a producer could act on: an episode too long for any slot needs a longer slot;
 * too short a period needs a longer period or a smaller gap; a gap that spaces airings out of the free time
 * needs a smaller gap; otherwise the slots are simply full.
 */
export function explainShortfall(f: ShortfallFacts): Shortfall {
  const missing = f.requested - f.placed;
  const { durationMs, gapMs } = f.spacing;
  const head = { en: `only ${f.placed} of ${f.requested} airings fit`, vi: `Chỉ xếp được ${f.placed}/${f.requested} lượt phát` };
  const gap = { en: duration(gapMs, 'en'), vi: duration(gapMs, 'vi') };
  const make = (reason: ShortfallReason, en: string, vi: string): Shortfall => ({
    missing,
    reason,
    message: `${head.en}: ${en}`,
    messageEn: `${head.en}: ${en}`,
    messageVi: `${head.vi}: ${vi}`,
  });

  if (f.slotCount === 0) {
    return make('no_capacity', 'the station has no airtime slots in the period', 'đài không có khung giờ phát sóng nào trong kỳ');
  }
  if (f.longestSlotMs < durationMs) {
    return make(
      'episode_longer_than_slots',
      `the episode lasts ${duration(durationMs, 'en')}, longer than any slot in the period (longest ${duration(f.longestSlotMs, 'en')})`,
      `chương trình dài ${duration(durationMs, 'vi')}, dài hơn mọi khung giờ trong kỳ (dài nhất ${duration(f.longestSlotMs, 'vi')})`,
    );
  }
  // Airings need only start inside the period, so n of them need (n − 1) gaps of it.
  if ((f.requested - 1) * gapMs >= f.usablePeriodMs) {
    return make(
      'period_too_short',
      `the period (from when the episode is ready) is too short for ${f.requested} airings at least ${gap.en} apart`,
      `kỳ phát (tính từ khi chương trình sẵn sàng) quá ngắn cho ${f.requested} lượt phát cách nhau ít nhất ${gap.vi}`,
    );
  }
  const withoutGap = earliestChain(f.runs, { durationMs, gapMs: 0 }, f.requested).length;
  if (withoutGap >= f.requested) {
    return make(
      'min_gap',
      `there is enough free slot time, but not at least ${gap.en} apart`,
      `còn đủ thời gian trống trong khung giờ nhưng không cách nhau được ít nhất ${gap.vi}`,
    );
  }
  return make('no_capacity', "the free time in the station's slots is used up", 'đã hết thời gian trống trong khung giờ của đài');
}

const UNITS = {
  en: { h: 'h', min: 'min', s: 's' },
  vi: { h: 'giờ', min: 'phút', s: 'giây' },
} as const;

/** "24 h", "1 h 30 min", "45 s": whole units only, the largest first. */
export function duration(ms: number, lang: 'en' | 'vi'): string {
  const u = UNITS[lang];
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [h ? `${h} ${u.h}` : '', m ? `${m} ${u.min}` : '', s ? `${s} ${u.s}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : `0 ${u.s}`;
}
