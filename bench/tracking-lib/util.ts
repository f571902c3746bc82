/** Small helpers for the tracking benchmark: logging, statistics, a keep-alive HTTP client, cleanup. */
import http from 'node:http';
import { Redis } from 'ioredis';
import { Cleanup as SharedCleanup } from '../lib/cleanup.js';

/** Progress goes to stderr so stdout holds only the figures. */
export function log(message: string): void {
  process.stderr.write(`[bench:tracking ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Nearest-rank percentile of the samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

export function summary(samples: readonly number[]) {
  return {
    runs: samples.length,
    medianMs: round(median(samples), 2),
    p95Ms: round(percentile(samples, 95), 2),
    minMs: round(Math.min(...samples), 2),
    maxMs: round(Math.max(...samples), 2),
  };
}

export const envNumber = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: must be a positive number (got ${JSON.stringify(raw)})`);
  return n;
};

/** Runs `workers` loops that take jobs 0..n-1 in order until none are left. */
export async function runPool(n: number, workers: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await job(i);
      }
    }),
  );
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** A minimal keep-alive client: bodies are prepared before timing, so the client costs as little as possible. */
export function httpClient(base: string, sockets: number) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const request = (method: string, path: string, token: string, body?: Buffer) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (body) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = body.length;
      }
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { request, close: () => agent.destroy() };
}

export { clearRedisPrefix } from '../lib/scratch.js';

/** The shared undo list (bench/lib/cleanup.ts), logging with this benchmark's prefix. */
export class Cleanup extends SharedCleanup {
  constructor() {
    super(log);
  }
}
