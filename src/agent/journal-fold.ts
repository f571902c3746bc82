import type { MissedReason } from '../wire/station-protocol.js';
import type { Priority } from './manifest.js';

/**
 * The play journal's records and how they add up. Two append-only JSON-lines files: `plays.jsonl` (what was played)
 * and `acks.jsonl` (what the server has answered for). A play is pending until an ack for its eventId exists, so
 * a crash after the server answered but before the ack was written re-sends the same eventIds, which the server
 * recognises as duplicates — nothing is lost and nothing counts twice.
 */

export type PlayOutcome =
  /** The player ran to its end (exit 0), or the simulated play ran its length. */
  | 'completed'
  /** Cut off for an emergency or because its airing's time was over. */
  | 'interrupted'
  /** The agent was shut down while it played, or the service stopped or cancelled its airing. */
  | 'stopped'
  /** The player exited with an error after it had started. */
  | 'player_failed'
  /** The player could not be started at all: nothing aired, so nothing is reported. */
  | 'not_started'
  /** The agent died while it played; the duration is the last progress mark. */
  | 'crashed';

export interface StartRecord {
  readonly t: 'start';
  readonly eventId: string;
  readonly airingId: string | null;
  readonly episodeId: string;
  readonly title?: string;
  readonly file: string;
  readonly priority: Priority;
  /** ISO 8601 UTC. */
  readonly startedAt: string;
  readonly plannedSec: number;
  readonly source: 'auto' | 'manual';
}

export interface ProgressRecord {
  readonly t: 'progress';
  readonly eventId: string;
  readonly playedSec: number;
}

export interface EndRecord {
  readonly t: 'end';
  readonly eventId: string;
  readonly endedAt: string;
  readonly durationSec: number;
  readonly outcome: PlayOutcome;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly error?: string;
}

/**
 * An airing that could not be played, written once when the agent gives up on it. It is reported like a play
 * (with its own eventId, acked the same way), so the service can show why a loudspeaker stayed silent.
 */
export interface MissedRecord {
  readonly t: 'missed';
  readonly eventId: string;
  readonly airingId: string;
  readonly episodeId: string;
  readonly title?: string;
  /** The airing's scheduled start and end, ISO 8601 UTC. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly reason: MissedReason;
  /** When the agent gave up on it. */
  readonly at: string;
}

export type PlayRecord = StartRecord | ProgressRecord | EndRecord | MissedRecord;

export type AckStatus = 'accepted' | 'duplicate' | 'rejected';

export interface AckRecord {
  readonly eventId: string;
  readonly status: AckStatus;
  readonly reason?: string;
  readonly message?: string;
  readonly at: string;
}

export interface PlayState {
  readonly start: StartRecord;
  playedSec: number;
  end: EndRecord | null;
}

export interface JournalState {
  /** In the order the plays started. */
  readonly plays: Map<string, PlayState>;
  readonly acks: Map<string, AckRecord>;
  /** Airings that have a play started: the player never starts them again. */
  readonly startedAirings: Set<string>;
  /** Missed airings by eventId, in the order they were written. */
  readonly missed: Map<string, MissedRecord>;
  /** Airings journalled as missed: never journalled (or reported) a second time. */
  readonly missedAirings: Set<string>;
  /** Lines that could not be read (a torn last line after a power cut), skipped. */
  badLines: number;
}

export const emptyJournal = (): JournalState => ({ plays: new Map(), acks: new Map(), startedAirings: new Set(), missed: new Map(), missedAirings: new Set(), badLines: 0 });

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function asPlayRecord(v: unknown): PlayRecord | null {
  if (!isObj(v) || typeof v.eventId !== 'string' || v.eventId === '') return null;
  if (v.t === 'start') return typeof v.episodeId === 'string' && typeof v.startedAt === 'string' && typeof v.file === 'string' ? (v as unknown as StartRecord) : null;
  if (v.t === 'progress') return typeof v.playedSec === 'number' ? (v as unknown as ProgressRecord) : null;
  if (v.t === 'end') return typeof v.durationSec === 'number' && typeof v.outcome === 'string' ? (v as unknown as EndRecord) : null;
  if (v.t === 'missed') {
    const ok = typeof v.airingId === 'string' && typeof v.episodeId === 'string' && typeof v.startsAt === 'string' && typeof v.reason === 'string';
    return ok ? (v as unknown as MissedRecord) : null;
  }
  return null;
}

function asAck(v: unknown): AckRecord | null {
  if (!isObj(v) || typeof v.eventId !== 'string') return null;
  return v.status === 'accepted' || v.status === 'duplicate' || v.status === 'rejected' ? (v as unknown as AckRecord) : null;
}

