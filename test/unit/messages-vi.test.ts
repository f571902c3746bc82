import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodToHttp } from '../../src/api/errors.js';
import { explainOutsideGrid, validateGrid, gridSchema, timezoneSchema, DEFAULT_GRID_RULES } from '../../src/domain/airtime/index.js';
import { explainShortfall, type ShortfallFacts } from '../../src/domain/airtime/shortfall.js';
import { REJECTION_RULES } from '../../src/domain/audio/rejection.js';
import { validateDecoded } from '../../src/domain/audio/validate.js';
import { checkBulletinText } from '../../src/domain/bulletins/text.js';
import { describeIssues, type InputLocation } from '../../src/domain/text/field-problems.js';
import { classifyMissedReport, classifyPlayEvent, periodQuerySchema, periodSchema, playEventSchema } from '../../src/domain/tracking/index.js';
import { createPlanSchema, moveAiringSchema } from '../../src/services/plan-service.js';
import { createStationSchema, updateStationSchema } from '../../src/services/station-service.js';

const problems = (schema: z.ZodType, input: unknown, location: InputLocation = 'body', path: string[] = []) => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return describeIssues(r.error.issues, { location, input, path });
};
const vi = (schema: z.ZodType, input: unknown, location: InputLocation = 'body', path: string[] = []) =>
  problems(schema, input, location, path).map((p) => p.messageVi);

/**
 * Words that cannot be Vietnamese: an unaccented token that is not one Vietnamese syllable (onset, vowels, coda).
 * Names quoted in «» or "…", acronyms (UUID, JSON) and code-like tokens (06:30, Asia/Ho_Chi_Minh) are not words.
 */
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$/i;
const LOANWORDS = new Set(['byte']);
function foreignWords(text: string): string[] {
  const plain = text.replace(/«[^»]*»/g, ' ').replace(/"[^"]*"/g, ' ');
  return plain
    .split(/\s+/)
    .filter((t) => !/[\d/_@:+<>]/.test(t))
    .map((t) => t.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''))
    .filter((w) => w.length > 1 && /^[A-Za-z-]+$/.test(w) && !/^[A-Z-]+$/.test(w) && !LOANWORDS.has(w.toLowerCase()))
    .filter((w) => w.split('-').some((part) => !SYLLABLE.test(part)));
}
/** "0.21" is English; Vietnamese writes "0,21" (and "1.234" for a thousand and more, which this leaves alone). */
const dotDecimals = (text: string) => text.match(/\d\.\d{1,2}(?!\d)/g) ?? [];

describe('the checker itself', () => {
  it('finds English words and dot decimals, and lets Vietnamese, names and codes through', () => {
    expect(foreignWords('Không tìm thấy episode')).toEqual(['episode']);
    expect(foreignWords('Tham số «preset» phải là "H1" hoặc mã UUID, ví dụ Asia/Ho_Chi_Minh lúc 06:30')).toEqual([]);
    expect(foreignWords('Kế hoạch phát cho đài truyền thanh xã')).toEqual([]);
    expect(dotDecimals('dài 0.21 giây')).toEqual(['0.21']);
    expect(dotDecimals('dài 0,21 giây, 14.400 giây')).toEqual([]);
  });
});

