import type { WireHeartbeat } from '../../wire/station-protocol.js';
import { isOnline, wentQuietAt } from './online.js';

/** What the views need of a stored device (DeviceRow satisfies it). */
export interface DeviceState {
  readonly id: string;
  readonly name: string;
  readonly isPrimary: boolean;
  readonly revokedAt: Date | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
  /** The presence flag as last written (heartbeat / sweep), and since when it holds. */
  readonly online: boolean;
  readonly onlineSince: Date | null;
  readonly health: WireHeartbeat | null;
}

export interface DeviceHealth {
  online: boolean;
  /** When the current online/offline state began (for a device never heard from: when it was added). */
  since: string | null;
  lastSeenAt: string | null;
  nowPlaying: WireHeartbeat['nowPlaying'];
  nextAiring: WireHeartbeat['nextAiring'];
  fileReady: boolean | null;
  pendingReports: number | null;
  freeDiskBytes: number | null;
  lastError: string | null;
  agentVersion: string | null;
  uptimeSec: number | null;
  cacheBytes: number | null;
  clockOffsetMs: number | null;
  channel: 'open' | 'closed' | null;
}

export interface DeviceView {
  id: string;
  name: string;
  primary: boolean;
  revokedAt: string | null;
  createdAt: string;
  health: DeviceHealth;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The player's last failure in words, when the agent reported no error of its own. */
function playerError(p: WireHeartbeat['lastPlayer']): string | null {
  if (!p) return null;
  if (p.error) return p.error;
  if (p.signal) return `player killed by ${p.signal}`;
  if (p.exitCode !== null && p.exitCode !== 0) return `player exited with code ${p.exitCode}`;
  return null;
}

/**
 * Since when the state the rule computes now has held. The stored flag lags the rule by up to one sweep, so when
 * they disagree the instant is derived the same way the sweep will record it.
 */
function stateSince(d: DeviceState, online: boolean): Date | null {
  if (d.revokedAt) return d.revokedAt;
  if (!d.lastSeenAt) return d.createdAt;
  if (online === d.online && d.onlineSince) return d.onlineSince;
  return online ? d.lastSeenAt : wentQuietAt(d.lastSeenAt, d.online ? d.onlineSince : null);
}

/**
 * A device's health as every view shows it, with online computed at read time: a device that fell silent shows
 * offline as soon as two heartbeat intervals pass, whether or not the presence sweep has run yet.
 * What describes the present (now playing, the channel) is only claimed while the device is online.
 */
export function deviceHealth(d: DeviceState, now: Date, heartbeatSec: number): DeviceHealth {
  const online = d.revokedAt === null && isOnline(d.lastSeenAt, now, heartbeatSec);
  const h = d.health;
  return {
    online,
    since: iso(stateSince(d, online)),
    lastSeenAt: iso(d.lastSeenAt),
    nowPlaying: online ? (h?.nowPlaying ?? null) : null,
    nextAiring: h?.nextAiring ?? null,
    fileReady: h?.nextAiring ? h.nextAiring.fileReady : null,
    pendingReports: h?.pendingReports ?? null,
    freeDiskBytes: h?.freeDiskBytes ?? null,
    lastError: h ? (h.lastError ?? playerError(h.lastPlayer)) : null,
    agentVersion: h?.agentVersion ?? null,
    // Beats that only say "unchanged" do not carry the uptime: it runs on from the agent's start to the last sign of life.
    uptimeSec: h ? Math.max(h.uptimeSec, d.lastSeenAt ? Math.floor((d.lastSeenAt.getTime() - Date.parse(h.startedAt)) / 1000) : 0) : null,
    cacheBytes: h?.cacheBytes ?? null,
    clockOffsetMs: h?.clockOffsetMs ?? null,
    channel: online ? (h?.channel ?? null) : h ? 'closed' : null,
  };
}

export function deviceView(d: DeviceState, now: Date, heartbeatSec: number): DeviceView {
  return {
    id: d.id,
    name: d.name,
    primary: d.isPrimary,
    revokedAt: iso(d.revokedAt),
    createdAt: d.createdAt.toISOString(),
    health: deviceHealth(d, now, heartbeatSec),
  };
}
