import { missedAfter } from '../tracking/airing-status.js';
import { describeAlert, localDateTime } from './text.js';
import {
  alertSubject,
  type AlertAiring,
  type AlertDecision,
  type AlertDetails,
  type AlertDevice,
  type AlertFacts,
  type AlertKind,
  type AlertRuleConfig,
  type AlertStation,
  type AlertToOpen,
  type AlertToResolve,
  type OpenAlert,
  type ResolveReason,
} from './types.js';

/**
 * Silence needed before device_offline opens. Never shorter than the presence rule's two heartbeats: the alert must
 * not call a device offline that the fleet view still shows online.
 */
export function offlineThresholdMs(c: AlertRuleConfig): number {
  return Math.max(c.offlineMin * 60, 2 * c.heartbeatSec) * 1000;
}

/** A device's last sign of life; one that never spoke counts from when it was added. */
export const silentSince = (d: AlertDevice): Date => d.lastSeenAt ?? d.createdAt;

type Verdict = { kind: 'true'; build: () => AlertToOpen } | { kind: 'unknown' };

/**
 * Which alerts to open and which to resolve, from the facts as they are now. The facts need only cover what may
 * change: devices that may be silent, airings that may be missed or start soon, and everything open alerts refer to.
 * An open alert whose facts are missing stays open (nothing is resolved on a guess).
 */
export function decideAlerts(f: AlertFacts, c: AlertRuleConfig): AlertDecision {
  const now = f.now.getTime();
  const stations = new Map(f.stations.map((s) => [s.id, s]));
  const devices = new Map(f.devices.map((d) => [d.id, d]));
  const airings = new Map(f.airings.map((a) => [a.id, a]));
  const devicesOf = new Map<string, AlertDevice[]>();
  for (const d of f.devices) {
    const list = devicesOf.get(d.stationId);
    if (list) list.push(d);
    else devicesOf.set(d.stationId, [d]);
  }
  const active = (stationId: string) => stations.get(stationId)?.active === true;
  const judged = new Map<string, Verdict>();
  // A device must have had time to hear of an airing (and a new device to send its first heartbeat) before a
  // missing file is news.
  const settleMs = 2 * c.heartbeatSec * 1000;
  const leadMs = c.fileLeadMin * 60_000;

  for (const d of f.devices) {
    if (d.revokedAt || !active(d.stationId)) continue;
    if (now - silentSince(d).getTime() > offlineThresholdMs(c)) {
      judged.set(alertSubject.deviceOffline(d.id), { kind: 'true', build: () => openDeviceOffline(d, stations.get(d.stationId)!, f.now) });
    }
  }

  for (const a of f.airings) {
    if (a.status !== 'live' || !active(a.stationId)) continue;
    const station = stations.get(a.stationId)!;
    if (!a.played && (now > missedAfter(a, c.missedGraceSec).getTime() || a.misses.length > 0)) {
      judged.set(alertSubject.airingMissed(a.id), { kind: 'true', build: () => openAiringMissed(a, station, f.now) });
    }
    const startsIn = a.startsAt.getTime() - now;
    if (startsIn <= 0 || startsIn > leadMs) continue;
    for (const d of devicesOf.get(a.stationId) ?? []) {
      if (d.revokedAt) continue;
      const subject = alertSubject.fileNotDelivered(a.id, d.id);
      const justAdded = d.upcoming === null && now - d.createdAt.getTime() < settleMs;
      if (now - a.changedAt.getTime() < settleMs || justAdded) {
        judged.set(subject, { kind: 'unknown' });
        continue;
      }
      if (!fileReady(d, a.id)) judged.set(subject, { kind: 'true', build: () => openFileNotDelivered(a, d, station, f.now) });
    }
  }

  const openSubjects = new Set(f.open.map((o) => o.subject));
  const open: AlertToOpen[] = [];
  for (const [subject, v] of judged) if (v.kind === 'true' && !openSubjects.has(subject)) open.push(v.build());

  const resolve: AlertToResolve[] = [];
  for (const o of f.open) {
    if (judged.has(o.subject)) continue;
    const reason = whyResolved(o, { stations, devices, airings, now, leadMs });
    if (reason) resolve.push({ id: o.id, subject: o.subject, reason });
  }
  return { open, resolve };
}

