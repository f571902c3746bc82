import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { PutObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../config/index.js';
import { startEmbeddedS3 } from '../src/storage/embedded-s3.js';
import { createS3Client } from '../src/storage/s3-client.js';
const file = process.argv[2]!;
const size = fs.statSync(file).size;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-'));
const s3srv = await startEmbeddedS3({ directory: dir, port: 0, bucket: 'b-bench' });
const s3 = createS3Client(loadConfig({}).s3, s3srv.endpoint);
try {
  const body = fs.createReadStream(file).pipe(new PassThrough());
  const t0 = performance.now();
  await s3.send(new PutObjectCommand({ Bucket: 'b-bench', Key: 'x', Body: body }));
  const s = (performance.now() - t0) / 1000;
  const h = await s3.send(new HeadObjectCommand({ Bucket: 'b-bench', Key: 'x' }));
  console.log('unknown-length put', s.toFixed(2), 's', (size / 1e6 / s).toFixed(1), 'MB/s stored', h.ContentLength, 'of', size);
} catch (e) { console.log('failed', (e as Error).message); }
s3.destroy(); await s3srv.close(); fs.rmSync(dir, { recursive: true, force: true });
