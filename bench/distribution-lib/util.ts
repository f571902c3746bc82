import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanup as SharedCleanup } from '../lib/cleanup.js';

/** The project root (bench/distribution-lib/ → ../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const started = Date.now();
/** Progress on stderr, with the seconds since the bench started. */
export function log(message: string): void {
  process.stderr.write(`[bench:distribution ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export { freePort, stopChild } from '../lib/proc.js';
import { stopChild } from '../lib/proc.js';

/** Keeps the last lines a child wrote (for error messages). */
export class Tail {
  private text = '';
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-8000);
  }
  toString(): string {
    return this.text.trim();
  }
}

export interface Child {
  proc: ChildProcess;
  tail: Tail;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry through tsx in a child process (with an IPC channel), as `npm start` would. */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv, opts: { echoStderr?: boolean; nodeArgs?: string[] } = {}): Child {
  // Compiled entries (what `npm start` runs) go to plain node; TypeScript sources through tsx.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...loader, entry, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail = new Tail();
  proc.stdout?.on('data', (c: Buffer) => tail.push(c));
  proc.stderr?.on('data', (c: Buffer) => {
    tail.push(c);
    if (opts.echoStderr) process.stderr.write(c);
  });
  return { proc, tail, stop: () => stopChild(proc) };
}


/** Resolves with the first IPC message matching `accept`, or rejects if the child exits first. */
export function waitForMessage<T>(child: Child, accept: (m: unknown) => m is T, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!accept(m)) return;
      done();
      resolve(m);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`child exited (${code}) before it was ready:\n${child.tail.toString()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`child not ready after ${timeoutMs} ms:\n${child.tail.toString()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      child.proc.off('exit', onExit);
    };
    child.proc.on('message', onMessage);
    child.proc.once('exit', onExit);
  });
}

/** A request/response round trip over the child's IPC channel (messages carry a `seq`). */
export function ipcCall<T>(child: Child, message: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
  const seq = Math.floor(Math.random() * 2 ** 31);
  const p = waitForMessage(child, (m): m is { seq: number; reply: T } => typeof m === 'object' && m !== null && (m as { seq?: unknown }).seq === seq, timeoutMs);
  child.proc.send({ ...message, seq });
  return p.then((m) => m.reply);
}

export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  bytes: number;
}

/** A JSON call without client-side time limits (a plan for 10,000 stations can take a while). */
export function httpJson(base: string, method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(url, base),
      {
        method,
        agent: false,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          let body: unknown = raw.toString('utf8');
          try {
            body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, bytes: raw.length });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// CPU accounting from /proc (clock ticks of 10 ms on Linux): who burnt the machine's two cores during a phase.

const CLK_TCK = 100;

interface ProcCpu {
  comm: string;
  ticks: number;
}

function readProcCpu(pid: number): ProcCpu | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // After ")": state(0) ppid(1) ... utime is field 14 of the whole line → index 11 here, stime index 12.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/**
 * Samples CPU time by process group ("postgres", "redis", and named pids) every intervalMs. Processes that start
 * during the phase (new PostgreSQL backends) count from zero; ones that exit keep their last sample.
 */
export function cpuMeter(named: Record<string, () => number | undefined>, opts: { intervalMs?: number; dbName?: string } = {}) {
  const titles = new Map<number, string>();
  const postgresGroup = (pid: number) => {
    if (!opts.dbName) return 'postgres';
    let title = titles.get(pid);
    if (title === undefined) {
      try {
        title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        title = '';
      }
      titles.set(pid, title);
    }
    // Backends name their database in the process title; the rest is the server's own work or other databases'.
    return title.includes(` ${opts.dbName} `) ? 'postgres (bench db)' : 'postgres (other)';
  };
  const groupOf = (pid: number, comm: string): string | null => {
    for (const [name, get] of Object.entries(named)) if (get() === pid) return name;
    if (comm === 'postgres') return postgresGroup(pid);
    if (comm.startsWith('redis-server')) return 'redis';
    return null;
  };
  const first = new Map<number, number>();
  const last = new Map<number, { group: string; ticks: number }>();
  let total0 = 0;
  let total1 = 0;
  const readTotal = () => {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const parts = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = (parts[0] ?? 0) + (parts[1] ?? 0) + (parts[2] ?? 0) + (parts[5] ?? 0) + (parts[6] ?? 0) + (parts[7] ?? 0);
    return busy;
  };
  const sample = (initial: boolean) => {
    for (const pid of allPids()) {
      const c = readProcCpu(pid);
      if (!c) continue;
      const group = groupOf(pid, c.comm);
      if (!group) continue;
      if (initial) first.set(pid, c.ticks);
      else if (!first.has(pid)) first.set(pid, 0);
      last.set(pid, { group, ticks: c.ticks });
    }
  };
  total0 = readTotal();
  sample(true);
  const t0 = performance.now();
  const timer = setInterval(() => sample(false), opts.intervalMs ?? 1000);
  return {
    /** CPU seconds per group (and "everything else" on the machine), the machine's busy CPU seconds, the wall time. */
    stop(): { wallSec: number; machineBusySec: number; groups: Record<string, number> } {
      clearInterval(timer);
      sample(false);
      total1 = readTotal();
      const groups: Record<string, number> = {};
      for (const [pid, { group, ticks }] of last) groups[group] = (groups[group] ?? 0) + (ticks - (first.get(pid) ?? 0)) / CLK_TCK;
      const ours = Object.values(groups).reduce((a, b) => a + b, 0);
      const machineBusySec = (total1 - total0) / CLK_TCK;
      // Whatever else ran on the machine meanwhile (other benches, builds, tests): it competed for the same cores.
      groups['everything else'] = Math.max(0, machineBusySec - ours);
      for (const k of Object.keys(groups)) groups[k] = round(groups[k]!, 2);
      return { wallSec: round((performance.now() - t0) / 1000, 2), machineBusySec: round(machineBusySec, 2), groups };
    },
  };
}

/** Other processes keeping the machine busy (another bench, a build): their CPU skews every figure here. */
export function busyNeighbours(excludePids: Set<number>, sampleMs = 1000): Promise<{ comm: string; pid: number; cpuPct: number }[]> {
  const before = new Map<number, ProcCpu>();
  for (const pid of allPids()) {
    const c = readProcCpu(pid);
    if (c) before.set(pid, c);
  }
  return sleep(sampleMs).then(() => {
    const out: { comm: string; pid: number; cpuPct: number }[] = [];
    for (const [pid, b] of before) {
      if (excludePids.has(pid)) continue;
      const a = readProcCpu(pid);
      if (!a) continue;
      const pct = ((a.ticks - b.ticks) / CLK_TCK / (sampleMs / 1000)) * 100;
      if (pct >= 20) out.push({ comm: a.comm, pid, cpuPct: Math.round(pct) });
    }
    return out.sort((x, y) => y.cpuPct - x.cpuPct);
  });
}

export function loadAverage(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

/** The shared undo list (bench/lib/cleanup.ts), logging with this benchmark's prefix. */
export class Cleanup extends SharedCleanup {
  constructor() {
    super(log);
  }
}
