import { describe, expect, it } from 'vitest';
import type { StationRow } from '../../src/db/stations-repo.js';
import { buildManifest } from '../../src/domain/manifest/index.js';
import { manifestCache } from '../../src/services/manifest-cache.js';
import type { BuiltManifest } from '../../src/services/manifest-service.js';

const station: StationRow = {
  id: '0b0c1d2e-0000-4000-8000-00000000000a',
  code: '01234',
  name: 'Đài xã Tả Van',
  areaId: '00000000-0000-4000-8000-000000000001',
  timezone: 'Asia/Ho_Chi_Minh',
  grid: [],
  webhookUrl: null,
  webhookSecret: 'whsec_x',
  rendition: 'mp3',
  active: true,
  scheduleRev: 1,
  lastContactAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const at = new Date('2026-12-01T00:00:00Z');

/** A builder that records what it was asked for; links are made on the base it is given, as the real one does. */
function countingBuild() {
  const calls: string[] = [];
  const build = async (s: StationRow, now: Date, baseUrl: string): Promise<BuiltManifest> => {
    calls.push(baseUrl);
    const doc = buildManifest({
      station: { id: s.id, code: s.code, name: s.name, timezone: s.timezone },
      generatedAt: now,
      airings: [
        {
          id: 'a1',
          episodeId: 'e1',
          title: 'Chuyển đổi số',
          startsAt: new Date('2026-12-01T06:00:00Z'),
          endsAt: new Date('2026-12-01T06:30:00Z'),
          priority: 'normal',
          media: { url: `${baseUrl}/api/v1/station/media/${s.id}/e1.mp3?exp=1&sig=x`, format: 'mp3', sizeBytes: 10, sha256: 'a'.repeat(64), durationSec: 21.3 },
        },
      ],
    });
    return { doc, rev: s.scheduleRev, validUntil: new Date(now.getTime() + 3600_000) };
  };
  return { build, calls };
}

describe('the manifest cache', () => {
  it('keeps one entry per station however many hosts clients name, each answer linking to its own base', async () => {
    const { build, calls } = countingBuild();
    const cache = manifestCache(build);
    const versions = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const base = `http://h${i}.example.vn:8080`;
      const { doc } = await cache(station, at, base);
      expect(doc.airings[0]!.media.url).toBe(`${base}/api/v1/station/media/${station.id}/e1.mp3?exp=1&sig=x`);
      versions.add(doc.version);
    }
    expect(cache.cachedStations()).toBe(1);
    // Built once, with links relative to the service.
    expect(calls).toEqual(['']);
    expect(versions.size).toBe(1);
  });

  it('never hands one answer\'s base to the next (the cached entry stays relative)', async () => {
    const { build } = countingBuild();
    const cache = manifestCache(build);
    await cache(station, at, 'https://first.example.vn');
    const second = await cache(station, at, 'https://second.example.vn');
    expect(second.doc.airings[0]!.media.url.startsWith('https://second.example.vn/api/')).toBe(true);
  });

  it('rebuilds on a new schedule revision and after invalidation, and bounds the number of stations', async () => {
    const { build, calls } = countingBuild();
    const cache = manifestCache(build, 3);
    await cache(station, at, 'http://a');
    await cache({ ...station, scheduleRev: 2 }, at, 'http://a');
    expect(calls).toHaveLength(2);
    cache.invalidate([station.id]);
    await cache({ ...station, scheduleRev: 2 }, at, 'http://a');
    expect(calls).toHaveLength(3);
    for (let i = 0; i < 10; i++) await cache({ ...station, id: `s${i}` }, at, 'http://a');
    expect(cache.cachedStations()).toBe(3);
  });
});
