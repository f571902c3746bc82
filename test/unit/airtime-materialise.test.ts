import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localPeriod, resolveWallTime, slotInstances } from '../../src/domain/airtime/index.js';
import type { SlotInstance } from '../../src/domain/airtime/index.js';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const iso = (d: Date) => d.toISOString();
const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat("ccc yyyy-MM-dd HH:mm ZZ");
const minutes = (i: SlotInstance) => (i.endsAt.getTime() - i.startsAt.getTime()) / 60_000;

describe('slotInstances in Asia/Ho_Chi_Minh', () => {
  it('evaluates the weekday locally: Monday 06:00 is Sunday 23:00 UTC', () => {
    const out = slotInstances([{ days: [1], start: '06:00', durationMin: 30 }], HCM, '2026-11-29', '2026-12-06');
    expect(out.map((i) => [iso(i.startsAt), iso(i.endsAt)])).toEqual([['2026-11-29T23:00:00.000Z', '2026-11-29T23:30:00.000Z']]);
    expect(out[0]?.startsAt.getUTCDay()).toBe(0); // Sunday in UTC…
    expect(local(out[0]!.startsAt, HCM)).toBe('Mon 2026-11-30 06:00 +07:00'); // …Monday on the commune's clock
  });

  it('includes both ends of the local date range and nothing outside it', () => {
    const out = slotInstances([{ days: EVERY_DAY, start: '06:00', durationMin: 30 }], HCM, '2026-12-01', '2026-12-03');
    expect(out.map((i) => local(i.startsAt, HCM))).toEqual([
      'Tue 2026-12-01 06:00 +07:00',
      'Wed 2026-12-02 06:00 +07:00',
      'Thu 2026-12-03 06:00 +07:00',
    ]);
  });

  it('sorts occurrences of several slots by start and keeps each slot index', () => {
    const grid = [
      { days: [2], start: '17:00', durationMin: 60 },
      { days: [2, 3], start: '06:00', durationMin: 30 },
    ];
    const out = slotInstances(grid, HCM, '2026-12-01', '2026-12-02');
    expect(out.map((i) => [local(i.startsAt, HCM), i.slotIndex, minutes(i)])).toEqual([
      ['Tue 2026-12-01 06:00 +07:00', 1, 30],
      ['Tue 2026-12-01 17:00 +07:00', 0, 60],
      ['Wed 2026-12-02 06:00 +07:00', 1, 30],
    ]);
  });

  it('returns nothing for an empty range and refuses bad dates and zones', () => {
    const grid = [{ days: EVERY_DAY, start: '06:00', durationMin: 30 }];
    expect(slotInstances(grid, HCM, '2026-12-05', '2026-12-01')).toEqual([]);
    expect(() => slotInstances(grid, HCM, '2026-02-30', '2026-03-01')).toThrow(RangeError);
    expect(() => slotInstances(grid, HCM, '01/12/2026', '2026-12-31')).toThrow(RangeError);
    expect(() => slotInstances(grid, 'Asia/Hanoi_City', '2026-12-01', '2026-12-31')).toThrow(RangeError);
  });
});

