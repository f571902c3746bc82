import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startEmbeddedS3, type EmbeddedS3 } from '../../src/storage/embedded-s3.js';
import type { Cleanup } from './cleanup.js';

/**
 * What a benchmark runs the service against, created fresh and removed at the end: a temp dir (with tmp/ inside),
 * a PostgreSQL database on the machine's server, and an embedded S3 store under the temp dir.
 */
export async function benchScratch(name: string, adminDatabaseUrl: string, cleanup: Cleanup): Promise<{ tmp: string; dbName: string; databaseUrl: string; s3: EmbeddedS3; bucket: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `loaxa-bench-${name}-`));
  cleanup.add('temp dir', () => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(path.join(tmp, 'tmp'), { recursive: true });

  const dbName = `loaxa_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  cleanup.add('database', async () => {
    const c = new pg.Client({ connectionString: adminDatabaseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  });
  const dbUrl = new URL(adminDatabaseUrl);
  dbUrl.pathname = `/${dbName}`;

  const bucket = `loaxa-bench-${name}`;
  const s3 = await startEmbeddedS3({ directory: path.join(tmp, 's3'), port: 0, bucket });
  cleanup.add('embedded S3', () => s3.close());
  return { tmp, dbName, databaseUrl: dbUrl.toString(), s3, bucket };
}

/** Removes every Redis key under a queue prefix (BullMQ and live-channel keys look like `<prefix>:…`). */
export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  let removed = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

/** The environment a service process of the benchmark runs with: the scratch store and database, its own prefix. */
export function serviceEnv(scratch: { tmp: string; databaseUrl: string; s3: EmbeddedS3; bucket: string }, redisUrl: string, queuePrefix: string, adminToken: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DATA_DIR: path.join(scratch.tmp, 'data'),
    TMP_DIR: path.join(scratch.tmp, 'tmp'),
    LOG_LEVEL: 'warn',
    DATABASE_URL: scratch.databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    S3_ENDPOINT: scratch.s3.endpoint,
    S3_BUCKET: scratch.bucket,
    ADMIN_TOKEN: adminToken,
    // The benchmark drives the push tick itself; cron must not fire during the run.
    PUSH_CRON: '0 0 1 1 *',
  };
}
