import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
