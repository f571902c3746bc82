import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import { loadConfig } from '../config/index.js';
import { startEmbeddedS3 } from '../src/storage/embedded-s3.js';
import { createS3Client } from '../src/storage/s3-client.js';

const file = process.argv[2]!;
const size = fs.statSync(file).size;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-'));
const s3srv = await startEmbeddedS3({ directory: dir, port: 0, bucket: 'b-bench' });
const plain = createS3Client(loadConfig({}).s3, s3srv.endpoint);
const unsigned = createS3Client(loadConfig({}).s3, s3srv.endpoint);
unsigned.middlewareStack.add((next) => async (args) => {
  const req = args.request as { headers: Record<string, string> };
  req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return next(args);
}, { step: 'finalizeRequest', name: 'unsignedPayload', priority: 'high' });
const run = async (name: string, client: typeof plain) => {
  const t0 = performance.now();
  await new Upload({ client, params: { Bucket: 'b-bench', Key: name, Body: fs.createReadStream(file) }, partSize: 8 * 1024 * 1024, queueSize: 4 }).done();
  const s = (performance.now() - t0) / 1000;
  console.log(name, s.toFixed(2), 's', (size / 1e6 / s).toFixed(1), 'MB/s');
};
for (let i = 0; i < 2; i++) { await run('signed', plain); await run('unsigned', unsigned); }
plain.destroy(); unsigned.destroy(); await s3srv.close(); fs.rmSync(dir, { recursive: true, force: true });
