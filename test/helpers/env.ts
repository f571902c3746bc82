import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../config/index.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../../src/storage/embedded-s3.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/audio');
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function tempDir(prefix = 'loaxa-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh PostgreSQL database on the machine's server, dropped by drop(). */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `loaxa_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestS3(bucket = 'loaxa-test'): Promise<EmbeddedS3 & { bucket: string; dir: string }> {
  const dir = tempDir('loaxa-s3-');
  const s3 = await startEmbeddedS3({ directory: dir, port: 0, bucket });
  return {
    ...s3,
    bucket,
    dir,
    async close() {
      await s3.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Backend = 'pglite' | 'postgres';

/** A configuration for one test suite: its own data dir, queue prefix and storage; fast job timings. */
export function testConfig(opts: { s3Endpoint: string; bucket: string; databaseUrl?: string; env?: Record<string, string> }): Config {
  const dataDir = tempDir('loaxa-data-');
  return loadConfig(
    {},
    {
      ROLE: 'all',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TMP_DIR: path.join(dataDir, 'tmp'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: opts.databaseUrl ?? '',
      REDIS_URL,
      QUEUE_PREFIX: `t${crypto.randomBytes(5).toString('hex')}`,
      S3_ENDPOINT: opts.s3Endpoint,
      S3_BUCKET: opts.bucket,
      ADMIN_TOKEN,
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '200',
      JOB_LOCK_MS: '4000',
      JOB_STALLED_INTERVAL_MS: '1000',
      RECONCILE_CRON: '*/2 * * * * *',
      RECONCILE_GRACE_SEC: '1',
      ...opts.env,
    },
  );
}

/** Removes every key a suite's queue prefix left in Redis. */
export async function clearQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until check returns a value other than undefined/false, or fails with the last value seen. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}; last: ${String(last instanceof Error ? last.message : JSON.stringify(last))}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
