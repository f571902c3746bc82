import fs from 'node:fs';

// Linux reports process times in clock ticks; 100 per second on every kernel this runs on (USER_HZ).
const TICKS_PER_SEC = 100;

/**
 * CPU seconds (user + system) this process has used, plus those of every child it has waited for. ffmpeg runs as a
 * child of this process (directly, or through fluent-ffmpeg), so the difference across a run is that run's CPU.
 */
export function cpuSecondsWithChildren(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14–17 of the whole line; 12–15 after the name and state.
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number) as [number, number, number, number];
  return (utime + stime + cutime + cstime) / TICKS_PER_SEC;
}

/** CPU seconds (user + system) another process has used so far, read from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}

/** Wall and CPU seconds of one piece of work. */
export async function measured<T>(work: () => Promise<T>): Promise<{ value: T; wallSec: number; cpuSec: number }> {
  const cpu0 = cpuSecondsWithChildren();
  const t0 = performance.now();
  const value = await work();
  return { value, wallSec: (performance.now() - t0) / 1000, cpuSec: cpuSecondsWithChildren() - cpu0 };
}
