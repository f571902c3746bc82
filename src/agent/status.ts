import type { AgentManifest } from './manifest.js';
import { stillToPlay } from './playout-plan.js';

/**
 * The status an operator reads (status.json in the data directory, and a summary line in the log): what plays
 * next and whether its file is here, the cache, reports still to send, and when the server last answered.
 * Built by a pure function so what it says can be tested.
 */

export type FileState = 'ready' | 'downloading' | 'queued' | 'retrying' | 'no_room';

export interface StatusInput {
  readonly now: number;
  readonly agentStartedAt: Date;
  readonly server: string;
  readonly player: string | null;
  readonly manifest: AgentManifest | null;
  readonly manifestFetchedAt: Date | null;
  readonly started: ReadonlySet<string>;
  readonly lateStartMs: number;
  readonly isReady: (file: string) => boolean;
  readonly download: { readonly name: string; readonly have: number; readonly sizeBytes: number } | null;
  readonly trouble: ReadonlyMap<string, { readonly attempts: number; readonly nextAt: number; readonly lastError: string }>;
  readonly cache: { readonly files: number; readonly bytes: number; readonly capBytes: number };
  readonly contact: {
    readonly online: boolean | null;
    readonly lastContactAt: Date | null;
    readonly lastFailureAt: Date | null;
    readonly lastFailure: string | null;
    readonly clockOffsetSec: number | null;
  };
  readonly reports: { readonly pending: number; readonly lastReportAt: Date | null; readonly lastError: string | null; readonly rejected: number };
  readonly nowPlaying: unknown;
  readonly recentPlays: readonly unknown[];
  readonly missed: readonly unknown[];
  readonly channel?: {
    readonly open: boolean;
    readonly fanout: string | null;
    readonly openedAt: Date | null;
    readonly lastEventId: string | null;
    readonly problem: string | null;
    /** The poll interval in force (long while the channel carries changes). */
    readonly pollSec: number;
  };
  readonly heartbeat?: { readonly lastSentAt: Date | null };
}

const NEXT_SHOWN = 10;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function buildStatus(s: StatusInput) {
  const upcoming = (s.manifest?.airings ?? []).filter((a) => stillToPlay(a, s.started, s.now, s.lateStartMs));
  const fileState = (file: string): FileState => {
    if (s.isReady(file)) return 'ready';
    if (s.download?.name === file) return 'downloading';
    const t = s.trouble.get(file);
    if (t?.lastError === 'over_cap') return 'no_room';
    return t ? 'retrying' : 'queued';
  };
  const nextAirings = upcoming.slice(0, NEXT_SHOWN).map((a) => {
    const state = fileState(a.file);
    const t = s.trouble.get(a.file);
    return {
      airingId: a.id,
      title: a.title,
      startsAt: a.startsAtLocal,
      inSec: Math.round((a.startsAt - s.now) / 1000),
      priority: a.priority,
      file: a.file,
      fileState: state,
      ...(state === 'downloading' && s.download ? { downloadedPct: Math.floor((100 * s.download.have) / Math.max(1, s.download.sizeBytes)) } : {}),
      ...(t && state !== 'ready' ? { problem: t.lastError, attempts: t.attempts } : {}),
    };
  });
  const neededFiles = new Set(upcoming.map((a) => a.file));
  const readyNeeded = [...neededFiles].filter((f) => s.isReady(f)).length;
  const offset = s.contact.clockOffsetSec;
  return {
    updatedAt: new Date(s.now).toISOString(),
    agent: { pid: process.pid, startedAt: s.agentStartedAt.toISOString(), player: s.player ?? '(none: plays are only logged)' },
    server: s.server,
    station: s.manifest?.station ?? null,
    link: {
      online: s.contact.online,
      lastContactAt: iso(s.contact.lastContactAt),
      lastFailureAt: iso(s.contact.lastFailureAt),
      lastFailure: s.contact.lastFailure,
      clockOffsetSec: offset,
      ...(offset !== null && Math.abs(offset) > 60 ? { clockWarning: `this station's clock is ${Math.abs(offset)} s ${offset > 0 ? 'behind' : 'ahead of'} the server` } : {}),
    },
    channel: s.channel ? { ...s.channel, openedAt: iso(s.channel.openedAt) } : null,
    heartbeat: s.heartbeat ? { lastSentAt: iso(s.heartbeat.lastSentAt) } : null,
    manifest: s.manifest ? { version: s.manifest.version, fetchedAt: iso(s.manifestFetchedAt), airings: s.manifest.airings.length } : null,
    nowPlaying: s.nowPlaying,
    nextAirings,
    cache: {
      files: s.cache.files,
      bytes: s.cache.bytes,
      capBytes: s.cache.capBytes,
      neededFiles: neededFiles.size,
      neededReady: readyNeeded,
      downloading: s.download,
    },
    reports: {
      pending: s.reports.pending,
      lastReportAt: iso(s.reports.lastReportAt),
      lastError: s.reports.lastError,
      rejected: s.reports.rejected,
    },
    recentPlays: s.recentPlays,
    missed: s.missed,
  };
}

export type Status = ReturnType<typeof buildStatus>;

/** The few facts worth a log line, compared between updates so the log speaks only when something moved. */
export function statusSummary(st: Status) {
  const next = st.nextAirings[0];
  return {
    next: next ? `${next.startsAt} ${next.title} [${next.fileState}]` : null,
    upcoming: st.nextAirings.length,
    filesReady: `${st.cache.neededReady}/${st.cache.neededFiles}`,
    pendingReports: st.reports.pending,
    online: st.link.online,
    channel: st.channel ? (st.channel.open ? 'open' : 'closed') : null,
    lastContactAt: st.link.lastContactAt,
    playing: st.nowPlaying !== null,
  };
}
