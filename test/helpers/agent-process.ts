import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface AgentLogLine {
  readonly level: number;
  readonly msg: string;
  readonly [k: string]: unknown;
}

/**
 * The station agent as a separate process, as it runs on a station (so it can be killed mid-download).
 * Its JSON log lines are collected for assertions.
 */
export class AgentProcess {
  readonly logs: AgentLogLine[] = [];
  private child: ChildProcess;
  private stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `entry`: a built .mjs/.js runs on plain node; the default is the TypeScript entry through tsx, as `npm run station-agent` does. */
  constructor(args: string[], env: Record<string, string> = {}, entry?: string) {
    const argv = entry && /\.m?js$/.test(entry) ? [entry] : ['--import', 'tsx', path.join(ROOT, 'src/agent/main.ts')];
    this.child = spawn(process.execPath, [...argv, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      const text = partial + s;
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.logs.push(JSON.parse(line) as AgentLogLine);
        } catch {
          this.logs.push({ level: 0, msg: line });
        }
        if (process.env.TEST_AGENT_LOG) process.stderr.write(`[agent ${this.child.pid}] ${line}\n`);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-4000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stderrTail(): string {
    return this.stderr;
  }

  find(msg: string | RegExp, where: (l: AgentLogLine) => boolean = () => true): AgentLogLine | undefined {
    return this.logs.find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)) && where(l));
  }

  /** SIGKILL: a power cut, as far as the agent can tell. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

export function readStatus(dir: string): any {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

export function readJsonLines(file: string): any[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
}

/**
 * A daily slot running from half an hour ago for three hours (the longest session) in `timezone`: airings moved
 * to "in a few seconds" stay inside the station's grid, as a move must. With `daytimeZone` it ends before 22:00.
 */
export function slotAroundNow(timezone: string, now = new Date()): { days: number[]; start: string; durationMin: number } {
  const start = new Date(now.getTime() - 30 * 60_000).toLocaleTimeString('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return { days: [1, 2, 3, 4, 5, 6, 7], start, durationMin: 180 };
}

/** An IANA zone where it is daytime now and will be for hours, so moved airings stay clear of quiet hours (22:00–05:00). */
export function daytimeZone(now = new Date()): string {
  const hcmHour = (now.getUTCHours() + 7) % 24;
  if (hcmHour >= 6 && hcmHour < 19) return 'Asia/Ho_Chi_Minh';
  const offset = 12 - now.getUTCHours();
  // Etc/GMT zones count the other way round: Etc/GMT-7 is UTC+7.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
