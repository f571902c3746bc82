import type { StationRow } from '../db/stations-repo.js';
import type { BuiltManifest, ManifestBuild } from './manifest-service.js';

/**
 * Stations poll often and the answer is usually "nothing changed". A built manifest stays good while the station's
 * revision is the same and its window has not moved on, so a poll costs one token lookup and no rebuild.
 * A schedule change drops the stations it names (`invalidate`): after an emergency every device of those stations
 * reads its manifest at once, and the cached token → station rows stay as they are.
 *
 * One entry per station whatever host a client names: entries hold links relative to the service, and each answer
 * puts its base URL in front (a client sending thousands of Host headers cannot grow the cache).
 */
export function manifestCache(build: ManifestBuild, maxStations = 50_000) {
  const cache = new Map<string, BuiltManifest>();
  const get = async function get(station: StationRow, at: Date, baseUrl: string): Promise<BuiltManifest> {
    let entry = cache.get(station.id);
    if (!entry || entry.rev !== station.scheduleRev || at >= entry.validUntil) {
      entry = await build(station, at, '');
      if (!cache.has(station.id) && cache.size >= maxStations) cache.delete(cache.keys().next().value!);
      cache.set(station.id, entry);
    }
    return withBaseUrl(entry, baseUrl);
  };
  return Object.assign(get, {
    invalidate(stationIds: Iterable<string>): void {
      for (const id of stationIds) cache.delete(id);
    },
    /** How many stations have a manifest cached. */
    cachedStations(): number {
      return cache.size;
    },
  });
}

/** The built manifest with its relative media links made absolute on baseUrl (the version does not change). */
export function withBaseUrl(built: BuiltManifest, baseUrl: string): BuiltManifest {
  if (baseUrl === '') return built;
  const airings = built.doc.airings.map((a) => ({ ...a, media: { ...a.media, url: baseUrl + a.media.url } }));
  return { ...built, doc: { ...built.doc, airings } };
}

export type ManifestCache = ReturnType<typeof manifestCache>;
