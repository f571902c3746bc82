import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { objectKeys } from '../../src/storage/keys.js';
import { createS3Client } from '../../src/storage/s3-client.js';
import type { Readable } from 'node:stream';
import { uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, clearQueuePrefix, createPgDatabase, startTestS3, tempDir, testConfig } from '../helpers/env.js';

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * A WAV header, then bytes that try the multipart parser: random data strewn with line breaks, dashes and the
 * start of the boundary a FormData upload uses, some of them straddling 64 KiB (one socket read) edges.
 */
function awkwardWav(bytes: number): Buffer {
  const header = Buffer.from('RIFF\xff\xff\xff\xffWAVEfmt ', 'latin1');
  const body = crypto.randomBytes(bytes - header.length);
  const traps = ['\r\n', '\r\n--', '\r\n------formdata-undici-0', '--', '\r'].map((s) => Buffer.from(s, 'latin1'));
  for (let at = 65_536 - 3, i = 0; at < body.length - 32; at += 65_536 + 4_099, i++) traps[i % traps.length]!.copy(body, at);
  for (let i = 0; i < 500; i++) traps[i % traps.length]!.copy(body, crypto.randomInt(0, body.length - 32));
  return Buffer.concat([header, body]);
}

/** POSTs a multipart form written in pieces of random size (1 byte to ~70 KB), boundary edges included. */
function postInPieces(url: string, file: Buffer): Promise<{ status: number; body: any }> {
  const boundary = `loaxa-${crypto.randomBytes(8).toString('hex')}`;
  const whole = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nTừng mảnh\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/v1/episodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    (async () => {
      for (let at = 0; at < whole.length; ) {
        const n = crypto.randomInt(0, 10) === 0 ? crypto.randomInt(1, 4) : crypto.randomInt(1, 70_000);
        if (!req.write(whole.subarray(at, at + n))) await new Promise((r) => req.once('drain', r));
        at += n;
      }
      req.end();
    })().catch(reject);
  });
}

// Both ways an original reaches storage: multipart (any S3) and one streamed PUT (the embedded default).
describe.each(['multipart', 'stream'])('uploads store exactly the bytes sent, with their size and SHA-256 (%s upload)', (uploadMode) => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let pgdb: Awaited<ReturnType<typeof createPgDatabase>>;
  let client: ReturnType<typeof createS3Client>;

  beforeAll(async () => {
    s3 = await startTestS3();
    pgdb = await createPgDatabase();
    // The API alone (a split deployment's API role): these bytes are not meant to be transcoded.
    const config = testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: pgdb.url, env: { ROLE: 'api', S3_UPLOAD_MODE: uploadMode } });
    rt = await startRuntime(config);
    client = createS3Client(rt.config.s3, s3.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await pgdb?.drop();
    await s3?.close();
  });

  async function stored(episodeId: string): Promise<Buffer> {
    const r = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: objectKeys.original(episodeId) }));
    const chunks: Buffer[] = [];
    for await (const c of r.Body as Readable) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  function expectStoredAs(ep: { id: string; original: { sizeBytes: number; sha256: string } }, file: Buffer, object: Buffer) {
    expect(ep.original.sizeBytes).toBe(file.length);
    expect(ep.original.sha256).toBe(sha256(file));
    expect(object.length).toBe(file.length);
    expect(sha256(object)).toBe(sha256(file));
  }

  it('a browser-style form (FormData) of 9.5 MB: more than one storage part', async () => {
    const file = awkwardWav(9_500_000);
    const wav = path.join(tempDir(), 'awkward.wav');
    fs.writeFileSync(wav, file);
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, wav, { title: 'Toàn vẹn' });
    expect(res.status).toBe(202);
    expectStoredAs(res.body, file, await stored(res.body.id));
  });

  it('a form written in pieces of random size, down to single bytes', async () => {
    const file = awkwardWav(3_000_000);
    const res = await postInPieces(rt.url!, file);
    expect(res.status).toBe(202);
    expectStoredAs(res.body, file, await stored(res.body.id));
  });

  it('a file shorter than the bytes sniffed is stored whole', async () => {
    const file = Buffer.from('RIFF\x04\x00\x00\x00WAVE', 'latin1');
    const res = await postInPieces(rt.url!, file);
    expect(res.status).toBe(202);
    expectStoredAs(res.body, file, await stored(res.body.id));
  });
});
