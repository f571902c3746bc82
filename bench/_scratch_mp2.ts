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
const s3 = createS3Client(loadConfig({}).s3, s3srv.endpoint);
const times: Record<string, number> = {};
s3.middlewareStack.add((next, ctx) => async (args) => {
  const t0 = performance.now();
  try { return await next(args); } finally { const k = ctx.commandName as string; times[k] = (times[k] ?? 0) + performance.now() - t0; }
}, { step: 'initialize', name: 'timer' });
s3.middlewareStack.add((next, ctx) => async (args) => {
  const t0 = performance.now();
  try { return await next(args); } finally { const k = 'sign+send ' + (ctx.commandName as string); times[k] = (times[k] ?? 0) + performance.now() - t0; }
}, { step: 'finalizeRequest', name: 'timer2' });
const run = async (name: string, body: () => any) => {
  for (const k of Object.keys(times)) delete times[k];
  const t0 = performance.now();
  await new Upload({ client: s3, params: { Bucket: 'b-bench', Key: name, Body: body() }, partSize: 8 * 1024 * 1024, queueSize: 4 }).done();
  const s = (performance.now() - t0) / 1000;
  console.log(name, s.toFixed(2), 's', (size / 1e6 / s).toFixed(1), 'MB/s', Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +(v / 1000).toFixed(2)])));
};
await run('stream', () => fs.createReadStream(file));
await run('buffer', () => fs.readFileSync(file));
s3.destroy(); await s3srv.close(); fs.rmSync(dir, { recursive: true, force: true });
