import type { StationRow } from '../db/stations-repo.js';
import type { BuiltManifest, ManifestBuild } from './manifest-service.js';

/**
 * Stations poll often and the answer is usually "nothing changed". A built manifest stays good while the station's
 * revision is the same and its window has not moved on, so a poll costs one token lookup and no rebuild.
 */
export function manifestCache(build: ManifestBuild, maxEntries = 50_000) {
  const cache = new Map<string, BuiltManifest>();
  return async function get(station: StationRow, at: Date, baseUrl: string): Promise<BuiltManifest> {
    // Links carry the host the station reached us by (when PUBLIC_URL is unset): one entry per station and host.
    const key = `${station.id} ${baseUrl}`;
    const hit = cache.get(key);
    if (hit && hit.rev === station.scheduleRev && at < hit.validUntil) return hit;
    const built = await build(station, at, baseUrl);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, built);
    return built;
  };
}
