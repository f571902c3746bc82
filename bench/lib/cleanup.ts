import { log as defaultLog } from './proc.js';

/**
 * Undo actions registered as resources are created, run last-in first-out exactly once: at the end of the run,
 * on an error, or on SIGINT/SIGTERM.
 */
export class Cleanup {
  private readonly actions: { name: string; fn: () => Promise<unknown> | unknown }[] = [];
  private running: Promise<void> | null = null;

  /** Each benchmark logs with its own prefix. */
  constructor(private readonly log: (line: string) => void = defaultLog) {}

  add(name: string, fn: () => Promise<unknown> | unknown): void {
    this.actions.push({ name, fn });
  }

  /** Runs (and forgets) every action registered so far; concurrent calls share the one run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.actions.length) {
        const a = this.actions.pop()!;
        try {
          await a.fn();
        } catch (err) {
          this.log(`cleanup "${a.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** On a signal: clean up, then exit with 128 + signal number. */
  onSignals(): void {
    const handler = (signal: NodeJS.Signals, code: number) => {
      this.log(`${signal}: cleaning up`);
      void this.run().finally(() => process.exit(128 + code));
    };
    process.once('SIGINT', () => handler('SIGINT', 2));
    process.once('SIGTERM', () => handler('SIGTERM', 15));
  }
}
