import { DateTime } from 'luxon';
import { describeSlot } from './clock.js';
import { slotInstances } from './materialise.js';
import type { Grid, Interval, SlotInstance } from './types.js';

export interface OutsideGrid {
  readonly message: string;
  readonly messageVi: string;
}

/**
 * The slot occurrence that holds the whole airing, or null. A slot may run past midnight, so the occurrences
 * of the day before are looked at too.
 */
export function slotHolding(grid: Grid, timezone: string, airing: Interval): SlotInstance | null {
  if (grid.length === 0) return null;
  const day = DateTime.fromJSDate(airing.startsAt, { zone: timezone });
  const from = day.minus({ days: 1 }).toISODate()!;
  const to = day.toISODate()!;
  return (
    slotInstances(grid, timezone, from, to).find(
      (s) => s.startsAt.getTime() <= airing.startsAt.getTime() && airing.endsAt.getTime() <= s.endsAt.getTime(),
    ) ?? null
  );
}

/** Why an airing may not sit where it was put: the station's slots, as people read them, so they can pick one. */
export function explainOutsideGrid(grid: Grid, timezone: string, airing: Interval): OutsideGrid {
  const at = (d: Date, fmt: string) => DateTime.fromJSDate(d, { zone: timezone }).toFormat(fmt);
  const when = { en: `${at(airing.startsAt, 'ccc dd/MM HH:mm')}–${at(airing.endsAt, 'HH:mm')}`, vi: `${at(airing.startsAt, 'HH:mm')}–${at(airing.endsAt, 'HH:mm')} ngày ${at(airing.startsAt, 'dd/MM/yyyy')}` };
  if (grid.length === 0) {
    return {
      message: `The airing (${when.en}) must lie inside one of the station's slots, and the station has none: add slots to its airtime grid first`,
      messageVi: `Lượt phát (${when.vi}) phải nằm trọn trong một khung giờ phát sóng của đài, nhưng đài chưa có khung giờ nào: hãy thêm khung giờ trước`,
    };
  }
  return {
    message: `The airing (${when.en}) must lie wholly inside one of the station's slots: ${grid.map((s) => describeSlot(s, 'en')).join('; ')}`,
    messageVi: `Lượt phát (${when.vi}) phải nằm trọn trong một khung giờ phát sóng của đài: ${grid.map((s) => describeSlot(s, 'vi')).join('; ')}`,
  };
}
