import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from '../../src/db/database.js';
import type { JobQueues } from '../../src/queue/queues.js';
import type { Runtime } from '../../src/runtime.js';
import { round } from './util.js';

/**
 * A rough profile of the push phase without touching src/: the runtime's database, queue and push objects are
 * wrapped in place (their methods are looked up at call time), and every call is tagged with the phase that
 * made it — "schedule" inside scheduleDue (an AsyncLocalStorage run), "worker" otherwise (BullMQ's push worker).
 * Times are wall-clock per call, so concurrent calls add up to more than the elapsed time: the sums say where
 * callers waited, the in-flight figures say how busy the pool was.
 */
export const phaseStore = new AsyncLocalStorage<string>();

const SQL_LABELS: [RegExp, string][] = [
  [/^SELECT s\.id, p\.wanted_version/, 'pushes.due'],
  [/^SELECT s\.id, s\.code.*FROM stations s LEFT JOIN pushes/s, 'stations.get'],
  [/^SELECT n\.next_start, w\.\*/, 'manifestWindow'],
  [/^INSERT INTO pushes \(station_id, wanted_version/, 'pushes.want'],
  [/^INSERT INTO pushes \(station_id, attempts/, 'pushes.attempt'],
  [/^UPDATE pushes SET delivered_version/, 'pushes.delivered'],
  [/^UPDATE pushes SET delivered_rev/, 'pushes.stillCurrent'],
];

const labelOf = (sql: string) => {
  const s = sql.trim();
  for (const [re, label] of SQL_LABELS) if (re.test(s)) return label;
  return s.replace(/\s+/g, ' ').slice(0, 40);
};

interface Stat {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface PushProfile {
  /** `phase/kind/label` → calls, summed ms, mean ms. */
  calls: Record<string, { count: number; totalMs: number; meanMs: number; maxMs: number }>;
  db: { poolSize: number; meanInFlight: number; maxInFlight: number; saturatedPct: number };
}

export function instrumentPush(rt: Runtime, poolSize: number) {
  const stats = new Map<string, Stat>();
  const add = (key: string, ms: number) => {
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { count: 0, totalMs: 0, maxMs: 0 }));
    s.count++;
    s.totalMs += ms;
    if (ms > s.maxMs) s.maxMs = ms;
  };
  const phase = () => phaseStore.getStore() ?? 'worker';

  // Time-weighted in-flight database calls: near the pool size means callers queue for a connection.
  let inFlight = 0;
  let maxInFlight = 0;
  let lastChange = performance.now();
  let weighted = 0;
  let saturatedMs = 0;
  const started = lastChange;
  const change = (delta: number) => {
    const now = performance.now();
    weighted += inFlight * (now - lastChange);
    if (inFlight >= poolSize) saturatedMs += now - lastChange;
    lastChange = now;
    inFlight += delta;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
  };

  const timed = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      add(key, performance.now() - t);
    }
  };

  const db = rt.db as { query: Database['query'] };
  const origQuery = db.query;
  db.query = (async (text: string, params?: unknown[]) => {
    change(+1);
    try {
      return await timed(`${phase()}/db/${labelOf(text)}`, () => origQuery.call(rt.db, text, params));
    } finally {
      change(-1);
    }
  }) as Database['query'];

  const queues = rt.queues as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const origQueues: [string, (...args: unknown[]) => Promise<unknown>][] = [];
  for (const m of ['add', 'state', 'removePending', 'clearFinished'] satisfies (keyof JobQueues)[]) {
    const orig = queues[m]!;
    origQueues.push([m, orig]);
    queues[m] = (...args: unknown[]) => timed(`${phase()}/redis/queues.${m}`, () => orig.apply(rt.queues, args));
  }

  const push = rt.push as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const origDeliver = push.deliver!;
  push.deliver = (...args: unknown[]) => timed(`${phase()}/deliver/total`, () => origDeliver.apply(rt.push, args));

  const origFetch = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    timed(`${phase()}/http/POST to station`, () => origFetch(input, init))) as typeof fetch;

  return {
    report(): PushProfile {
      change(0);
      const calls: PushProfile['calls'] = {};
      for (const [k, s] of [...stats.entries()].sort()) {
        calls[k] = { count: s.count, totalMs: Math.round(s.totalMs), meanMs: round(s.totalMs / s.count, 3), maxMs: round(s.maxMs, 1) };
      }
      const elapsed = performance.now() - started;
      return {
        calls,
        db: { poolSize, meanInFlight: round(weighted / elapsed, 2), maxInFlight, saturatedPct: round((saturatedMs / elapsed) * 100, 1) },
      };
    },
    restore() {
      db.query = origQuery;
      for (const [m, orig] of origQueues) queues[m] = orig;
      push.deliver = origDeliver;
      globalThis.fetch = origFetch;
    },
  };
}
