import type { MissedReason } from '../wire/station-protocol.js';
import type { AgentAiring, Priority } from './manifest.js';

/**
 * What the player should do now. Pure: the runtime feeds it the clock, the schedule, the journal and the cache,
 * and sets one timer for `wakeAt`. Everything is in epoch milliseconds (UTC instants from the manifest), so no
 * time zone or wall clock is ever involved on the station side.
 */

/** setTimeout may fire a hair early; an airing this close to its start counts as due. */
export const DUE_EARLY_MS = 50;
/** However strict the late-start setting, a timer that fires a little late must not make an airing "missed". */
export const MIN_LATE_MS = 2_000;

const RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

/** The last moment an airing may still be started: emergencies until their end, others within the late-start allowance. */
export function lastStartAt(a: Pick<AgentAiring, 'startsAt' | 'endsAt' | 'priority'>, lateStartMs: number): number {
  if (a.priority === 'emergency') return a.endsAt;
  return Math.min(a.endsAt, a.startsAt + Math.max(lateStartMs, MIN_LATE_MS));
}

/** Still worth having on disk: not played yet and not past the point where it could start. */
export function stillToPlay(a: AgentAiring, started: ReadonlySet<string>, now: number, lateStartMs: number): boolean {
  return !started.has(a.id) && now <= lastStartAt(a, lateStartMs);
}

export interface PlayingNow {
  readonly airingId: string | null;
  readonly priority: Priority;
  /** The airing's scheduled end (from the newest manifest that still lists it, else as it was when it started). */
  readonly endsAt: number;
}

export interface PlayoutInput {
  readonly now: number;
  readonly airings: readonly AgentAiring[];
  /** Airings with a play already started, from the journal: never started twice, even across restarts. */
  readonly started: ReadonlySet<string>;
  /** Whether the airing's file is in the cache and verified. */
  readonly isReady: (file: string) => boolean;
  readonly playing: PlayingNow | null;
  readonly lateStartMs: number;
}

export type WaitReason = 'file_not_ready' | 'busy';

export interface PlayoutDecision {
  /** Start this airing now; `interrupt` means stop what is playing first. */
  readonly start: { readonly airing: AgentAiring; readonly interrupt: boolean } | null;
  /** Due, not started, still startable, and why not now. */
  readonly waiting: ReadonlyArray<{ readonly airing: AgentAiring; readonly reason: WaitReason }>;
  /** Due, never started, and now too late to start. */
  readonly missed: readonly AgentAiring[];
  /** When to look again if nothing else happens first (a play ending, a file arriving, a new manifest). */
  readonly wakeAt: number | null;
}

/**
 * Picks the airing to start. Among due airings whose file is ready, the highest priority wins, then the earliest.
 * Something playing is cut off only by an emergency (unless it is an emergency itself) or once its own airing has
 * ended on the schedule — which also covers the server cutting an airing short for an emergency.
 */
export function decidePlayout(input: PlayoutInput): PlayoutDecision {
  const { now, playing, lateStartMs } = input;
  const due: AgentAiring[] = [];
  const missed: AgentAiring[] = [];
  let nextStart = Infinity;
  for (const a of input.airings) {
    if (input.started.has(a.id)) continue;
    if (a.startsAt > now + DUE_EARLY_MS) {
      nextStart = Math.min(nextStart, a.startsAt);
      continue;
    }
    if (now > lastStartAt(a, lateStartMs)) missed.push(a);
    else due.push(a);
  }
  due.sort((x, y) => RANK[y.priority] - RANK[x.priority] || x.startsAt - y.startsAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

  const waiting: { airing: AgentAiring; reason: WaitReason }[] = [];
  let start: PlayoutDecision['start'] = null;
  for (const a of due) {
    if (!input.isReady(a.file)) {
      waiting.push({ airing: a, reason: 'file_not_ready' });
      continue;
    }
    if (start) {
      waiting.push({ airing: a, reason: 'busy' });
      continue;
    }
    if (!playing) {
      start = { airing: a, interrupt: false };
      continue;
    }
    const overrun = now >= playing.endsAt;
    const preempts = a.priority === 'emergency' && playing.priority !== 'emergency';
    if (overrun || preempts) start = { airing: a, interrupt: true };
    else waiting.push({ airing: a, reason: 'busy' });
  }

  const wakes = [nextStart];
  for (const w of waiting) {
    // Look again when it would become too late (so it is reported missed), and when the current play should end.
    wakes.push(lastStartAt(w.airing, lateStartMs) + 1);
    if (w.reason === 'busy' && playing && playing.endsAt > now) wakes.push(playing.endsAt);
  }
  const wakeAt = Math.min(...wakes);
  return { start, waiting, missed, wakeAt: Number.isFinite(wakeAt) ? wakeAt : null };
}

/**
 * Whether the play in progress must stop because its airing was cancelled: a newer manifest no longer lists it
 * although its scheduled end has not passed (manifests list airings until they end, so absence before the end
 * means it was withdrawn). A play running past its scheduled end is an overrun, not a cancellation: left alone.
 */
export function cancelledWhilePlaying(playing: { readonly airingId: string | null; readonly endsAt: number } | null, airings: readonly Pick<AgentAiring, 'id'>[], now: number): boolean {
  if (!playing || playing.airingId === null) return false;
  if (now >= playing.endsAt) return false;
  return !airings.some((a) => a.id === playing.airingId);
}

export interface MissedFacts {
  /** The last moment the airing could have been started (see lastStartAt). */
  readonly lastStartAt: number;
  /** When this agent process started. */
  readonly agentStartedAt: number;
  /** When this agent first saw the airing in a manifest, if it saw it before giving up on it. */
  readonly firstSeenAt: number | null;
  /** Whether its file is verified in the cache now. */
  readonly fileReady: boolean;
  /** Why it last had to wait while it was due, if it did. */
  readonly lastWait: WaitReason | null;
}

/**
 * Why an airing nobody started is missed. The order matters: not running beats everything (nothing else could
 * be known), then hearing of it too late, then the file, and only a ready file under something else is "busy".
 */
export function missedReason(f: MissedFacts): Exclude<MissedReason, 'player_failed'> {
  if (f.agentStartedAt > f.lastStartAt) return 'not_running';
  if (f.firstSeenAt !== null && f.firstSeenAt > f.lastStartAt) return 'learned_too_late';
  if (!f.fileReady || f.lastWait === 'file_not_ready') return 'file_not_ready';
  return 'busy';
}