/** Applies one play record; records for unknown plays (a start lost to corruption) are ignored. */
export function applyPlayRecord(state: JournalState, rec: PlayRecord): void {
  if (rec.t === 'missed') {
    // One missed record per airing: a second one (two writers racing, a replayed line) is ignored.
    if (state.missed.has(rec.eventId) || state.missedAirings.has(rec.airingId)) return;
    state.missed.set(rec.eventId, rec);
    state.missedAirings.add(rec.airingId);
    return;
  }
  if (rec.t === 'start') {
    if (state.plays.has(rec.eventId)) return;
    state.plays.set(rec.eventId, { start: rec, playedSec: 0, end: null });
    if (rec.airingId) state.startedAirings.add(rec.airingId);
    return;
  }
  const play = state.plays.get(rec.eventId);
  if (!play || play.end) return;
  if (rec.t === 'progress') play.playedSec = Math.max(play.playedSec, rec.playedSec);
  else play.end = rec;
}

export function applyAck(state: JournalState, ack: AckRecord): void {
  // The first answer stands: a later "duplicate" for an accepted play says nothing new.
  if (!state.acks.has(ack.eventId)) state.acks.set(ack.eventId, ack);
}

function parseLines(text: string, onBad: () => void): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      onBad();
    }
  }
  return out;
}

/** Rebuilds the state from the two files' text. */
export function foldJournal(playsText: string, acksText: string): JournalState {
  const state = emptyJournal();
  const bad = () => void state.badLines++;
  for (const v of parseLines(playsText, bad)) {
    const rec = asPlayRecord(v);
    if (rec) applyPlayRecord(state, rec);
    else bad();
  }
  for (const v of parseLines(acksText, bad)) {
    const ack = asAck(v);
    if (ack) applyAck(state, ack);
    else bad();
  }
  return state;
}

/** Whether the server should hear of this play: it ended, and something actually went out on air. */
export function isReportable(p: PlayState): boolean {
  return p.end !== null && p.end.outcome !== 'not_started';
}

/** Plays to report, oldest first. */
export function pendingReports(state: JournalState): PlayState[] {
  return [...state.plays.values()].filter((p) => isReportable(p) && !state.acks.has(p.start.eventId));
}

/** Missed airings the service has not answered for yet, oldest first. */
export function pendingMissed(state: JournalState): MissedRecord[] {
  return [...state.missed.values()].filter((m) => !state.acks.has(m.eventId));
}

/** Everything waiting for the service's verdict: plays, then missed airings. */
export type PendingReport = PlayState | MissedRecord;
export const isMissed = (p: PendingReport): p is MissedRecord => 't' in p && p.t === 'missed';
export function pendingAll(state: JournalState): PendingReport[] {
  return [...pendingReports(state), ...pendingMissed(state)];
}

/** Plays with a start and no end. At start-up these are plays the agent was in when it died. */
export function openPlays(state: JournalState): PlayState[] {
  return [...state.plays.values()].filter((p) => p.end === null);
}

/** The end record for a play the agent died in: it played at least until its last progress mark. */
export function crashEnd(p: PlayState, now: Date): EndRecord {
  return { t: 'end', eventId: p.start.eventId, endedAt: now.toISOString(), durationSec: p.playedSec, outcome: 'crashed', error: 'the agent stopped while this played' };
}

/**
 * What a compacted journal keeps: everything still pending or open, and every play newer than `keepMs`
 * (so an airing in the current window is never started twice). Old, settled plays and their acks go.
 * Rewrite plays first, then acks: a crash between the two leaves extra acks (ignored) rather than lost ones.
 */
export function compactJournal(state: JournalState, now: number, keepMs: number): { plays: PlayRecord[]; acks: AckRecord[] } {
  const plays: PlayRecord[] = [];
  const acks: AckRecord[] = [];
  for (const p of state.plays.values()) {
    const settled = p.end !== null && (!isReportable(p) || state.acks.has(p.start.eventId));
    const old = now - Date.parse(p.start.startedAt) > keepMs;
    if (settled && old) continue;
    plays.push(p.start);
    if (p.end) plays.push(p.end);
    else if (p.playedSec > 0) plays.push({ t: 'progress', eventId: p.start.eventId, playedSec: p.playedSec });
    const ack = state.acks.get(p.start.eventId);
    if (ack) acks.push(ack);
  }
  // A missed airing is long out of every manifest (they list airings until they end) once it is this old.
  for (const m of state.missed.values()) {
    const ack = state.acks.get(m.eventId);
    if (ack && now - Date.parse(m.at) > keepMs) continue;
    plays.push(m);
    if (ack) acks.push(ack);
  }
  return { plays, acks };
}
