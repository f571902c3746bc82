import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { MediaCache } from './cache.js';
import type { AgentConfig } from './config.js';
import type { PlayJournal } from './journal.js';
import type { MissedReason } from '../wire/station-protocol.js';
import type { PlayOutcome } from './journal-fold.js';
import type { AgentAiring, Priority } from './manifest.js';
import { startPlayer, type PlayerExit, type PlayerHandle } from './player.js';
import { cancelledWhilePlaying, decidePlayout, lastStartAt, missedReason, type WaitReason } from './playout-plan.js';

const MAX_TIMER_MS = 30_000;
const PROGRESS_EVERY_MS = 30_000;

interface Current {
  readonly eventId: string;
  readonly airing: AgentAiring;
  readonly startedAt: Date;
  readonly startedMono: number;
  readonly handle: PlayerHandle;
  readonly finished: Promise<void>;
  stopReason: 'interrupted' | 'stopped' | null;
}

export interface PlaySummary {
  readonly eventId: string;
  readonly airingId: string;
  readonly episodeId: string;
  readonly title: string;
  readonly startedAt: string;
  readonly durationSec?: number;
  readonly outcome?: PlayOutcome;
}

/**
 * Plays airings at their start: one timer for the next moment something is due, re-armed after every change.
 * Each play is written to the journal (fsynced) before the player is started, so a play is never forgotten,
 * and never started twice.
 */
export class Playout {
  private timer: NodeJS.Timeout | null = null;
  private current: Current | null = null;
  private evaluating = false;
  private again = false;
  private stopped = false;
  private readonly noted = new Set<string>();
  readonly recent: PlaySummary[] = [];
  readonly missed: Array<{ airingId: string; title: string; startsAt: string; reason: MissedReason; why: string }> = [];
  /** How the last play ended, for the heartbeat. */
  lastPlayer: { readonly at: string; readonly exitCode: number | null; readonly signal: string | null; readonly error: string | null } | null = null;
  nextWakeAt: number | null = null;
  /** When each airing was first seen in a manifest: one heard of after its last start moment was "learned too late". */
  private readonly firstSeen = new Map<string, number>();
  private readonly lastWait = new Map<string, WaitReason>();
  /** Airings the service stopped ("stop" on the live channel): never started, even before the manifest drops them. */
  private readonly suppressed = new Set<string>();

  constructor(
    private readonly deps: {
      config: AgentConfig;
      log: Logger;
      journal: PlayJournal;
      cache: MediaCache;
      airings: () => readonly AgentAiring[];
      /** When this agent process started: airings whose last start moment came before it were missed as "not running". */
      agentStartedAt: number;
      /** A missed airing was journalled: report it. */
      onMissed: () => void;
      /** A file failed its check right before airing: fetch it again now. */
      onCorruptFile: () => void;
      onPlayEnded: () => void;
      onChange: () => void;
    },
  ) {}

  get nowPlaying(): PlaySummary | null {
    const c = this.current;
    return c ? { eventId: c.eventId, airingId: c.airing.id, episodeId: c.airing.episodeId, title: c.airing.title, startedAt: c.startedAt.toISOString() } : null;
  }

  /** The cache file being played, which must stay where it is until the play ends. */
  get playingFile(): string | null {
    return this.current?.airing.file ?? null;
  }

  start(): void {
    this.evaluate();
  }

  /**
   * The service stopped these airings: the one playing (if listed) ends now with outcome "stopped", and none of
   * them starts again. Returns whether something was playing and stopped.
   */
  stopAirings(airingIds: readonly string[]): boolean {
    for (const id of airingIds) this.suppressed.add(id);
    const c = this.current;
    if (!c || !airingIds.includes(c.airing.id) || c.stopReason) return false;
    this.deps.log.warn({ eventId: c.eventId, airingId: c.airing.id }, 'playout: stopping the current play: the service stopped its airing');
    c.stopReason = 'stopped';
    c.handle.stop();
    return true;
  }