describe('validation messages in Vietnamese', () => {
  it('names a path parameter as part of the address', () => {
    const [p] = problems(z.uuid({ error: 'id must be a UUID' }), 'abc', 'path', ['id']);
    expect(p).toMatchObject({ field: 'id', location: 'path', rule: 'invalid_format', messageEn: 'path parameter id: id must be a UUID' });
    expect(p!.messageVi).toBe('«Mã định danh» trong đường dẫn phải có dạng mã UUID, ví dụ 123e4567-e89b-42d3-a456-426614174000');
  });

  it('answers a wrong preset with the presets there are, not with a missing "from"', () => {
    const [p, ...rest] = problems(periodQuerySchema, { preset: 'Q4', year: '2026' }, 'query');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ field: 'preset', location: 'query', rule: 'invalid_value' });
    expect(p!.messageVi).toMatch(/^Tham số «Kỳ báo cáo» phải là một trong các giá trị: "H1", "H2", "year"/);
    expect(p!.messageEn).toMatch(/^query parameter preset: /);
  });

  it('says how to write a date, and which end of a period is wrong', () => {
    expect(vi(periodSchema, { from: '2026-02-30', to: '2026-12-31' }, 'query')).toEqual(['Tham số «Từ ngày» không phải ngày hợp lệ: dùng dạng 2026-12-31']);
    expect(vi(periodSchema, { from: '2026-12-01', to: '2026-01-01' }, 'query')).toEqual(['Tham số «Đến ngày» phải cùng ngày hoặc sau «Từ ngày»']);
    expect(vi(createPlanSchema, { episodeId: crypto.randomUUID(), stationIds: 'all', from: '2026-12-01', to: '2026-11-30' })).toEqual([
      '«Đến ngày» phải cùng ngày hoặc sau «Từ ngày»',
    ]);
  });

  it('tells a missing field from a wrong one, and names list items and allowed values', () => {
    expect(vi(createPlanSchema, { stationIds: ['x'], from: '2026-01-01', to: '2026-01-02', priority: 'z', airingsPerStation: 0.5 })).toEqual([
      '«Chương trình» là bắt buộc',
      'Mục 1 của «Danh sách đài» phải có dạng mã UUID, ví dụ 123e4567-e89b-42d3-a456-426614174000',
      '«Số lượt phát mỗi đài» phải là số nguyên',
      '«Mức ưu tiên» phải là một trong các giá trị: "normal", "priority", "emergency"',
    ]);
    expect(vi(createPlanSchema, { episodeId: crypto.randomUUID(), stationIds: [], from: '2026-01-01', to: '2026-01-02' })).toEqual([
      '«Danh sách đài» phải có ít nhất một mục',
    ]);
    expect(vi(moveAiringSchema, { startsAt: '06:00' })).toEqual(['«Thời điểm phát» không phải thời điểm hợp lệ: dùng dạng 2026-12-31T06:00:00+07:00 (có múi giờ)']);
    expect(vi(updateStationSchema, { code: '99999' })).toEqual(['Nội dung gửi lên có trường không được hỗ trợ: «code»']);
    expect(vi(z.object({ q: z.number() }), 5)).toEqual(['Nội dung gửi lên phải là một đối tượng JSON']);
  });

  it('writes numbers with a decimal comma and thousands with a dot', () => {
    expect(vi(z.object({ minGapHours: z.number().min(0.25) }), { minGapHours: 0.1 })).toEqual(['«Khoảng cách tối thiểu (giờ)» phải từ 0,25 trở lên']);
    expect(vi(z.object({ stationIds: z.array(z.string()).max(20_000) }), { stationIds: Array(20_001).fill('x') })).toEqual([
      '«Danh sách đài» dài quá: tối đa 20.000 mục',
    ]);
  });

  it('builds the answer from the first problem and counts the others', () => {
    const r = createPlanSchema.safeParse({ stationIds: 'all', from: 'x', to: 'y' });
    const e = zodToHttp(r.error!, { location: 'body', input: { stationIds: 'all', from: 'x', to: 'y' } });
    expect([e.status, e.code]).toEqual([422, 'VALIDATION_FAILED']);
    expect(e.messageVi).toBe('«Chương trình» là bắt buộc (và 2 lỗi khác)');
    expect(e.message).toMatch(/^episodeId: .* \(and 2 more\)$/);
    expect((e.details as { field: string; location: string }[]).map((d) => `${d.location}:${d.field}`)).toEqual(['body:episodeId', 'body:from', 'body:to']);
  });
});

