import { Queue, Worker, type Job, type Processor } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/index.js';
import { cappedDelay, CAPPED_EXPONENTIAL, jobIdFor, jobOptions, JOB_NAMES, type JobName, type JobPayloads } from './jobs.js';

export type TypedJob<N extends JobName> = Job<JobPayloads[N], unknown, N>;

export interface JobQueues {
  add<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  /** The job's state, or null if BullMQ no longer holds it (never added, removed, or Redis was flushed). */
  state<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<string | null>;
  /** Removes a job that has not started yet (waiting or delayed): a newer one replaces it. */
  removePending<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  /** Removes a finished (completed/failed) job so the same id can run again. */
  clearFinished<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class QueueUnavailable extends Error {
  override name = 'QueueUnavailable';
  constructor(status: string) {
    super(`Redis is not reachable (connection ${status})`);
  }
}

const QUEUE_CALL_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

export function redisOptions(url: string, forWorker: boolean): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis and must wait out an outage; producers (the API) must fail fast instead of
    // queueing commands in memory, so an upload can answer while Redis is down.
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  };
}

export function createJobQueues(config: Config): JobQueues {
  const connection = new Redis(redisOptions(config.redis.url, false));
  // Errors surface through the failing calls; without a listener ioredis would crash the process.
  connection.on('error', () => undefined);
  const queues = new Map<JobName, Queue>(
    JOB_NAMES.map((name) => {
      const q = new Queue(name, { connection, prefix: config.redis.prefix });
      q.on('error', () => undefined);
      return [name, q];
    }),
  );
  // BullMQ waits for the connection to be ready before sending anything, however long that takes. Callers here
  // (an upload, a reconcile tick) must not hang on an outage: they fail fast and the reconciler catches up later.
  const connected = <T>(work: () => Promise<T>): Promise<T> => {
    if (connection.status !== 'ready') return Promise.reject(new QueueUnavailable(connection.status));
    return withTimeout(work(), QUEUE_CALL_TIMEOUT_MS);
  };
  const queue = (name: JobName) => queues.get(name)!;
  return {
    async add(name, payload) {
      await connected(() => queue(name).add(name, payload, { ...jobOptions(name, config.jobs, config.distribution), jobId: jobIdFor(name, payload) }));
    },
    async state(name, payload) {
      return connected(async () => {
        const job = await queue(name).getJob(jobIdFor(name, payload));
        return job ? await job.getState() : null;
      });
    },
    async removePending(name, payload) {
      await connected(async () => {
        const job = await queue(name).getJob(jobIdFor(name, payload));
        if (!job) return;
        const state = await job.getState();
        if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await job.remove();
      });
    },
    async clearFinished(name, payload) {
      await connected(async () => {
        const job = await queue(name).getJob(jobIdFor(name, payload));
        if (!job) return;
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') await job.remove();
      });
    },
    async ping() {
      await connected(() => connection.ping());
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      connection.disconnect();
    },
  };
}

export function createWorker<N extends JobName>(
  config: Config,
  name: N,
  processor: Processor<JobPayloads[N], unknown, N>,
  concurrency: number,
): Worker<JobPayloads[N], unknown, N> {
  const connection = new Redis(redisOptions(config.redis.url, true));
  connection.on('error', () => undefined);
  const worker = new Worker<JobPayloads[N], unknown, N>(name, processor, {
    connection,
    prefix: config.redis.prefix,
    concurrency,
    lockDuration: config.jobs.lockMs,
    stalledInterval: config.jobs.stalledIntervalMs,
    maxStalledCount: config.jobs.maxStalled,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === CAPPED_EXPONENTIAL ? cappedDelay(attemptsMade, config.distribution.pushBackoffMs, config.distribution.pushMaxBackoffMs) : 0,
    },
  });
  // A connection handed in is the caller's to close: without this the process keeps a socket open after close().
  worker.on('closed', () => connection.disconnect());
  return worker;
}

/**
 * Closes a worker gracefully (its running jobs finish), but never for longer than `graceMs`: after a Redis outage a
 * worker's blocking connection can be left waiting on a command that will never be answered, and a shutdown that
 * hangs is worse than one that lets an unfinished job be taken over by another worker (its lock simply expires).
 */
export async function closeWorker(worker: Pick<Worker, 'close' | 'cancelAllJobs'>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close().then(() => true);
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
  const closed = await Promise.race([graceful, late]);
  clearTimeout(timer);
  if (closed) return;
  // Jobs still running get their abort signal (a transcode kills its ffmpeg: no process outlives the worker);
  // their lock then lapses and another worker, or this one after a restart, takes them up again.
  worker.cancelAllJobs('worker shutting down');
  await worker.close(true);
}