describe('slotInstances in Europe/Berlin across the 2026 DST changes', () => {
  const daily0600 = [{ days: EVERY_DAY, start: '06:00', durationMin: 60 }];

  it('keeps 06:00 local across spring-forward (29 Mar 2026): the UTC hour moves instead', () => {
    const out = slotInstances(daily0600, BERLIN, '2026-03-28', '2026-03-30');
    expect(out.map((i) => iso(i.startsAt))).toEqual([
      '2026-03-28T05:00:00.000Z',
      '2026-03-29T04:00:00.000Z',
      '2026-03-30T04:00:00.000Z',
    ]);
    expect(out.map((i) => local(i.startsAt, BERLIN))).toEqual([
      'Sat 2026-03-28 06:00 +01:00',
      'Sun 2026-03-29 06:00 +02:00',
      'Mon 2026-03-30 06:00 +02:00',
    ]);
    expect(out.map(minutes)).toEqual([60, 60, 60]);
  });

  it('keeps 06:00 local across fall-back (25 Oct 2026)', () => {
    const out = slotInstances(daily0600, BERLIN, '2026-10-24', '2026-10-26');
    expect(out.map((i) => iso(i.startsAt))).toEqual([
      '2026-10-24T04:00:00.000Z',
      '2026-10-25T05:00:00.000Z',
      '2026-10-26T05:00:00.000Z',
    ]);
    expect(out.map((i) => local(i.startsAt, BERLIN))).toEqual([
      'Sat 2026-10-24 06:00 +02:00',
      'Sun 2026-10-25 06:00 +01:00',
      'Mon 2026-10-26 06:00 +01:00',
    ]);
    expect(out.map(minutes)).toEqual([60, 60, 60]);
  });

  it('starts a slot whose start was skipped when the gap closes, keeping only the part of it that exists', () => {
    // 02:30–03:30 on 29 Mar: 02:00–03:00 does not exist, so the slot airs 03:00–03:30 CEST.
    const out = slotInstances([{ days: EVERY_DAY, start: '02:30', durationMin: 60 }], BERLIN, '2026-03-28', '2026-03-30');
    expect(out.map((i) => [local(i.startsAt, BERLIN), local(i.endsAt, BERLIN)])).toEqual([
      ['Sat 2026-03-28 02:30 +01:00', 'Sat 2026-03-28 03:30 +01:00'],
      ['Sun 2026-03-29 03:00 +02:00', 'Sun 2026-03-29 03:30 +02:00'],
      ['Mon 2026-03-30 02:30 +02:00', 'Mon 2026-03-30 03:30 +02:00'],
    ]);
    expect(iso(out[1]!.startsAt)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('drops the occurrence of a slot lying wholly in the skipped hour', () => {
    const out = slotInstances([{ days: EVERY_DAY, start: '02:00', durationMin: 30 }], BERLIN, '2026-03-28', '2026-03-30');
    expect(out.map((i) => local(i.startsAt, BERLIN))).toEqual(['Sat 2026-03-28 02:00 +01:00', 'Mon 2026-03-30 02:00 +02:00']);
  });

  it('uses the first occurrence of a repeated wall time', () => {
    const out = slotInstances([{ days: [7], start: '02:30', durationMin: 30 }], BERLIN, '2026-10-25', '2026-10-25');
    expect(out.map((i) => [iso(i.startsAt), iso(i.endsAt)])).toEqual([['2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z']]);
    expect(local(out[0]!.startsAt, BERLIN)).toBe('Sun 2026-10-25 02:30 +02:00');
  });

  it('never lets a slot spanning the repeated hour last longer than its duration', () => {
    // Wall-clock 01:00–04:00 is four real hours that night; the slot is three hours long.
    const [i] = slotInstances([{ days: [7], start: '01:00', durationMin: 180 }], BERLIN, '2026-10-25', '2026-10-25');
    expect(minutes(i!)).toBe(180);
    expect(local(i!.endsAt, BERLIN)).toBe('Sun 2026-10-25 03:00 +01:00');
  });

  it('never lets a slot spanning the skipped hour run past its wall-clock end', () => {
    // Wall-clock 01:00–04:00 is two real hours that night.
    const [i] = slotInstances([{ days: [7], start: '01:00', durationMin: 180 }], BERLIN, '2026-03-29', '2026-03-29');
    expect(minutes(i!)).toBe(120);
    expect(local(i!.endsAt, BERLIN)).toBe('Sun 2026-03-29 04:00 +02:00');
  });
});

describe('resolveWallTime', () => {
  const zone = IANAZone.create(BERLIN);
  it('classifies exact, skipped and repeated wall times', () => {
    expect(resolveWallTime(zone, Date.UTC(2026, 2, 29, 6, 0))).toEqual({ at: Date.UTC(2026, 2, 29, 4), kind: 'exact' });
    expect(resolveWallTime(zone, Date.UTC(2026, 2, 29, 2, 30))).toEqual({ at: Date.UTC(2026, 2, 29, 1), kind: 'skipped' });
    expect(resolveWallTime(zone, Date.UTC(2026, 9, 25, 2, 30))).toEqual({ at: Date.UTC(2026, 9, 25, 0, 30), kind: 'repeated' });
  });
});

describe('localPeriod', () => {
  it('spans local midnight of the first day to local midnight after the last', () => {
    const p = localPeriod(HCM, '2026-12-01', '2026-12-31');
    expect([iso(p.startsAt), iso(p.endsAt)]).toEqual(['2026-11-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z']);
  });

  it('is 23 hours long on the spring-forward day in Berlin', () => {
    const p = localPeriod(BERLIN, '2026-03-29', '2026-03-29');
    expect((p.endsAt.getTime() - p.startsAt.getTime()) / 3_600_000).toBe(23);
  });
});
