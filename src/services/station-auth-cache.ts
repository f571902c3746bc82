import type { StationRow } from '../db/stations-repo.js';

/** What a device token resolves to. */
export interface DeviceIdentity {
  readonly station: StationRow;
  readonly deviceId: string;
  readonly deviceName: string;
}

/**
 * Devices poll and the answer is usually 304, and after an emergency every device reads its manifest at once:
 * remembering token → device and station makes such a request cost no database round trip. Token and station
 * changes clear it at once here and, through the live bus (revocations, station edits), on the other API processes;
 * if that message is lost (Redis down) another process sees the change within ttlMs.
 */
export function stationAuthCache(lookup: (tokenHash: string) => Promise<DeviceIdentity | null>, ttlMs = 30_000, maxEntries = 50_000) {
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

/** Writes a sign of life at most once per `everyMs` per id, whatever the request rate. */
export function contactThrottle(write: (id: string) => Promise<void>, everyMs = 60_000) {
  const last = new Map<string, number>();
  return async (id: string): Promise<void> => {
    const now = Date.now();
    if (now - (last.get(id) ?? 0) < everyMs) return;
    if (last.size > 200_000) last.clear();
    last.set(id, now);
    await write(id);
  };
}
