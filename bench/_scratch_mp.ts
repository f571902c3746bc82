import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import { PutObjectCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../config/index.js';
import { startEmbeddedS3 } from '../src/storage/embedded-s3.js';
import { createS3Client } from '../src/storage/s3-client.js';

const file = process.argv[2]!;
const size = fs.statSync(file).size;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-'));
const s3srv = await startEmbeddedS3({ directory: dir, port: 0, bucket: 'b-bench' });
const s3 = createS3Client(loadConfig({}).s3, s3srv.endpoint);
const t = async (name: string, fn: () => Promise<unknown>) => { const t0 = performance.now(); await fn(); const s = (performance.now() - t0) / 1000; console.log(name, s.toFixed(2), 's', (size / 1e6 / s).toFixed(1), 'MB/s'); };
await t('put stream', () => s3.send(new PutObjectCommand({ Bucket: 'b-bench', Key: 'a', Body: fs.createReadStream(file), ContentLength: size })));
for (const [ps, q] of [[8, 4], [8, 1], [32, 4], [64, 2]] as const) {
  await t(`upload ${ps}MiB x${q}`, () => new Upload({ client: s3, params: { Bucket: 'b-bench', Key: `u${ps}`, Body: fs.createReadStream(file) }, partSize: ps * 1024 * 1024, queueSize: q }).done());
}
// manual multipart: parts from file streams, time parts vs complete
const PS = 8 * 1024 * 1024;
const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b-bench', Key: 'm' }));
const parts: { ETag?: string; PartNumber: number }[] = [];
const t0 = performance.now();
for (let i = 0, n = 1; i < size; i += PS, n++) {
  const end = Math.min(size, i + PS);
  const r = await s3.send(new UploadPartCommand({ Bucket: 'b-bench', Key: 'm', UploadId, PartNumber: n, Body: fs.createReadStream(file, { start: i, end: end - 1 }), ContentLength: end - i }));
  parts.push({ ETag: r.ETag, PartNumber: n });
}
const t1 = performance.now();
await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'b-bench', Key: 'm', UploadId, MultipartUpload: { Parts: parts } }));
const t2 = performance.now();
console.log('manual multipart (streamed parts, sequential): parts', ((t1 - t0) / 1000).toFixed(2), 's, complete', ((t2 - t1) / 1000).toFixed(2), 's');
// buffered part
const buf = Buffer.alloc(PS, 1);
await t('one 8MiB Buffer part x 10', async () => { const { UploadId: u } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b-bench', Key: 'q' })); for (let n = 1; n <= 10; n++) await s3.send(new UploadPartCommand({ Bucket: 'b-bench', Key: 'q', UploadId: u, PartNumber: n, Body: buf })); });
s3.destroy(); await s3srv.close(); fs.rmSync(dir, { recursive: true, force: true });
