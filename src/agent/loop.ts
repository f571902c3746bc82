import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

/** Timers longer than this are re-armed in steps (setTimeout overflows past ~24.8 days). */
const MAX_TIMER_MS = 60_000;

/**
 * Runs a task over and over: the task returns how long to wait before its next run, and `wake()` brings the
 * next run forward (a wake during a run makes it run again straight after). Never two runs at once.
 */
export class Loop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** A shorten() that came during a run: applies to the wait after it. */
  private shortenTo: number | null = null;
  private stopped = true;
  private dueAt = 0;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<number>,
    private readonly log: Logger,
    private readonly onErrorDelayMs = 5_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Brings the next run forward to at most `delayMs` from now (a run already sooner stays as it is). */
  shorten(delayMs: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.shortenTo = Math.min(this.shortenTo ?? Infinity, delayMs);
      return;
    }
    if (this.timer && this.dueAt <= performance.now() + delayMs) return;
    this.schedule(delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // Delays are durations: measured on the monotonic clock, so setting the wall clock does not stall a loop.
    this.dueAt = performance.now() + Math.max(0, delayMs);
    this.arm();
  }

  private arm(): void {
    const wait = Math.min(Math.max(0, this.dueAt - performance.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (performance.now() < this.dueAt) this.arm();
      else void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    let next = this.onErrorDelayMs;
    this.running = (async () => {
      try {
        next = await this.task();
      } catch (err) {
        this.log.error({ err, loop: this.name }, 'unexpected error; trying again shortly');
      }
    })();
    await this.running;
    this.running = null;
    if (this.again) {
      this.again = false;
      next = 0;
    }
    if (this.shortenTo !== null) {
      next = Math.min(next, this.shortenTo);
      this.shortenTo = null;
    }
    this.schedule(next);
  }
}