describe('play rejections in both languages', () => {
  const EP = '0b6f3c1e-7a52-4c1b-9d8e-2f4a6b8c0d1e';
  const now = new Date('2026-06-15T12:00:00Z');
  const ctx = { now, episodes: new Map([[EP, { durationSec: 600, existedFrom: new Date('2026-06-10T08:00:00Z') }]]) };
  const play = (over: Record<string, unknown>) => ({ eventId: 'e1', episodeId: EP, startedAt: '2026-06-15T06:00:00+07:00', durationSec: 600, ...over });

  it('rejects a play that starts before its episode was uploaded, saying so in Vietnamese', () => {
    const v = classifyPlayEvent(play({ startedAt: '2026-06-09T06:00:00+07:00' }), ctx);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.reason).toBe('before_episode');
    expect(v.message).toMatch(/before the episode existed/);
    expect(v.messageVi).toBe('Thời điểm bắt đầu 2026-06-09T06:00:00+07:00 sớm hơn lúc chương trình có trên hệ thống (2026-06-10T08:00:00.000Z): hãy kiểm tra đồng hồ của cụm loa');
    // Within the clock skew the station is given the benefit of the doubt.
    expect(classifyPlayEvent(play({ startedAt: '2026-06-10T07:59:00Z' }), ctx).ok).toBe(true);
  });

  it('gives every reason a Vietnamese message with decimal commas', () => {
    const cases: [Record<string, unknown> | unknown, string][] = [
      [[], 'malformed'],
      [play({ startedAt: 'yesterday' }), 'malformed'],
      [play({ episodeId: crypto.randomUUID() }), 'unknown_episode'],
      [play({ startedAt: '2026-06-16T12:00:00Z' }), 'future_start'],
      [play({ startedAt: '2020-01-01T00:00:00Z' }), 'too_old'],
      [play({ startedAt: '2026-06-01T00:00:00Z' }), 'before_episode'],
      [play({ durationSec: -0.5 }), 'negative_duration'],
      [play({ durationSec: 5000.25 }), 'impossible_duration'],
    ];
    for (const [raw, reason] of cases) {
      const v = classifyPlayEvent(raw, ctx);
      expect(v.ok ? 'ok' : v.reason, JSON.stringify(raw)).toBe(reason);
      if (v.ok) continue;
      expect(v.messageVi.length).toBeGreaterThan(10);
      expect(foreignWords(v.messageVi), v.messageVi).toEqual([]);
      expect(dotDecimals(v.messageVi), v.messageVi).toEqual([]);
    }
    const negative = classifyPlayEvent(play({ durationSec: -0.5 }), ctx);
    expect(!negative.ok && negative.messageVi).toBe('Thời lượng -0,5 giây là số âm');
    const bad = classifyPlayEvent(play({ startedAt: 'yesterday' }), ctx);
    expect(!bad.ok && bad.messageVi).toBe('«Thời điểm bắt đầu phát» không phải thời điểm hợp lệ: dùng dạng 2026-12-31T06:00:00+07:00 (có múi giờ)');
  });
});

