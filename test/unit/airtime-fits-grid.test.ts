import { describe, expect, it } from 'vitest';
import { slotHolding } from '../../src/domain/airtime/index.js';

const TZ = 'Asia/Ho_Chi_Minh';
const at = (iso: string, minutes: number) => ({ startsAt: new Date(iso), endsAt: new Date(new Date(iso).getTime() + minutes * 60_000) });

describe('slotHolding: the slot occurrence that holds a whole airing', () => {
  const grid = [
    { days: [1, 2, 3, 4, 5], start: '06:00', durationMin: 60 },
    { days: [7], start: '23:30', durationMin: 60 },
  ];

  it('finds the slot on its weekday, and nothing on other days or outside it', () => {
    // 2026-06-15 is a Monday.
    expect(slotHolding(grid, TZ, at('2026-06-15T06:10:00+07:00', 20))?.slotIndex).toBe(0);
    expect(slotHolding(grid, TZ, at('2026-06-13T06:10:00+07:00', 20))).toBeNull(); // Saturday
    expect(slotHolding(grid, TZ, at('2026-06-15T12:00:00+07:00', 20))).toBeNull();
  });

  it('requires the whole airing inside: starting in a slot and running past its end is outside', () => {
    expect(slotHolding(grid, TZ, at('2026-06-15T06:50:00+07:00', 10))?.slotIndex).toBe(0);
    expect(slotHolding(grid, TZ, at('2026-06-15T06:50:00+07:00', 11))).toBeNull();
    expect(slotHolding(grid, TZ, at('2026-06-15T05:59:00+07:00', 5))).toBeNull();
  });

  it('holds an airing after midnight in a slot that started the day before', () => {
    expect(slotHolding(grid, TZ, at('2026-06-15T00:10:00+07:00', 15))?.slotIndex).toBe(1); // Sunday 23:30 slot, Monday 00:10
  });

  it('holds nothing when the station has no grid', () => {
    expect(slotHolding([], TZ, at('2026-06-15T06:10:00+07:00', 5))).toBeNull();
  });
});
