import type { StationRow } from '../db/stations-repo.js';

/** What a device token resolves to. */
export interface DeviceIdentity {
  readonly station: StationRow;
  readonly deviceId: string;
  readonly deviceName: string;
}

/**
 * Stations poll every minute and the answer is usually 304: remembering token → station for a moment makes such a
 * poll cost no database round trip. Changes made through this process clear it at once; another API process sees
 * them within ttlMs (a rotated token keeps working that long there, a schedule change shows that much later).
 */
export function stationAuthCache(lookup: (tokenHash: string) => Promise<DeviceIdentity | null>, ttlMs = 2000, maxEntries = 50_000) {
  const entries = new Map<string, { station: DeviceIdentity | null; at: number }>();
  return {
    async get(tokenHash: string): Promise<DeviceIdentity | null> {
      const now = Date.now();
      const hit = entries.get(tokenHash);
      if (hit && now - hit.at < ttlMs) return hit.station;
      const station = await lookup(tokenHash);
      if (entries.size >= maxEntries) entries.clear();
      // Unknown tokens are not remembered: a station whose token was just created must get in at once.
      if (station) entries.set(tokenHash, { station, at: now });
      else entries.delete(tokenHash);
      return station;
    },
    clear(): void {
      entries.clear();
    },
  };
}

/** Writes last contact at most once a minute per station, whatever the polling rate. */
export function contactThrottle(write: (stationId: string) => Promise<void>, everyMs = 60_000) {
  const last = new Map<string, number>();
  return async (stationId: string): Promise<void> => {
    const now = Date.now();
    if (now - (last.get(stationId) ?? 0) < everyMs) return;
    last.set(stationId, now);
    await write(stationId);
  };
}
