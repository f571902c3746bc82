import { describe, expect, it } from 'vitest';
import { planCache, wantedFiles, type CachePlanInput } from '../../src/agent/cache-plan.js';
import { airing, sec } from '../helpers/agent-airings.js';

const HOUR = 3600_000;
const input = (over: Partial<CachePlanInput>): CachePlanInput => ({
  now: sec(0),
  airings: [],
  started: new Set(),
  lateStartMs: 600_000,
  files: [],
  partials: [],
  capBytes: 10_000,
  keepUnneededMs: 6 * HOUR,
  inUse: new Set(),
  ...over,
});
const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name[0]);

describe('what the cache wants', () => {
  it('wants each file once, ordered by its earliest airing still to play', () => {
    const a1 = airing('a1', 3600, { file: 'a' });
    const b1 = airing('b1', 1800, { file: 'b' });
    const a2 = airing('a2', 600, { file: 'a' });
    const c1 = airing('c1', -7200, { file: 'c' }); // long over
    const d1 = airing('d1', 100, { file: 'd' }); // already played
    const w = wantedFiles([a1, b1, a2, c1, d1], new Set(['d1']), sec(0), 600_000);
    expect(names(w)).toEqual(['a', 'b']);
    expect(w[0]).toMatchObject({ neededAt: a2.startsAt, airingIds: ['a1', 'a2'], url: a2.media.url });
  });
});

describe('cache plan', () => {
  it('downloads what is missing, most urgent first', () => {
    const p = planCache(input({ airings: [airing('x', 900, { file: 'b' }), airing('y', 300, { file: 'a' })] }));
    expect(names(p.download)).toEqual(['a', 'b']);
    expect(p.remove).toEqual([]);
    expect(p.projectedBytes).toBe(2000);
  });

  it('does not fetch what is already there, and counts a partial towards what is left', () => {
    const a = airing('x', 300, { file: 'a', size: 5000 });
    const b = airing('y', 900, { file: 'b', size: 5000 });
    const p = planCache(input({ airings: [a, b], files: [{ name: a.file, sizeBytes: 5000, lastUsedMs: sec(-10) }], partials: [{ name: b.file, sizeBytes: 4000 }] }));
    expect(names(p.download)).toEqual(['b']);
    expect(p.projectedBytes).toBe(10_000);
  });

  it('keeps an unneeded file for a while, then removes it', () => {
    const old = { name: 'f'.repeat(64) + '.mp3', sizeBytes: 100, lastUsedMs: sec(0) - 7 * HOUR };
    const recent = { name: 'e'.repeat(64) + '.mp3', sizeBytes: 100, lastUsedMs: sec(0) - HOUR };
    const p = planCache(input({ files: [old, recent] }));
    expect(p.remove).toEqual([{ name: old.name, kind: 'file', reason: 'unneeded' }]);
    expect(planCache(input({ files: [old, recent], keepUnneededMs: 0 })).remove.map((r) => r.name).sort()).toEqual([old.name, recent.name].sort());
  });

  it('never removes the file that is playing', () => {
    const f = { name: 'f'.repeat(64) + '.mp3', sizeBytes: 100, lastUsedMs: sec(0) - 70 * HOUR };
    expect(planCache(input({ files: [f], keepUnneededMs: 0, inUse: new Set([f.name]) })).remove).toEqual([]);
  });

  it('makes room under the cap by evicting unneeded files, oldest first', () => {
    const oldest = { name: '1'.repeat(64) + '.mp3', sizeBytes: 3000, lastUsedMs: sec(-300) };
    const middle = { name: '2'.repeat(64) + '.mp3', sizeBytes: 3000, lastUsedMs: sec(-200) };
    const newest = { name: '3'.repeat(64) + '.mp3', sizeBytes: 3000, lastUsedMs: sec(-100) };
    const a = airing('x', 300, { file: 'a', size: 4000 });
    const p = planCache(input({ airings: [a], files: [newest, oldest, middle], capBytes: 10_000 }));
    expect(names(p.download)).toEqual(['a']);
    // 9000 held + 4000 needed against 10000: one file's worth goes, the least recently used.
    expect(p.remove).toEqual([{ name: oldest.name, kind: 'file', reason: 'evicted' }]);
    expect(p.projectedBytes).toBe(10_000);
    const bigger = planCache(input({ airings: [airing('x', 300, { file: 'a', size: 7000 })], files: [newest, oldest, middle], capBytes: 10_000 }));
    expect(bigger.remove).toEqual([
      { name: oldest.name, kind: 'file', reason: 'evicted' },
      { name: middle.name, kind: 'file', reason: 'evicted' },
    ]);
  });

  it('skips a file that cannot fit even after evicting everything, but still fetches later ones that do', () => {
    const big = airing('x', 300, { file: 'a', size: 20_000 });
    const small = airing('y', 900, { file: 'b', size: 2000 });
    const unneeded = { name: '1'.repeat(64) + '.mp3', sizeBytes: 3000, lastUsedMs: sec(-300) };
    const p = planCache(input({ airings: [big, small], files: [unneeded], capBytes: 10_000 }));
    expect(names(p.overCap)).toEqual(['a']);
    expect(names(p.download)).toEqual(['b']);
    // Nothing was evicted for the file that could not fit anyway.
    expect(p.remove).toEqual([]);
  });

  it('needed files are never evicted, even over the cap', () => {
    const a = airing('x', 300, { file: 'a', size: 8000 });
    const b = airing('y', 900, { file: 'b', size: 8000 });
    const p = planCache(input({ airings: [a, b], files: [{ name: a.file, sizeBytes: 8000, lastUsedMs: sec(-1) }], capBytes: 10_000 }));
    expect(p.remove).toEqual([]);
    expect(names(p.overCap)).toEqual(['b']);
  });

  it('sheds unneeded files when the cap is lowered below what is held', () => {
    const u1 = { name: '1'.repeat(64) + '.mp3', sizeBytes: 6000, lastUsedMs: sec(-300) };
    const u2 = { name: '2'.repeat(64) + '.mp3', sizeBytes: 6000, lastUsedMs: sec(-100) };
    const p = planCache(input({ files: [u1, u2], capBytes: 7000 }));
    expect(p.remove).toEqual([{ name: u1.name, kind: 'file', reason: 'evicted' }]);
  });

  it('drops partials nobody wants any more, and leftovers of completed files', () => {
    const a = airing('x', 300, { file: 'a' });
    const p = planCache(
      input({
        airings: [a],
        files: [{ name: a.file, sizeBytes: 1000, lastUsedMs: sec(0) }],
        partials: [{ name: a.file, sizeBytes: 10 }, { name: '9'.repeat(64) + '.mp3', sizeBytes: 500 }],
      }),
    );
    expect(p.remove.map((r) => [r.name[0], r.kind, r.reason])).toEqual([
      ['a', 'partial', 'stale_partial'],
      ['9', 'partial', 'stale_partial'],
    ]);
  });
});
