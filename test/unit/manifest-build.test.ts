import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  ifNoneMatchHits,
  manifestContent,
  manifestEtag,
  manifestVersion,
} from '../../src/domain/manifest/index.js';
import type { ManifestAiringInput, ManifestInput } from '../../src/domain/manifest/index.js';

const station = { id: 'st-1', code: '26734', name: 'Đài truyền thanh xã Tân Lập', timezone: 'Asia/Ho_Chi_Minh' };

function airing(over: Partial<ManifestAiringInput> = {}): ManifestAiringInput {
  return {
    id: 'a-1',
    episodeId: 'ep-1',
    title: 'Chuyển đổi số — tháng 12',
    startsAt: new Date('2026-11-30T23:00:00Z'),
    endsAt: new Date('2026-11-30T23:30:00Z'),
    priority: 'normal',
    media: {
      url: 'https://s3.example/renditions/ep-1.mp3?X-Amz-Signature=aaa',
      format: 'mp3',
      sizeBytes: 14_400_000,
      sha256: 'a'.repeat(64),
      durationSec: 1800,
    },
    ...over,
  };
}

const input = (over: Partial<ManifestInput> = {}): ManifestInput => ({
  station,
  airings: [airing(), airing({ id: 'a-2', startsAt: new Date('2026-12-01T10:00:00Z'), endsAt: new Date('2026-12-01T10:30:00Z') })],
  generatedAt: new Date('2026-11-30T01:02:03Z'),
  ...over,
});

