import { spawn } from 'node:child_process';
import { playerArgv } from './command.js';

export type PlayerExit =
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: string | null; readonly stderrTail: string }
  | { readonly kind: 'spawn_failed'; readonly error: string };

export interface PlayerHandle {
  readonly pid: number | null;
  readonly done: Promise<PlayerExit>;
  /** Stops the play (SIGTERM to the player's process group, SIGKILL if it lingers). */
  stop(): void;
}

const KILL_AFTER_MS = 3_000;
const STDERR_TAIL = 2_000;

/**
 * Runs the player on a file. The player gets its own process group so that stopping it also stops whatever it
 * started (a wrapper script, a decoder pipe). With no player configured the play is simulated for its length.
 */
export function startPlayer(template: string | null, file: string, plannedSec: number): PlayerHandle {
  if (template === null) return simulate(plannedSec);
  let argv: [string, ...string[]];
  try {
    argv = playerArgv(template, file);
  } catch (err) {
    return { pid: null, done: Promise.resolve({ kind: 'spawn_failed', error: (err as Error).message }), stop() {} };
  }
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    tail = (tail + s).slice(-STDERR_TAIL);
  });
  let killTimer: NodeJS.Timeout | null = null;
  const done = new Promise<PlayerExit>((resolve) => {
    child.once('error', (err) => resolve({ kind: 'spawn_failed', error: err.message }));
    child.once('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      resolve({ kind: 'exited', code, signal, stderrTail: tail.trim() });
    });
  });
  const signalGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  return {
    pid: child.pid ?? null,
    done,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup('SIGTERM');
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS);
    },
  };
}

function simulate(plannedSec: number): PlayerHandle {
  let finish: (exit: PlayerExit) => void = () => undefined;
  const done = new Promise<PlayerExit>((resolve) => (finish = resolve));
  const timer = setTimeout(() => finish({ kind: 'exited', code: 0, signal: null, stderrTail: '' }), Math.max(0, plannedSec * 1000));
  return {
    pid: null,
    done,
    stop() {
      clearTimeout(timer);
      finish({ kind: 'exited', code: null, signal: 'SIGTERM', stderrTail: '' });
    },
  };
}
