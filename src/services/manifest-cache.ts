import type { StationRow } from '../db/stations-repo.js';
import type { BuiltManifest, ManifestBuild } from './manifest-service.js';

/**
 * Stations poll often and the answer is usually "nothing changed". A built manifest stays good while the station's
 * revision is the same and its window has not moved on, so a poll costs one token lookup and no rebuild.
 * A schedule change drops the stations it names (`invalidate`): after an emergency every device of those stations
 * reads its manifest at once, and the cached token → station rows stay as they are.
 */
export function manifestCache(build: ManifestBuild, maxStations = 50_000) {
  // Links carry the host the station reached us by (when PUBLIC_URL is unset): per station, one entry per host.
  const cache = new Map<string, Map<string, BuiltManifest>>();
  const get = async function get(station: StationRow, at: Date, baseUrl: string): Promise<BuiltManifest> {
    const hit = cache.get(station.id)?.get(baseUrl);
    if (hit && hit.rev === station.scheduleRev && at < hit.validUntil) return hit;
    const built = await build(station, at, baseUrl);
    let perHost = cache.get(station.id);
    if (!perHost) {
      if (cache.size >= maxStations) cache.delete(cache.keys().next().value!);
      perHost = new Map();
      cache.set(station.id, perHost);
    }
    perHost.set(baseUrl, built);
    return built;
  };
  return Object.assign(get, {
    invalidate(stationIds: Iterable<string>): void {
      for (const id of stationIds) cache.delete(id);
    },
  });
}

export type ManifestCache = ReturnType<typeof manifestCache>;
