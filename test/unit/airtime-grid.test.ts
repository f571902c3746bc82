import { describe, expect, it } from 'vitest';
import { DEFAULT_GRID_RULES, gridSchema, gridSlotSchema, timezoneSchema, validateGrid } from '../../src/domain/airtime/index.js';
import type { GridSlot } from '../../src/domain/airtime/index.js';

const rules = { quietStart: '22:00', quietEnd: '05:00', maxSessionMin: 180 };
const MON = 1;
const TUE = 2;
const SUN = 7;

describe('validateGrid', () => {
  it('accepts a typical commune grid', () => {
    const grid: GridSlot[] = [
      { days: [1, 2, 3, 4, 5], start: '06:00', durationMin: 30 },
      { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 60 },
      { days: [6, 7], start: '06:00', durationMin: 45 },
      // Ends exactly when quiet hours begin and starts exactly when they end: both allowed.
      { days: [3], start: '21:00', durationMin: 60 },
      { days: [3], start: '05:00', durationMin: 60 },
    ];
    expect(validateGrid(grid, rules)).toEqual([]);
  });

  describe('quiet hours', () => {
    it('names the slot, its time and the window in both languages', () => {
      const grid: GridSlot[] = [
        { days: [MON], start: '06:00', durationMin: 30 },
        { days: [MON], start: '21:30', durationMin: 60 },
      ];
      const [v, ...rest] = validateGrid(grid, rules);
      expect(rest).toEqual([]);
      expect(v).toMatchObject({ slotIndex: 1, rule: 'quiet_hours' });
      expect(v?.message).toBe('slot 2 (Mon 21:30–22:30) falls in quiet hours 22:00–05:00');
      expect(v?.messageVi).toBe('Khung giờ 2 (Thứ 2 21:30–22:30) rơi vào giờ nghỉ (không phát) 22:00–05:00');
    });

    it('catches a slot that starts before the window ends in the morning', () => {
      const v = validateGrid([{ days: [TUE], start: '04:30', durationMin: 60 }], rules);
      expect(v.map((x) => x.rule)).toEqual(['quiet_hours']);
    });

    it('catches a slot entirely inside the window (the 03:15 relay)', () => {
      const v = validateGrid([{ days: [SUN], start: '03:15', durationMin: 15 }], rules);
      expect(v.map((x) => x.rule)).toEqual(['quiet_hours']);
    });

    it('honours a configured, non-wrapping window', () => {
      const custom = { ...rules, quietStart: '00:00', quietEnd: '05:00' };
      expect(validateGrid([{ days: [MON], start: '23:30', durationMin: 60 }], custom).map((x) => x.rule)).toEqual(['quiet_hours']);
      expect(validateGrid([{ days: [MON], start: '22:30', durationMin: 60 }], custom)).toEqual([]);
    });

    it('is switched off by an empty window', () => {
      const off = { ...rules, quietStart: '00:00', quietEnd: '00:00' };
      expect(validateGrid([{ days: [MON], start: '23:00', durationMin: 30 }], off)).toEqual([]);
    });
  });

  describe('overlap', () => {
    it('reports the later slot and names the one it collides with', () => {
      const grid: GridSlot[] = [
        { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 30 },
        { days: [TUE], start: '06:15', durationMin: 45 },
      ];
      const v = validateGrid(grid, rules);
      expect(v).toHaveLength(1);
      expect(v[0]).toMatchObject({ slotIndex: 1, otherSlotIndex: 0, rule: 'overlap' });
      expect(v[0]?.message).toBe('slot 2 (Tue 06:15–07:00) overlaps slot 1 (daily 06:00–06:30) on Tue');
      expect(v[0]?.messageVi).toContain('trùng với khung giờ 1');
    });

    it('does not treat back-to-back slots or the same time on other days as overlapping', () => {
      const grid: GridSlot[] = [
        { days: [MON], start: '06:00', durationMin: 30 },
        { days: [MON], start: '06:30', durationMin: 30 },
        { days: [TUE], start: '06:00', durationMin: 60 },
      ];
      expect(validateGrid(grid, rules)).toEqual([]);
    });

    it('sees a slot running past midnight collide with the next weekday', () => {
      const noQuiet = { ...rules, quietStart: '00:00', quietEnd: '00:00', maxSessionMin: 1440 };
      const grid: GridSlot[] = [
        { days: [MON], start: '21:00', durationMin: 240 }, // Mon 21:00 – Tue 01:00
        { days: [TUE], start: '00:30', durationMin: 30 },
      ];
      const v = validateGrid(grid, noQuiet);
      expect(v.map((x) => [x.rule, x.slotIndex])).toEqual([['overlap', 1]]);
      expect(v[0]?.message).toMatch(/on Tue$/);
    });

    it('wraps Sunday night into Monday morning', () => {
      const noQuiet = { ...rules, quietStart: '00:00', quietEnd: '00:00', maxSessionMin: 1440 };
      const grid: GridSlot[] = [
        { days: [MON], start: '00:30', durationMin: 30 },
        { days: [SUN], start: '23:00', durationMin: 120 }, // Sun 23:00 – Mon 01:00
      ];
      const v = validateGrid(grid, noQuiet);
      expect(v.map((x) => [x.rule, x.slotIndex, x.otherSlotIndex])).toEqual([['overlap', 1, 0]]);
      expect(v[0]?.message).toMatch(/on Mon$/);
    });
  });

  it('flags a slot longer than the maximum session', () => {
    const v = validateGrid([{ days: [MON], start: '06:00', durationMin: 240 }], rules);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ slotIndex: 0, rule: 'max_session' });
    expect(v[0]?.message).toContain('240 min');
    expect(v[0]?.message).toContain('180 min');
    expect(validateGrid([{ days: [MON], start: '06:00', durationMin: 180 }], rules)).toEqual([]);
  });

  describe('malformed', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['start not HH:MM', { days: [MON], start: '6:00', durationMin: 30 }, /start "6:00"/],
      ['hour out of range', { days: [MON], start: '24:00', durationMin: 30 }, /start "24:00"/],
      ['weekday 0', { days: [0], start: '06:00', durationMin: 30 }, /ISO weekdays/],
      ['weekday 8', { days: [8], start: '06:00', durationMin: 30 }, /ISO weekdays/],
      ['no weekdays', { days: [], start: '06:00', durationMin: 30 }, /no weekdays/],
      ['repeated weekday', { days: [1, 1], start: '06:00', durationMin: 30 }, /Mon is listed twice/],
      ['zero duration', { days: [MON], start: '06:00', durationMin: 0 }, /durationMin/],
      ['fractional duration', { days: [MON], start: '06:00', durationMin: 2.5 }, /durationMin/],
      ['not an object', null, /must be an object/],
    ];
    for (const [name, slot, message] of cases) {
      it(name, () => {
        const v = validateGrid([{ days: [TUE], start: '06:00', durationMin: 30 }, slot as GridSlot], rules);
        expect(v).toHaveLength(1);
        expect(v[0]).toMatchObject({ slotIndex: 1, rule: 'malformed' });
        expect(v[0]?.message).toMatch(message);
        expect(v[0]?.message).toMatch(/^slot 2: /);
        expect(v[0]?.messageVi).toMatch(/^Khung giờ 2: /);
      });
    }
  });

  it('lists every violation, ordered by slot', () => {
    const grid: GridSlot[] = [
      { days: [MON], start: '21:00', durationMin: 240 },
      { days: [MON], start: '06:00', durationMin: 30 },
      { days: [MON], start: '06:10', durationMin: 30 },
    ];
    expect(validateGrid(grid, rules).map((v) => [v.slotIndex, v.rule])).toEqual([
      [0, 'quiet_hours'],
      [0, 'max_session'],
      [2, 'overlap'],
    ]);
  });

  it('refuses nonsensical rules instead of silently passing every grid', () => {
    expect(() => validateGrid([], { ...rules, quietStart: '10pm' })).toThrow(RangeError);
    expect(() => validateGrid([], { ...rules, maxSessionMin: 0 })).toThrow(RangeError);
  });

  it('ships defaults matching the design (22:00–05:00)', () => {
    expect(DEFAULT_GRID_RULES).toMatchObject({ quietStart: '22:00', quietEnd: '05:00' });
  });
});

describe('grid schema', () => {
  it('accepts a valid grid', () => {
    const grid = [{ days: [1, 3, 5], start: '06:00', durationMin: 30 }];
    expect(gridSchema.parse(grid)).toEqual(grid);
  });

  it.each([
    [{ days: [0], start: '06:00', durationMin: 30 }],
    [{ days: [1, 1], start: '06:00', durationMin: 30 }],
    [{ days: [], start: '06:00', durationMin: 30 }],
    [{ days: [1], start: '6:00', durationMin: 30 }],
    [{ days: [1], start: '06:00', durationMin: 0 }],
    [{ days: [1], start: '06:00', durationMin: 1441 }],
    [{ days: [1], start: '06:00' }],
  ])('rejects %j', (slot) => {
    expect(gridSlotSchema.safeParse(slot).success).toBe(false);
  });

  it('validates time zones as IANA names, defaulting to Asia/Ho_Chi_Minh', () => {
    expect(timezoneSchema.parse(undefined)).toBe('Asia/Ho_Chi_Minh');
    expect(timezoneSchema.parse('Europe/Berlin')).toBe('Europe/Berlin');
    expect(timezoneSchema.safeParse('Mars/Olympus').success).toBe(false);
  });
});
