/**
 * The station wire protocol: what the service sends a station's device and what the device sends back.
 * Dependency-free on purpose: the service and the station agent (deployed apart, on a commune PC) both import it,
 * and neither may drag the other's libraries along. Field names are the contract; readers must tolerate new ones.
 */

export type WirePriority = 'normal' | 'priority' | 'emergency';

// ── Manifest: GET /api/v1/station/manifest ─────────────────────────────────────────────────────────────────────

export interface WireManifestMedia {
  readonly url: string;
  readonly format: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly durationSec: number;
}

/** An airing as published: instants as ISO 8601 with the station's offset, e.g. 2026-12-01T06:00:00+07:00. */
export interface WireManifestAiring {
  readonly id: string;
  readonly episodeId: string;
  readonly title: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly priority: WirePriority;
  readonly media: WireManifestMedia;
}

export interface WireManifestStation {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly timezone: string;
}

/** Airings in progress are included until they end, so a device that hears late can still play an emergency. */
export interface WireManifest {
  readonly station: WireManifestStation;
  readonly version: string;
  readonly generatedAt: string;
  readonly airings: readonly WireManifestAiring[];
}

// ── Live channel: GET /api/v1/station/events (Server-Sent Events) ──────────────────────────────────────────────

export const STATION_EVENTS_PATH = '/api/v1/station/events';
export const STATION_MANIFEST_PATH = '/api/v1/station/manifest';
export const STATION_HEARTBEAT_PATH = '/api/v1/station/heartbeat';
export const STATION_PLAYS_PATH = '/api/v1/station/plays';

/** Whether changes made through other API processes reach this channel (Redis pub/sub up). */
export type FanoutState = 'ok' | 'degraded';

/**
 * One SSE event per message; `event:` is the type, `data:` the JSON payload, `id:` an opaque, increasing id the
 * device sends back as `Last-Event-ID` when it reconnects (events it missed are replayed). Comment lines
 * (`: hb`) are heartbeats and carry nothing. Unknown event types must be ignored.
 */
export interface ChannelEvents {
  /** First event on every connection. The device should poll the manifest once (If-None-Match) after it. */
  hello: { deviceId: string; stationId: string; heartbeatSec: number; fanout: FanoutState; serverTime: string };
  /** The station's manifest may have changed: fetch it now. */
  manifest: { reason: string };
  /** An emergency "play now" went out for this station: fetch the manifest now and play the airing at once. */
  'play-now': { playNowId: string; airingId: string; episodeId: string; startsAt: string; endsAt: string };
  /** A "play now" was stopped: stop these airings if playing, and fetch the manifest. */
  stop: { playNowId: string; airingIds: readonly string[] };
  /** Fan-out changed state: while degraded, poll at the normal interval. */
  status: { fanout: FanoutState };
  /** The device token was revoked or rotated: the service closes the channel right after this. */
  revoked: { deviceId: string };
}
export type ChannelEventType = keyof ChannelEvents;
export const CHANNEL_EVENT_TYPES: readonly ChannelEventType[] = ['hello', 'manifest', 'play-now', 'stop', 'status', 'revoked'];

export type ChannelEvent = { [K in ChannelEventType]: { readonly type: K; readonly id?: string; readonly data: ChannelEvents[K] } }[ChannelEventType];

/** Frames one event as SSE text. Data is single-line JSON, so one `data:` line suffices. */
export function formatSseEvent(e: { type: string; id?: string; data: unknown }): string {
  return `${e.id ? `id: ${e.id}\n` : ''}event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

// ── Heartbeat: POST /api/v1/station/heartbeat (every 60 s) ─────────────────────────────────────────────────────

export interface WireHeartbeat {
  readonly agentVersion: string;
  readonly startedAt: string;
  readonly uptimeSec: number;
  readonly nowPlaying: { readonly airingId: string | null; readonly episodeId: string; readonly title: string; readonly startedAt: string } | null;
  readonly nextAiring: { readonly airingId: string; readonly title: string; readonly startsAt: string; readonly fileReady: boolean } | null;
  /** The next airings (up to 20, within the cache-ahead window) and whether their files are verified on disk. */
  readonly upcoming: ReadonlyArray<{ readonly airingId: string; readonly startsAt: string; readonly fileReady: boolean }>;
  readonly cacheBytes: number;
  readonly freeDiskBytes: number | null;
  readonly pendingReports: number;
  readonly lastPlayer: { readonly at: string; readonly exitCode: number | null; readonly signal: string | null; readonly error: string | null } | null;
  readonly lastError: string | null;
  /** Device clock minus server clock, from the last answer's Date header. */
  readonly clockOffsetMs: number | null;
  readonly channel: 'open' | 'closed';
}

export const DEFAULT_HEARTBEAT_SEC = 60;

/**
 * A beat saying "alive, and nothing changed since my last full heartbeat" — what most beats are. 3G data is paid
 * for: this keeps the idle cost of a device to a few hundred bytes a minute. The service answers `204`, or
 * `409 HEARTBEAT_FULL_NEEDED` when it holds no full heartbeat of the device (then send one at once).
 */
export interface WireHeartbeatSame {
  readonly same: true;
}
/** A device sends a full heartbeat at least this often, even when nothing changed. */
export const FULL_HEARTBEAT_EVERY_SEC = 30 * 60;

// ── Play reports: POST /api/v1/station/plays ───────────────────────────────────────────────────────────────────

/** Why an airing could not be played (reported with `outcome: "missed"`). */
export type MissedReason = 'file_not_ready' | 'not_running' | 'busy' | 'player_failed' | 'learned_too_late';
export const MISSED_REASONS: readonly MissedReason[] = ['file_not_ready', 'not_running', 'busy', 'player_failed', 'learned_too_late'];

export interface WirePlayReport {
  /** Client-generated, unique per station: a re-sent report counts once. */
  readonly eventId: string;
  readonly episodeId: string;
  readonly airingId?: string;
  /** When it started (for a missed airing: the airing's scheduled start). */
  readonly startedAt: string;
  readonly durationSec: number;
  readonly source: 'auto' | 'manual';
  /** Absent or "played": a play. "missed": the airing ended before this device could play it. */
  readonly outcome?: 'played' | 'missed';
  readonly reason?: MissedReason;
}

export interface WirePlayResult {
  readonly eventId: string | null;
  readonly status: 'accepted' | 'duplicate' | 'rejected';
  readonly reason?: string;
  readonly message?: string;
}