describe('buildManifest', () => {
  it('produces the documented shape with local-offset times', () => {
    const doc = buildManifest(input());
    expect(doc.station).toEqual(station);
    expect(doc.generatedAt).toBe('2026-11-30T08:02:03+07:00');
    expect(doc.version).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.airings[0]).toEqual({
      id: 'a-1',
      episodeId: 'ep-1',
      title: 'Chuyển đổi số — tháng 12',
      startsAt: '2026-12-01T06:00:00+07:00',
      endsAt: '2026-12-01T06:30:00+07:00',
      priority: 'normal',
      media: {
        url: 'https://s3.example/renditions/ep-1.mp3?X-Amz-Signature=aaa',
        format: 'mp3',
        sizeBytes: 14_400_000,
        sha256: 'a'.repeat(64),
        durationSec: 1800,
      },
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("uses the station's offset in force at each instant (Europe/Berlin summer and winter)", () => {
    const berlin = { ...station, timezone: 'Europe/Berlin' };
    const doc = buildManifest(
      input({
        station: berlin,
        airings: [
          airing({ id: 's', startsAt: new Date('2026-03-29T04:00:00Z'), endsAt: new Date('2026-03-29T04:30:00Z') }),
          airing({ id: 'w', startsAt: new Date('2026-03-28T05:00:00Z'), endsAt: new Date('2026-03-28T05:30:00Z') }),
        ],
      }),
    );
    expect(doc.airings.map((a) => a.startsAt)).toEqual(['2026-03-28T06:00:00+01:00', '2026-03-29T06:00:00+02:00']);
  });

  it('orders airings by start whatever order they arrive in', () => {
    const forward = buildManifest(input());
    const reversed = buildManifest(input({ airings: [...input().airings].reverse() }));
    expect(reversed.airings.map((a) => a.id)).toEqual(['a-1', 'a-2']);
    expect(reversed).toEqual(forward);
  });

  it('refuses an unknown time zone', () => {
    expect(() => buildManifest(input({ station: { ...station, timezone: 'Asia/Saigon_City' } }))).toThrow(RangeError);
  });

  it('an empty schedule still has a stable version', () => {
    const a = buildManifest(input({ airings: [] }));
    const b = buildManifest(input({ airings: [], generatedAt: new Date('2027-01-01T00:00:00Z') }));
    expect(a.airings).toEqual([]);
    expect(a.version).toBe(b.version);
  });
});

describe('manifest version', () => {
  const base = buildManifest(input()).version;
  const versionWith = (over: Partial<ManifestAiringInput>) =>
    buildManifest(input({ airings: [airing(over), input().airings[1]!] })).version;

  it('is stable when only generatedAt or the presigned links change', () => {
    const later = buildManifest(input({ generatedAt: new Date('2026-11-30T09:00:00Z') }));
    const resigned = buildManifest(
      input({
        airings: input().airings.map((a) => ({ ...a, media: { ...a.media, url: `${a.media.url.split('?')[0]}?X-Amz-Signature=zzz` } })),
      }),
    );
    expect(later.version).toBe(base);
    expect(resigned.version).toBe(base);
  });

  it.each<[string, Partial<ManifestAiringInput>]>([
    ['start moved', { startsAt: new Date('2026-11-30T23:10:00Z') }],
    ['end moved', { endsAt: new Date('2026-11-30T23:40:00Z') }],
    ['title', { title: 'Chuyển đổi số — tháng 12 (sửa)' }],
    ['priority', { priority: 'priority' }],
    ['media bytes', { media: { ...airing().media, sha256: 'b'.repeat(64) } }],
    ['media format', { media: { ...airing().media, format: 'opus' } }],
    ['media size', { media: { ...airing().media, sizeBytes: 1 } }],
  ])('changes when the schedule changes: %s', (_name, over) => {
    expect(versionWith(over)).not.toBe(base);
  });

  it('changes when an airing is added or removed, or the station changes', () => {
    expect(buildManifest(input({ airings: [airing()] })).version).not.toBe(base);
    expect(buildManifest(input({ airings: [...input().airings, airing({ id: 'a-3' })] })).version).not.toBe(base);
    expect(buildManifest(input({ station: { ...station, name: 'Xã Tân Lập (mới)' } })).version).not.toBe(base);
    expect(buildManifest(input({ station: { ...station, timezone: 'Asia/Bangkok' } })).version).not.toBe(base);
  });

  it('is what manifestVersion gives for the content, regardless of key order', () => {
    const doc = buildManifest(input());
    expect(manifestVersion(manifestContent(doc))).toBe(doc.version);
    const shuffled = {
      airings: manifestContent(doc).airings.map((a) => {
        const { media, ...rest } = a;
        return Object.fromEntries(Object.entries({ media, ...rest }).reverse()) as typeof a;
      }),
      station: Object.fromEntries(Object.entries(station).reverse()) as typeof station,
    };
    expect(manifestVersion(shuffled)).toBe(doc.version);
  });

  it('strips only the links from the content', () => {
    const content = manifestContent(buildManifest(input()));
    expect(JSON.stringify(content)).not.toContain('X-Amz-Signature');
    expect(content.airings[0]?.media).toEqual({ format: 'mp3', sizeBytes: 14_400_000, sha256: 'a'.repeat(64), durationSec: 1800 });
  });
});

describe('ETag helpers', () => {
  it('quotes the version and recognises it in If-None-Match', () => {
    expect(manifestEtag('0123abcd0123abcd')).toBe('"0123abcd0123abcd"');
    expect(ifNoneMatchHits('"0123abcd0123abcd"', '0123abcd0123abcd')).toBe(true);
    expect(ifNoneMatchHits('W/"0123abcd0123abcd"', '0123abcd0123abcd')).toBe(true);
    expect(ifNoneMatchHits('"old", "0123abcd0123abcd"', '0123abcd0123abcd')).toBe(true);
    expect(ifNoneMatchHits('*', '0123abcd0123abcd')).toBe(true);
    expect(ifNoneMatchHits('"ffff"', '0123abcd0123abcd')).toBe(false);
    expect(ifNoneMatchHits('0123abcd0123abcd', '0123abcd0123abcd')).toBe(false);
    expect(ifNoneMatchHits(undefined, '0123abcd0123abcd')).toBe(false);
  });
});
