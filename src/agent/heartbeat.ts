import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import { FULL_HEARTBEAT_EVERY_SEC, STATION_HEARTBEAT_PATH, type WireHeartbeat, type WireHeartbeatSame } from '../wire/station-protocol.js';
import { jittered } from './backoff.js';
import type { AgentConfig } from './config.js';
import type { Contact } from './contact.js';
import { errorCode, NetworkError, requestJson } from './http.js';
import type { AgentManifest } from './manifest.js';
import { stillToPlay } from './playout-plan.js';

const GZIP_OVER_BYTES = 1024;

/** At most this many upcoming airings go into a heartbeat: enough to see tomorrow's gaps, small over 3G. */
export const HEARTBEAT_UPCOMING = 20;

/** Something wrong right now, from one part of the agent; the newest becomes the heartbeat's `lastError`. */
export interface Problem {
  readonly at: number;
  readonly message: string;
}

export interface HeartbeatInput {
  readonly now: number;
  readonly agentVersion: string;
  readonly agentStartedAt: Date;
  readonly manifest: AgentManifest | null;
  readonly started: ReadonlySet<string>;
  readonly lateStartMs: number;
  readonly isReady: (file: string) => boolean;
  readonly nowPlaying: { readonly airingId: string | null; readonly episodeId: string; readonly title: string; readonly startedAt: string } | null;
  readonly cacheBytes: number;
  readonly freeDiskBytes: number | null;
  readonly pendingReports: number;
  readonly lastPlayer: WireHeartbeat['lastPlayer'];
  /** Current problems (cleared by each part once it works again). */
  readonly problems: readonly (Problem | null)[];
  readonly clockOffsetMs: number | null;
  readonly channelOpen: boolean;
}