describe('every Vietnamese message is Vietnamese', () => {
  function allMessages(): string[] {
    const out: string[] = [];
    const refuse = (schema: z.ZodType, input: unknown, location: InputLocation = 'body') => out.push(...vi(schema, input, location));
    refuse(createPlanSchema, {});
    refuse(createPlanSchema, { episodeId: 1, stationIds: 7, airingsPerStation: 1000, from: 5, to: '2026-02-30', priority: 1, minGapHours: -1 });
    refuse(createStationSchema, { code: '12', name: '', timezone: 'Mars/Olympus', webhookUrl: 'ftp://x', grid: [{ days: [8, 8], start: '25:00', durationMin: 0 }], rendition: 'flac' });
    refuse(createStationSchema, { code: 12345, name: 'x'.repeat(201), grid: 'none' });
    refuse(gridSchema, [{}, 'x', { days: [] }]);
    refuse(timezoneSchema, 'UTC+7');
    refuse(periodQuerySchema, { preset: 'Q4' }, 'query');
    refuse(periodQuerySchema, { preset: 'month', year: '20266', month: '13' }, 'query');
    refuse(periodSchema, {}, 'query');
    refuse(periodSchema, { from: '2000-01-01', to: '2026-01-01' }, 'query');
    refuse(playEventSchema, { eventId: '', episodeId: 'x', airingId: 5, startedAt: 'now', durationSec: 'long', source: 'robot' });
    refuse(playEventSchema, { eventId: 'x'.repeat(101) });
    refuse(z.object({ limit: z.coerce.number().int().min(1).max(1000) }), { limit: 'ten' }, 'query');
    refuse(z.object({ active: z.enum(['true', 'false']), urgent: z.boolean() }), { active: 'yes', urgent: 'yes' }, 'query');

    const missed = classifyMissedReport({ outcome: 'missed', eventId: 'm', episodeId: 'x' });
    if (!missed.ok) out.push(missed.messageVi);

    const rules = DEFAULT_GRID_RULES;
    const grid = [
      { days: [1, 2, 3], start: '21:30', durationMin: 60 },
      { days: [2], start: '06:15', durationMin: 45 },
      { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 30 },
      { days: [1], start: '08:00', durationMin: 600 },
      { days: [], start: '8h', durationMin: 0.5 },
      { days: [9] },
      'x',
    ];
    out.push(...validateGrid(grid as never, rules).map((v) => v.messageVi));
    const interval = { startsAt: new Date('2026-06-15T00:40:00Z'), endsAt: new Date('2026-06-15T01:10:00Z') };
    out.push(explainOutsideGrid([], 'Asia/Ho_Chi_Minh', interval).messageVi, explainOutsideGrid(grid.slice(0, 3) as never, 'Asia/Ho_Chi_Minh', interval).messageVi);

    const facts: ShortfallFacts = { requested: 3, placed: 1, spacing: { durationMs: 1_830_500, gapMs: 86_400_000 }, slotCount: 4, longestSlotMs: 3_600_000, usablePeriodMs: 7 * 86_400_000, runs: [] };
    for (const f of [facts, { ...facts, slotCount: 0 }, { ...facts, longestSlotMs: 60_000 }, { ...facts, usablePeriodMs: 3_600_000 }]) out.push(explainShortfall(f).messageVi);

    out.push(...Object.values(REJECTION_RULES).map((r) => r.vi));
    const probe = { audioStreams: 1, claimedDurationSec: 21.5 };
    const decoded = (d: number) => ({ decodedDurationSec: d, integratedLufs: -20, truePeakDbtp: -1 });
    for (const d of [0.2, 0.5, 20_000.4]) {
      const r = validateDecoded(d === 0.2 ? probe : { ...probe, claimedDurationSec: null }, decoded(d), { minDurationSec: 1, maxDurationSec: 14_400 });
      if (r) out.push(r.message);
    }
    for (const text of ['', 'x'.repeat(6000), '<p>a</p>', '... !!!']) {
      const r = checkBulletinText(text, 5000);
      if (r) out.push(r.messageVi);
    }
    return out;
  }

  it('has no English word and no dot decimal in any of them', () => {
    const messages = allMessages();
    expect(messages.length).toBeGreaterThan(60);
    const bad = messages.flatMap((m) => [...foreignWords(m), ...dotDecimals(m)].map((w) => `${w} ← ${m}`));
    expect(bad).toEqual([]);
  });
});

describe('labels of nested fields', () => {
  it('counts slots and list items as people do', () => {
    expect(vi(createStationSchema, { code: '12345', name: 'x', grid: [{ days: [1], start: '06:00', durationMin: 30 }, { days: [1, 9], start: '6h', durationMin: 30 }] })).toEqual([
      'Mục 2 của «Ngày trong tuần» (khung giờ 2) không được lớn hơn 7',
      '«Giờ bắt đầu» (khung giờ 2) không hợp lệ: dùng dạng giờ 24 giờ HH:MM, ví dụ 06:30',
    ]);
    expect(vi(createPlanSchema, { episodeId: crypto.randomUUID(), stationIds: 7, from: '2026-01-01', to: '2026-01-02' })).toEqual([
      '«Danh sách đài» phải là "all" hoặc một danh sách',
    ]);
  });
});
