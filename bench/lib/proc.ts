import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** Logs progress to stderr, with the seconds since the bench started. */
const started = Date.now();
export function log(message: string): void {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

/** A positive number from the environment (benchmark knobs), or the fallback when unset. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: must be a positive number (got ${JSON.stringify(raw)})`);
  return n;
}

export const MB = 1_000_000;
export const fmtMB = (bytes: number) => (bytes / MB).toFixed(1);
export const seconds = (ms: number) => ms / 1000;

/** Keeps the last `max` lines written to a stream (for error messages), discarding the rest. */
export class LineTail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly max = 40) {}
  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    // Only the end matters: drop what can never reach the tail before copying.
    for (const line of parts.slice(-this.max)) this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  text(): string {
    return [...this.lines, this.partial].filter((l) => l.length > 0).join('\n');
  }
}

/** Runs a binary to completion; rejects with the tail of its stderr if it exits non-zero. */
export function runBinary(
  bin: string,
  argv: string[],
  opts: { stdout?: 'ignore' | 'collect'; stderr?: 'tail' | 'collect' } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { stdio: ['ignore', opts.stdout === 'collect' ? 'pipe' : 'ignore', 'pipe'] });
    const tail = new LineTail(20);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => {
      tail.push(c);
      if (opts.stderr === 'collect') err.push(c);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
      else reject(new Error(`${bin} ${argv.join(' ')}\nexited with ${code ?? signal}:\n${tail.text()}`));
    });
  });
}

/** A port nobody listens on right now (the API cannot report a PORT=0 choice to another process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Reads one "Vm…:   123 kB" field of /proc/<pid>/status, in bytes; null once the process is gone. */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface RssReport {
  /** Highest VmRSS seen by sampling. */
  sampledPeakBytes: number;
  samples: number;
  /** The kernel's own peak (VmHWM) since the last reset: catches spikes between samples. */
  hwmBytes: number | null;
}

/** Samples a process's VmRSS every intervalMs until stopped. */
export function sampleRss(pid: number, intervalMs = 50): { stop(): RssReport } {
  const hwmReset = resetPeakRss(pid);
  let peak = 0;
  let samples = 0;
  const take = () => {
    const rss = procStatusBytes(pid, 'VmRSS');
    if (rss === null) return;
    samples++;
    if (rss > peak) peak = rss;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { sampledPeakBytes: peak, samples, hwmBytes: hwmReset ? procStatusBytes(pid, 'VmHWM') : null };
    },
  };
}

/** SIGTERM, then SIGKILL if it has not exited after graceMs. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
