import { describe, expect, it } from 'vitest';
import { parseRangeHeader } from '../../src/domain/delivery/range-header.js';
import { fieldName, firstNulPath } from '../../src/domain/input/nul-text.js';
import { jsonDepthExceeds } from '../../src/domain/input/json-depth.js';
import { missingLinkParams } from '../../src/domain/media-links.js';
import { classifyMissedReport } from '../../src/domain/tracking/missed-report.js';
import { classifyPlayBatch } from '../../src/domain/tracking/index.js';

describe('U+0000 in input', () => {
  it('finds the first string holding it, depth-first, keys included', () => {
    expect(firstNulPath({ name: 'Đài xã', grid: [{ start: '06:00' }, { start: '07\u000000' }] })).toEqual(['grid', 1, 'start']);
    expect(firstNulPath({ a: 'x', b: 'y\u0000', c: 'z\u0000' })).toEqual(['b']);
    expect(firstNulPath({ ['k\u0000']: 1 })).toEqual(['k\u0000']);
    expect(firstNulPath('\u0000')).toEqual([]);
    expect(firstNulPath({ name: 'Đài xã Mường Hoa', n: 1, ok: true, none: null, list: ['a', 'b'] })).toBeNull();
  });

  it('names the field as people read it, never echoing the NUL', () => {
    expect(fieldName(['grid', 1, 'start'], '(body)')).toBe('grid.1.start');
    expect(fieldName([], '(query)')).toBe('(query)');
    expect(fieldName(['k\u0000'], '(body)')).toBe('k␀');
  });

  it('walks a deeply nested value without exhausting the stack', () => {
    let v: unknown = 'deep\u0000';
    for (let i = 0; i < 20_000; i++) v = [v];
    expect(firstNulPath(v)).toHaveLength(20_000);
  });

  it('rejects a play or a missed report whose eventId holds it, alone in its batch', () => {
    const ep = '11111111-1111-4111-8111-111111111111';
    const ctx = { now: new Date('2026-03-10T12:00:00Z'), episodes: new Map([[ep, { durationSec: 1800 }]]) };
    const play = { episodeId: ep, startedAt: '2026-03-10T06:00:00+07:00', durationSec: 1790 };
    const [bad, good] = classifyPlayBatch([{ ...play, eventId: 'ev\u00001' }, { ...play, eventId: 'ev-2' }], ctx);
    expect(bad).toMatchObject({ status: 'rejected', reason: 'malformed', message: expect.stringContaining('eventId: must not contain the NUL character') });
    expect(good).toMatchObject({ status: 'valid', eventId: 'ev-2' });
    const missed = { outcome: 'missed', episodeId: ep, airingId: ep, startedAt: '2026-03-10T06:00:00+07:00', reason: 'not_running' };
    expect(classifyMissedReport({ ...missed, eventId: 'm-1' }).ok).toBe(true);
    expect(classifyMissedReport({ ...missed, eventId: 'm\u00001' })).toMatchObject({ ok: false, message: expect.stringContaining('NUL') });
  });
});

describe('JSON nesting read from the raw bytes', () => {
  const bytes = (s: string) => Buffer.from(s);
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes(`{"t":"${'['.repeat(1000)}"}`), 1)).toBe(false);
    // An escaped quote does not end the string.
    expect(jsonDepthExceeds(bytes(`{"t":"\\"${'{'.repeat(10)}"}`), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes('[]'.repeat(1000)), 1)).toBe(false);
  });
  it('stops early on 900,000 levels', () => {
    const deep = bytes('['.repeat(900_000) + ']'.repeat(900_000));
    const t0 = performance.now();
    expect(jsonDepthExceeds(deep, 64)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(50);
  });
});

describe('Range header (RFC 9110)', () => {
  it('serves a suffix longer than the file as the whole file', () => {
    expect(parseRangeHeader('bytes=-5000', 1000)).toEqual({ kind: 'spans', spans: [{ start: 0, end: 999 }] });
    expect(parseRangeHeader('bytes=-100', 1000)).toEqual({ kind: 'spans', spans: [{ start: 900, end: 999 }] });
  });
  it('clips, merges, ignores what it cannot read and refuses what lies outside', () => {
    expect(parseRangeHeader('bytes=0-1', 1000)).toEqual({ kind: 'spans', spans: [{ start: 0, end: 1 }] });
    expect(parseRangeHeader('bytes=500-', 1000)).toEqual({ kind: 'spans', spans: [{ start: 500, end: 999 }] });
    expect(parseRangeHeader('bytes=900-5000', 1000)).toEqual({ kind: 'spans', spans: [{ start: 900, end: 999 }] });
    expect(parseRangeHeader('bytes=0-99, 50-199', 1000)).toEqual({ kind: 'spans', spans: [{ start: 0, end: 199 }] });
    expect(parseRangeHeader('bytes=0-9, 100-109', 1000)).toEqual({ kind: 'spans', spans: [{ start: 0, end: 9 }, { start: 100, end: 109 }] });
    expect(parseRangeHeader('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=5-1', 1000)).toEqual({ kind: 'ignore' });
    expect(parseRangeHeader('bytes=abc', 1000)).toEqual({ kind: 'ignore' });
    expect(parseRangeHeader('items=0-1', 1000)).toEqual({ kind: 'ignore' });
    expect(parseRangeHeader('bytes=', 1000)).toEqual({ kind: 'ignore' });
  });
});

describe('signed media links cut short', () => {
  it('names the missing parameters', () => {
    expect(missingLinkParams({ exp: '1790000000' })).toEqual(['sig']);
    expect(missingLinkParams({})).toEqual(['exp', 'sig']);
    expect(missingLinkParams({ exp: '1', sig: '' })).toEqual(['sig']);
    expect(missingLinkParams({ exp: '1', sig: 'abcdefghijkl' })).toEqual([]);
  });
});

describe('HTTP timeouts in the configuration', () => {
  it('default to 60 s for headers, 30 s of body silence and an hour per request', async () => {
    const { loadConfig } = await import('../../config/index.js');
    const cfg = loadConfig({});
    expect(cfg.http).toMatchObject({ headersTimeoutSec: 60, bodyIdleTimeoutSec: 30, requestTimeoutSec: 3600 });
    expect(loadConfig({ HTTP_BODY_IDLE_TIMEOUT_SEC: '90', HTTP_REQUEST_TIMEOUT_SEC: '0' }).http).toMatchObject({ bodyIdleTimeoutSec: 90, requestTimeoutSec: 0 });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_SEC: '120', HTTP_REQUEST_TIMEOUT_SEC: '60' })).toThrow(/HTTP_HEADERS_TIMEOUT_SEC: must not exceed/);
    expect(() => loadConfig({ HTTP_BODY_IDLE_TIMEOUT_SEC: '0' })).toThrow(/HTTP_BODY_IDLE_TIMEOUT_SEC/);
  });
});