function fileReady(d: AlertDevice, airingId: string): boolean {
  return d.upcoming?.find((u) => u.airingId === airingId)?.fileReady === true;
}

/** The fact that ended an alert whose condition no longer holds, or null when the facts cannot say. */
function whyResolved(
  o: OpenAlert,
  x: { stations: Map<string, AlertStation>; devices: Map<string, AlertDevice>; airings: Map<string, AlertAiring>; now: number; leadMs: number },
): ResolveReason | null {
  const station = x.stations.get(o.stationId);
  const device = o.deviceId ? x.devices.get(o.deviceId) : undefined;
  const airing = o.airingId ? x.airings.get(o.airingId) : undefined;
  switch (o.kind) {
    case 'device_offline':
      if (!device || !station) return null;
      if (device.revokedAt) return 'device_revoked';
      if (!station.active) return 'station_inactive';
      return 'seen_again';
    case 'airing_missed':
      if (!airing || !station) return null;
      if (airing.played) return 'played';
      if (airing.status !== 'live') return 'airing_cancelled';
      if (!station.active) return 'station_inactive';
      // Live, unplayed, not (yet) judged missed: e.g. the grace was lengthened. Leave it to a human.
      return null;
    case 'file_not_delivered':
      if (!airing || !device || !station) return null;
      if (device.revokedAt) return 'device_revoked';
      if (!station.active) return 'station_inactive';
      if (airing.status !== 'live') return 'airing_cancelled';
      if (airing.startsAt.getTime() <= x.now) return 'airing_started';
      if (airing.startsAt.getTime() - x.now > x.leadMs) return 'airing_moved';
      if (fileReady(device, airing.id)) return 'file_ready';
      return null;
  }
}

function stationFacts(s: AlertStation) {
  return { stationCode: s.code, stationName: s.name, timezone: s.timezone };
}

function airingFacts(a: AlertAiring, s: AlertStation) {
  return {
    airingTitle: a.title,
    airingStartsAt: a.startsAt.toISOString(),
    airingStartsAtLocal: localDateTime(a.startsAt.toISOString(), s.timezone),
    airingEndsAt: a.endsAt.toISOString(),
  };
}

function withText(kind: AlertKind, facts: Omit<AlertDetails, 'message' | 'messageEn'>, at: Date): AlertDetails {
  return { ...describeAlert(kind, facts, at), ...facts };
}

function openDeviceOffline(d: AlertDevice, s: AlertStation, now: Date): AlertToOpen {
  const facts = { ...stationFacts(s), deviceName: d.name, lastSeenAt: d.lastSeenAt?.toISOString() ?? null, deviceCreatedAt: d.createdAt.toISOString() };
  return { kind: 'device_offline', subject: alertSubject.deviceOffline(d.id), stationId: s.id, deviceId: d.id, airingId: null, details: withText('device_offline', facts, now) };
}

function openAiringMissed(a: AlertAiring, s: AlertStation, now: Date): AlertToOpen {
  const facts = { ...stationFacts(s), ...airingFacts(a, s), reason: a.misses[0]?.reason ?? 'no_play_reported', misses: a.misses };
  return { kind: 'airing_missed', subject: alertSubject.airingMissed(a.id), stationId: s.id, deviceId: null, airingId: a.id, details: withText('airing_missed', facts, now) };
}

function openFileNotDelivered(a: AlertAiring, d: AlertDevice, s: AlertStation, now: Date): AlertToOpen {
  const facts = { ...stationFacts(s), ...airingFacts(a, s), deviceName: d.name, reason: d.upcoming === null ? 'no_heartbeat' : d.upcoming.some((u) => u.airingId === a.id) ? 'file_not_ready' : 'not_listed' };
  return {
    kind: 'file_not_delivered',
    subject: alertSubject.fileNotDelivered(a.id, d.id),
    stationId: s.id,
    deviceId: d.id,
    airingId: a.id,
    details: withText('file_not_delivered', facts, now),
  };
}
