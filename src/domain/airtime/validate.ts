import { MINUTES_PER_DAY, MINUTES_PER_WEEK, dayName, describeSlot, parseHHMM } from './clock.js';
import type { GridRules, GridSlot } from './types.js';

export type GridRule = 'quiet_hours' | 'overlap' | 'max_session' | 'malformed';

export interface GridViolation {
  /** Index into the grid array (0-based); messages count slots from 1, as people do. */
  readonly slotIndex: number;
  readonly rule: GridRule;
  /** English (the older name); `messageEn` says the same under the name every bilingual message uses. */
  readonly message: string;
  readonly messageEn: string;
  readonly messageVi: string;
  /** For `overlap`: the earlier slot this one collides with. */
  readonly otherSlotIndex?: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

interface CheckedSlot {
  readonly index: number;
  readonly slot: GridSlot;
  readonly start: number;
}

const intersects = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/**
 * Checks a grid against the guardrails. Returns every violation (empty when the grid is acceptable),
 * ordered by slot, so the API can answer 422 listing them all at once rather than one per attempt.
 * A malformed slot is reported only as malformed: judging its times would produce noise.
 */
export function validateGrid(grid: readonly GridSlot[], rules: GridRules): GridViolation[] {
  const quiet = quietSpans(rules);
  if (!Number.isInteger(rules.maxSessionMin) || rules.maxSessionMin < 1) {
    throw new RangeError(`maxSessionMin must be a positive whole number, got ${rules.maxSessionMin}`);
  }
  const violations: GridViolation[] = [];
  const checked: CheckedSlot[] = [];

  grid.forEach((slot, index) => {
    const malformed = malformedProblems(slot, index);
    if (malformed.length > 0) {
      violations.push(...malformed);
      return;
    }
    const start = parseHHMM(slot.start) as number;
    const span = { start, end: start + slot.durationMin };
    const label = slotLabel(slot, index);

    if (quiet.some((q) => intersects(span, q))) {
      const window = `${rules.quietStart}–${rules.quietEnd}`;
      violations.push({
        slotIndex: index,
        rule: 'quiet_hours',
        message: `${label.en} falls in quiet hours ${window}`,
        messageEn: `${label.en} falls in quiet hours ${window}`,
        messageVi: `${label.vi} rơi vào giờ nghỉ (không phát) ${window}`,
      });
    }
    if (slot.durationMin > rules.maxSessionMin) {
      violations.push({
        slotIndex: index,
        rule: 'max_session',
        message: `${label.en} lasts ${slot.durationMin} min, longer than the maximum session of ${rules.maxSessionMin} min`,
        messageEn: `${label.en} lasts ${slot.durationMin} min, longer than the maximum session of ${rules.maxSessionMin} min`,
        messageVi: `${label.vi} dài ${slot.durationMin} phút, vượt thời lượng tối đa của một buổi phát (${rules.maxSessionMin} phút)`,
      });
    }
    for (const other of checked) {
      const day = firstOverlapDay(other, { index, slot, start });
      if (day === null) continue;
      const otherLabel = slotLabel(other.slot, other.index);
      violations.push({
        slotIndex: index,
        rule: 'overlap',
        otherSlotIndex: other.index,
        message: `${label.en} overlaps ${otherLabel.en} on ${dayName(day, 'en')}`,
        messageEn: `${label.en} overlaps ${otherLabel.en} on ${dayName(day, 'en')}`,
        messageVi: `${label.vi} trùng với ${otherLabel.viInner} vào ${dayName(day, 'vi')}`,
      });
    }
    checked.push({ index, slot, start });
  });
  return violations;
}

/** `vi` opens a sentence, `viInner` sits inside one: Vietnamese capitalises only the first word. */
function slotLabel(slot: GridSlot, index: number) {
  const en = `slot ${index + 1} (${describeSlot(slot, 'en')})`;
  const viInner = `khung giờ ${index + 1} (${describeSlot(slot, 'vi')})`;
  return { en, vi: `K${viInner.slice(1)}`, viInner };
}

/**
 * The quiet window repeated on the days around a slot: a slot starts on day 0 and, lasting at most a day,
 * ends by day 2, while a wrapping window (22:00–05:00) that started the evening before still reaches into day 0.
 */
function quietSpans(rules: GridRules): Span[] {
  const qs = parseHHMM(rules.quietStart);
  const qe = parseHHMM(rules.quietEnd);
  if (qs === null || qe === null) {
    throw new RangeError(`quiet hours must be HH:MM, got ${rules.quietStart}–${rules.quietEnd}`);
  }
  if (qs === qe) return []; // an empty window switches the guardrail off
  const length = qs < qe ? qe - qs : MINUTES_PER_DAY - qs + qe;
  return [-1, 0, 1].map((day) => ({ start: day * MINUTES_PER_DAY + qs, end: day * MINUTES_PER_DAY + qs + length }));
}

/**
 * Weekday (ISO) on which the two slots first collide, or null. Works in minutes of the week and also compares
 * against the neighbouring weeks, so a Sunday slot running past midnight collides with a Monday morning slot.
 */
function firstOverlapDay(a: CheckedSlot, b: CheckedSlot): number | null {
  let earliest: number | null = null;
  for (const da of new Set(a.slot.days)) {
    const sa = (da - 1) * MINUTES_PER_DAY + a.start;
    const spanA = { start: sa, end: sa + a.slot.durationMin };
    for (const db of new Set(b.slot.days)) {
      for (const week of [-1, 0, 1]) {
        const sb = (db - 1) * MINUTES_PER_DAY + b.start + week * MINUTES_PER_WEEK;
        const spanB = { start: sb, end: sb + b.slot.durationMin };
        if (!intersects(spanA, spanB)) continue;
        const at = (((Math.max(spanA.start, spanB.start) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK);
        if (earliest === null || at < earliest) earliest = at;
      }
    }
  }
  return earliest === null ? null : Math.floor(earliest / MINUTES_PER_DAY) + 1;
}

function malformedProblems(raw: unknown, index: number): GridViolation[] {
  const n = index + 1;
  const problem = (en: string, vi: string): GridViolation => ({
    slotIndex: index,
    rule: 'malformed',
    message: `slot ${n}: ${en}`,
    messageEn: `slot ${n}: ${en}`,
    messageVi: `Khung giờ ${n}: ${vi}`,
  });
  if (typeof raw !== 'object' || raw === null) {
    return [problem('must be an object {days, start, durationMin}', 'phải là một đối tượng gồm «days», «start» và «durationMin»')];
  }
  const slot = raw as Partial<Record<keyof GridSlot, unknown>>;
  const out: GridViolation[] = [];

  if (!Array.isArray(slot.days) || slot.days.length === 0) {
    out.push(problem('no weekdays given', 'chưa chọn ngày nào trong tuần'));
  } else if (!slot.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
    out.push(problem('days must be ISO weekdays 1 (Mon) … 7 (Sun)', 'ngày trong tuần phải từ 1 (Thứ 2) đến 7 (Chủ nhật)'));
  } else {
    const repeated = (slot.days as number[]).filter((d, i, all) => all.indexOf(d) !== i);
    if (repeated.length > 0) {
      const d = repeated[0] as number;
      out.push(problem(`${dayName(d, 'en')} is listed twice`, `${dayName(d, 'vi')} bị lặp lại`));
    }
  }
  if (parseHHMM(slot.start) === null) {
    out.push(
      problem(
        `start ${JSON.stringify(slot.start) ?? 'undefined'} is not a 24-hour time HH:MM`,
        slot.start === undefined
          ? 'chưa có giờ bắt đầu: dùng dạng HH:MM (24 giờ), ví dụ 06:30'
          : `giờ bắt đầu ${JSON.stringify(slot.start)} không đúng dạng HH:MM (24 giờ), ví dụ 06:30`,
      ),
    );
  }
  const d = slot.durationMin;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MINUTES_PER_DAY) {
    out.push(
      problem(
        `durationMin must be whole minutes from 1 to ${MINUTES_PER_DAY}`,
        `thời lượng phải là số phút nguyên từ 1 đến ${MINUTES_PER_DAY}`,
      ),
    );
  }
  return out;
}
