import fs from 'node:fs';

/**
 * Which process this is, in a form another process can check later: the pid alone is not enough, because pids are
 * reused (a container restarted after a crash often gets the very same pid, 1 or 7). On Linux the kernel's start
 * time of the process (field 22 of /proc/<pid>/stat, clock ticks since boot) tells a reused pid from the original.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Kernel start time of the process; absent where /proc is not available. */
  readonly start?: string;
}

export function kernelStartOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  self ??= { pid: process.pid, start: kernelStartOf(process.pid) };
  return self;
}

/** Whether the process that wrote `who` still runs. A pid another user owns (EPERM) counts as running. */
export function isRunning(who: ProcessIdentity): boolean {
  if (!Number.isInteger(who.pid) || who.pid <= 0) return false;
  try {
    process.kill(who.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (who.start === undefined) return true;
  const now = kernelStartOf(who.pid);
  // No /proc to ask: the pid is alive, assume it is the same process.
  return now === undefined || now === who.start;
}
