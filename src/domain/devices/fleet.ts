import type { WireHeartbeat } from '../../wire/station-protocol.js';
import type { DeviceHealth } from './health.js';

export interface FleetDevice {
  id: string;
  name: string;
  stationId: string;
  stationCode: string;
  stationName: string;
  health: DeviceHealth;
}

export interface FleetSummary {
  total: number;
  online: number;
  offline: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sinceMs = (h: DeviceHealth) => (h.since ? Date.parse(h.since) : Number.NEGATIVE_INFINITY);

/** Offline devices first, the longest silent first; then by station code and device name. */
export function sortFleet<T extends FleetDevice>(devices: readonly T[]): T[] {
  return [...devices].sort((a, b) => {
    if (a.health.online !== b.health.online) return a.health.online ? 1 : -1;
    if (!a.health.online) {
      const d = sinceMs(a.health) - sinceMs(b.health);
      if (d !== 0) return d;
    }
    return cmp(a.stationCode, b.stationCode) || cmp(a.name, b.name) || cmp(a.id, b.id);
  });
}

export function fleetSummary(devices: readonly FleetDevice[]): FleetSummary {
  const online = devices.filter((d) => d.health.online).length;
  return { total: devices.length, online, offline: devices.length - online };
}

/** A live airing about to start at a station (from the database, the source of truth). */
export interface LeadAiring {
  readonly id: string;
  readonly stationId: string;
  readonly title: string;
  readonly startsAt: Date;
}

export interface NotReadyEntry {
  deviceId: string;
  deviceName: string;
  stationId: string;
  stationCode: string;
  stationName: string;
  airingId: string;
  title: string;
  startsAt: Date;
}

/**
 * Airings about to start whose file a device does not have verified. The device's last heartbeat says what it
 * holds; the database says what is really live (a heartbeat may still list a cancelled airing, which is ignored).
 * An airing the heartbeat does not list at all — the device has not heard of it, or never sent a heartbeat —
 * counts as not ready: that is exactly the loudspeaker that would stay silent.
 */
export function notReadyAirings(
  devices: readonly { id: string; name: string; stationId: string; stationCode: string; stationName: string; heartbeat: WireHeartbeat | null }[],
  airings: readonly LeadAiring[],
): NotReadyEntry[] {
  const byStation = new Map<string, LeadAiring[]>();
  for (const a of airings) byStation.set(a.stationId, [...(byStation.get(a.stationId) ?? []), a]);
  const out: NotReadyEntry[] = [];
  for (const d of devices) {
    const ready = new Map<string, boolean>();
    for (const u of d.heartbeat?.upcoming ?? []) ready.set(u.airingId, u.fileReady);
    const next = d.heartbeat?.nextAiring;
    if (next && !ready.has(next.airingId)) ready.set(next.airingId, next.fileReady);
    for (const a of byStation.get(d.stationId) ?? []) {
      if (ready.get(a.id) === true) continue;
      out.push({ deviceId: d.id, deviceName: d.name, stationId: d.stationId, stationCode: d.stationCode, stationName: d.stationName, airingId: a.id, title: a.title, startsAt: a.startsAt });
    }
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || cmp(a.stationCode, b.stationCode) || cmp(a.deviceName, b.deviceName) || cmp(a.deviceId, b.deviceId));
}