  /** Looks at the schedule again now (new manifest, a file arrived, a play ended, the timer fired). */
  evaluate(): void {
    if (this.stopped) return;
    if (this.evaluating) {
      this.again = true;
      return;
    }
    this.evaluating = true;
    void this.evaluateNow()
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'playout: unexpected error; looking again shortly');
        this.arm(Date.now() + 5_000);
      })
      .finally(() => {
        this.evaluating = false;
        if (this.again) {
          this.again = false;
          this.evaluate();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.current;
    if (c) {
      c.stopReason = 'stopped';
      c.handle.stop();
      await c.finished;
    }
  }

  private async evaluateNow(): Promise<void> {
    const { config, log, cache, journal } = this.deps;
    const listed = this.deps.airings();
    const airings = this.suppressed.size > 0 ? listed.filter((a) => !this.suppressed.has(a.id)) : listed;
    const now = Date.now();
    for (const a of listed) if (!this.firstSeen.has(a.id)) this.firstSeen.set(a.id, now);
    const c = this.current;
    // A withdrawn airing's play ends now: an emergency that took its place interrupts it (and says so); with nothing
    // else due it is simply stopped below.
    const cancelled = c !== null && !c.stopReason && cancelledWhilePlaying({ airingId: c.airing.id, endsAt: c.airing.endsAt }, listed, now);
    const playing = c
      ? { airingId: c.airing.id, priority: c.airing.priority as Priority, endsAt: cancelled ? now : (airings.find((a) => a.id === c.airing.id)?.endsAt ?? c.airing.endsAt) }
      : null;
    const d = decidePlayout({
      now,
      airings,
      started: journal.state.startedAirings,
      isReady: (f) => cache.isReady(f),
      playing,
      lateStartMs: config.lateStartSec * 1000,
    });
    for (const a of d.missed) {
      if (this.noted.has(`missed:${a.id}`) || journal.state.missedAirings.has(a.id)) continue;
      this.noted.add(`missed:${a.id}`);
      const reason = missedReason({
        lastStartAt: lastStartAt(a, config.lateStartSec * 1000),
        agentStartedAt: this.deps.agentStartedAt,
        firstSeenAt: this.firstSeen.get(a.id) ?? null,
        fileReady: cache.isReady(a.file),
        lastWait: this.lastWait.get(a.id) ?? null,
      });
      await this.recordMissed(a, reason);
    }
    for (const w of d.waiting) this.lastWait.set(w.airing.id, w.reason);
    for (const w of d.waiting) {
      const key = `${w.reason}:${w.airing.id}`;
      if (this.noted.has(key)) continue;
      this.noted.add(key);
      log.warn({ airingId: w.airing.id, title: w.airing.title, reason: w.reason }, 'playout: airing due but waiting');
    }
    if (d.start) {
      const { airing, interrupt } = d.start;
      if (interrupt && this.current) {
        log.warn({ interrupted: this.current.airing.id, by: airing.id, priority: airing.priority }, 'playout: interrupting the current play');
        this.current.stopReason = 'interrupted';
        this.current.handle.stop();
        await this.current.finished;
      }
      if (!this.stopped) await this.play(airing);
      // Something else may be due as well (or the file check failed): decide again at once.
      this.again = true;
      return;
    }
    if (cancelled && c && this.current === c) {
      log.warn({ eventId: c.eventId, airingId: c.airing.id, endsAt: new Date(c.airing.endsAt).toISOString() }, 'playout: stopping the current play: its airing was cancelled');
      c.stopReason = 'stopped';
      c.handle.stop();
      await c.finished;
      this.again = true;
      return;
    }
    this.arm(d.wakeAt);
  }

  /** Journals (fsynced) and reports an airing that will not be played; once per airing, across restarts. */
  private async recordMissed(a: AgentAiring, reason: MissedReason): Promise<void> {
    const { log, journal } = this.deps;
    const startsAt = new Date(a.startsAt).toISOString();
    const written = await journal.missed({
      eventId: crypto.randomUUID(),
      airingId: a.id,
      episodeId: a.episodeId,
      title: a.title,
      startsAt,
      endsAt: new Date(a.endsAt).toISOString(),
      reason,
      at: new Date().toISOString(),
    });
    if (!written) return;
    const why = MISSED_WHY[reason];
    this.missed.unshift({ airingId: a.id, title: a.title, startsAt, reason, why });
    this.missed.splice(20);
    log.error({ airingId: a.id, title: a.title, priority: a.priority, startsAt, reason, why }, 'playout: airing NOT played');
    this.deps.onMissed();
    this.deps.onChange();
  }

  private arm(wakeAt: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextWakeAt = wakeAt;
    if (this.stopped) return;
    const wait = Math.min(MAX_TIMER_MS, wakeAt === null ? MAX_TIMER_MS : Math.max(0, wakeAt - Date.now()));
    this.timer = setTimeout(() => this.evaluate(), wait);
  }

  private async play(airing: AgentAiring): Promise<void> {
    const { config, log, cache, journal } = this.deps;
    // Checked again right before air: a file damaged since it was verified must not go out as noise.
    if (!(await cache.verify(airing.file))) {
      log.error({ airingId: airing.id, file: airing.file }, 'playout: the file failed its check just before air; fetching it again');
      this.deps.onCorruptFile();
      return;
    }
    const eventId = crypto.randomUUID();
    const startedAt = new Date();
    await journal.start({
      eventId,
      airingId: airing.id,
      episodeId: airing.episodeId,
      title: airing.title,
      file: airing.file,
      priority: airing.priority,
      startedAt: startedAt.toISOString(),
      plannedSec: airing.media.durationSec,
      source: 'auto',
    });
    const startedMono = performance.now();
    const handle = startPlayer(config.player, cache.pathOf(airing.file), airing.media.durationSec);
    void cache.touch(airing.file);
    const lateSec = Math.round((startedAt.getTime() - airing.startsAt) / 100) / 10;
    log.info(
      { eventId, airingId: airing.id, title: airing.title, priority: airing.priority, file: airing.file, lateSec, pid: handle.pid, player: config.player ? 'command' : 'none' },
      config.player ? 'playout: playing' : 'playout: would play now (no --player given)',
    );
    const progress = setInterval(() => void journal.progress(eventId, (performance.now() - startedMono) / 1000).catch(() => undefined), PROGRESS_EVERY_MS);
    const summary: PlaySummary = { eventId, airingId: airing.id, episodeId: airing.episodeId, title: airing.title, startedAt: startedAt.toISOString() };
    this.recent.unshift(summary);
    this.recent.splice(20);
    const finished = handle.done.then(async (exit) => {
      clearInterval(progress);
      const durationSec = exit.kind === 'spawn_failed' ? 0 : (performance.now() - startedMono) / 1000;
      const outcome = outcomeOf(exit, current.stopReason);
      await journal.end({
        eventId,
        endedAt: new Date().toISOString(),
        durationSec: Math.round(durationSec * 1000) / 1000,
        outcome,
        ...(exit.kind === 'exited' ? { exitCode: exit.code, signal: exit.signal } : { error: exit.error }),
      });
      this.lastPlayer = {
        at: new Date().toISOString(),
        exitCode: exit.kind === 'exited' ? exit.code : null,
        signal: exit.kind === 'exited' ? exit.signal : null,
        error: exit.kind === 'spawn_failed' ? exit.error : outcome === 'player_failed' ? exit.stderrTail.slice(-300) || `exit code ${exit.code}` : null,
      };
      const i = this.recent.indexOf(summary);
      if (i !== -1) this.recent[i] = { ...summary, durationSec: Math.round(durationSec * 10) / 10, outcome };
      const level = outcome === 'completed' || outcome === 'interrupted' || outcome === 'stopped' ? 'info' : 'error';
      log[level](
        { eventId, airingId: airing.id, durationSec: Math.round(durationSec * 10) / 10, outcome, ...(exit.kind === 'exited' ? { exitCode: exit.code, signal: exit.signal, stderr: outcome === 'player_failed' ? exit.stderrTail : undefined } : { error: exit.error }) },
        'playout: play ended',
      );
      if (this.current === current) this.current = null;
      // Nothing went on air and the airing is never started twice: it is missed, and the service must hear why.
      if (outcome === 'not_started') await this.recordMissed(airing, 'player_failed');
      this.deps.onPlayEnded();
      this.evaluate();
    });
    const current: Current = { eventId, airing, startedAt, startedMono, handle, finished: finished.catch((err: unknown) => log.error({ err }, 'playout: could not record the end of a play')), stopReason: null };
    this.current = current;
    this.deps.onChange();
  }
}

function outcomeOf(exit: PlayerExit, stopReason: 'interrupted' | 'stopped' | null): PlayOutcome {
  if (exit.kind === 'spawn_failed') return 'not_started';
  if (stopReason) return stopReason;
  return exit.code === 0 ? 'completed' : 'player_failed';
}

const MISSED_WHY: Record<MissedReason, string> = {
  file_not_ready: 'its file was not verified in the cache in time',
  busy: 'something else held the air until it was too late',
  not_running: 'the agent was not running at its time',
  player_failed: 'the player could not be started',
  learned_too_late: 'the agent heard of it only after it was too late to start',
};