/** Error texts can carry a player's whole stderr: the service keeps a bounded line, and 3G data is paid for. */
const MAX_ERROR_CHARS = 1000;
const clip = (s: string | null): string | null => (s !== null && s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS - 1)}…` : s);

/** What the service is told about this device's health. Pure, so what it says can be tested. */
export function buildHeartbeat(h: HeartbeatInput): WireHeartbeat {
  const upcoming = (h.manifest?.airings ?? []).filter((a) => stillToPlay(a, h.started, h.now, h.lateStartMs)).slice(0, HEARTBEAT_UPCOMING);
  const next = upcoming[0];
  const newest = h.problems.reduce<Problem | null>((best, p) => (p && (!best || p.at > best.at) ? p : best), null);
  return {
    agentVersion: h.agentVersion,
    startedAt: h.agentStartedAt.toISOString(),
    uptimeSec: Math.max(0, Math.floor((h.now - h.agentStartedAt.getTime()) / 1000)),
    nowPlaying: h.nowPlaying ? { airingId: h.nowPlaying.airingId, episodeId: h.nowPlaying.episodeId, title: h.nowPlaying.title, startedAt: h.nowPlaying.startedAt } : null,
    nextAiring: next ? { airingId: next.id, title: next.title, startsAt: next.startsAtLocal, fileReady: h.isReady(next.file) } : null,
    upcoming: upcoming.map((a) => ({ airingId: a.id, startsAt: a.startsAtLocal, fileReady: h.isReady(a.file) })),
    cacheBytes: h.cacheBytes,
    freeDiskBytes: h.freeDiskBytes,
    pendingReports: h.pendingReports,
    lastPlayer: h.lastPlayer ? { ...h.lastPlayer, error: clip(h.lastPlayer.error) } : null,
    lastError: clip(newest?.message ?? null),
    clockOffsetMs: h.clockOffsetMs,
    channel: h.channelOpen ? 'open' : 'closed',
  };
}

/**
 * What must reach the service when it changes. Uptime runs on by itself, and the clock offset and free disk wobble
 * from beat to beat; those wobbles alone are not worth a full heartbeat over paid 3G data.
 */
export function heartbeatKey(hb: WireHeartbeat): string {
  const { uptimeSec: _uptime, clockOffsetMs, freeDiskBytes, ...rest } = hb;
  return JSON.stringify({
    ...rest,
    clockOffsetS: clockOffsetMs === null ? null : Math.round(clockOffsetMs / 2000) * 2,
    freeDiskMb: freeDiskBytes === null ? null : Math.round(freeDiskBytes / (64 * 1024 * 1024)) * 64,
  });
}

/** A full heartbeat when something changed or the last full one is old, else the few bytes of "unchanged". */
export function heartbeatBody(hb: WireHeartbeat, lastFull: { key: string; at: number } | null, now: number): WireHeartbeat | WireHeartbeatSame {
  if (lastFull && lastFull.key === heartbeatKey(hb) && now - lastFull.at < FULL_HEARTBEAT_EVERY_SEC * 1000) return { same: true };
  return hb;
}

/**
 * Posts a heartbeat every --heartbeat-sec: in full when something changed (and at least every half hour),
 * otherwise `{same: true}`. Nothing depends on it getting through: a failure is logged once and the
 * next beat simply tries again (an offline station keeps playing; the service shows it offline meanwhile).
 */
export class HeartbeatSender {
  private failures = 0;
  /** Cleared when the server refuses a compressed body (415): plain JSON from then on. */
  private gzip = true;
  lastSentAt: Date | null = null;
  /** The last full heartbeat the service accepted: what an "unchanged" beat refers to. */
  private lastFull: { key: string; at: number } | null = null;
  lastBytes = 0;

  constructor(private readonly deps: { config: AgentConfig; log: Logger; contact: Contact; build: () => Promise<WireHeartbeat> }) {}

  async sendOnce(): Promise<number> {
    const { config, log, contact } = this.deps;
    const every = jittered(config.heartbeatSec * 1000, 0.1);
    const full = await this.deps.build();
    const beat = heartbeatBody(full, this.lastFull, Date.now());
    const json = JSON.stringify(beat);
    // Sixty a minute over paid 3G data: a full schedule's beat shrinks to about a third compressed.
    const compress = this.gzip && json.length > GZIP_OVER_BYTES;
    const body = compress ? gzipSync(json) : json;
    const headers: Record<string, string> = { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' };
    if (compress) headers['content-encoding'] = 'gzip';
    this.lastBytes = Buffer.byteLength(body);
    const sentAt = Date.now();
    let res;
    try {
      res = await requestJson(`${config.server}${STATION_HEARTBEAT_PATH}`, { method: 'POST', headers, body, timeoutMs: config.httpTimeoutSec * 1000 });
    } catch (err) {
      const message = err instanceof NetworkError ? `${err.code}: ${err.message}` : String(err);
      contact.failed(message, Date.now());
      this.fail(`heartbeat: server unreachable (${message})`);
      return every;
    }
    contact.answered(typeof res.headers.date === 'string' ? res.headers.date : undefined, sentAt, Date.now());
    if (res.status >= 200 && res.status < 300) {
      if (this.failures > 0) log.info({ after: this.failures }, 'heartbeat: accepted again');
      this.failures = 0;
      this.lastSentAt = new Date();
      if (beat === full) this.lastFull = { key: heartbeatKey(full), at: sentAt };
      return every;
    }
    if (res.status === 409 && beat !== full) {
      // The service holds no full heartbeat of this device (new to it, or its record was reset): send one now.
      this.lastFull = null;
      return 1_000;
    }
    if (compress && res.status === 415) {
      log.info('heartbeat: the server does not take compressed bodies; sending plain JSON');
      this.gzip = false;
      return 1_000;
    }
    const code = errorCode(res.json);
    this.fail(`heartbeat: HTTP ${res.status}${code ? ` ${code}` : ''}${res.status === 404 ? ' (a server without heartbeats?)' : ''}`);
    return every;
  }

  private fail(message: string): void {
    this.failures++;
    const loud = this.failures === 1 || this.failures % 60 === 0;
    this.deps.log[loud ? 'warn' : 'debug']({ attempt: this.failures }, message);
  }
}
