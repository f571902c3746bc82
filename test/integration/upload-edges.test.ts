import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createS3Client } from '../../src/storage/s3-client.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { trickleUntilAnswered } from '../helpers/trickle.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';

// Above one multipart part (8 MiB), so refusals exercise aborting a multipart upload, not just a single PUT.
const MAX = 10 * 1024 * 1024;

// Both ways an original reaches storage: multipart (any S3) and one streamed PUT (the embedded default).
describe.each(['multipart', 'stream'])('upload edges: limits, early refusal, disconnects, auth (%s upload)', (uploadMode) => {
  let rt: Runtime;
  let bigWav: string;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    s3 = await startTestS3();
    // 75 s of 44.1 kHz stereo 16-bit: about 13 MB, over the limit.
    bigWav = path.join(tempDir(), 'big.wav');
    execFileSync(resolveMediaBinaries({}).ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=75', '-ac', '2', '-ar', '44100', bigWav]);
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { UPLOAD_MAX_BYTES: String(MAX), S3_UPLOAD_MODE: uploadMode } }));
    for (const role of ['editor', 'viewer'] as const) {
      tokens[role] = (await createUserWithToken(rt.db, { name: `test ${role}`, role })).token;
    }
  });
  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  async function storedObjects(): Promise<number> {
    const client = createS3Client(rt.config.s3, s3.endpoint);
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      return listed.KeyCount ?? 0;
    } finally {
      client.destroy();
    }
  }
  async function episodeRows(): Promise<number> {
    const r = await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM episodes');
    return r.rows[0]!.n;
  }

  it('refuses a file over the size limit with 413 and leaves no object or row', async () => {
    expect(fs.statSync(bigWav).size).toBeGreaterThan(MAX);
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, bigWav);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('TOO_LARGE');
    await waitFor(async () => (await storedObjects()) === 0, { what: 'no objects' });
    expect(await episodeRows()).toBe(0);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${rt.url}/api/v1/episodes`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          'content-type': 'multipart/form-data; boundary=xyz',
          'content-length': String(10 * 1024 * 1024 * 1024),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', reject);
      req.write('--xyz\r\n');
    });
    expect(status).toBe(413);
  });

  it('answers 415 from the first bytes, while the client is still sending', async () => {
    // A PNG header followed by an endless trickle: the answer must come without the body ever finishing.
    const png = fs.readFileSync(path.join(FIXTURES, 'image-renamed.wav'));
    const boundary = 'loaxa-boundary';
    const result = await trickleUntilAnswered(`${rt.url}/api/v1/episodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      head: [
        `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
        png,
      ],
      chunkBytes: 64 * 1024,
    });
    expect(result.status).toBe(415);
    expect(JSON.parse(result.body).error.code).toBe('NOT_AUDIO');
    expect(await episodeRows()).toBe(0);
  });

  it('leaves nothing behind when the client disconnects mid-upload', async () => {
    const boundary = 'loaxa-boundary';
    // 9 MB: the first multipart part has gone to storage by the time the client vanishes.
    const wav = fs.readFileSync(bigWav).subarray(0, 9 * 1024 * 1024);
    await new Promise<void>((resolve) => {
      const req = http.request(`${rt.url}/api/v1/episodes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      req.on('error', () => resolve());
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n`);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n\r\n`);
      req.write(wav, () => {
        req.destroy();
        resolve();
      });
    });
    // The server notices the closed socket and cleans up; wait for that rather than sleeping.
    await waitFor(async () => (await storedObjects()) === 0 && (await episodeRows()) === 0, {
      what: 'cleanup after disconnect',
      timeoutMs: 10_000,
    });
    // And the service is still healthy for the next upload.
    const ok = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'lying-header.wav'), { title: 'after disconnect' });
    expect(ok.status).toBe(202);
  });

  it('rejects missing or wrong tokens and the wrong role', async () => {
    const file = path.join(FIXTURES, 'lying-header.wav');
    const none = await uploadFile(rt.url!, null, file);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    const wrong = await uploadFile(rt.url!, 'lx_not-a-real-token', file);
    expect(wrong.status).toBe(401);
    const viewer = await uploadFile(rt.url!, tokens.viewer!, file);
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.code).toBe('FORBIDDEN');
    const editor = await uploadFile(rt.url!, tokens.editor!, file, { title: 'từ biên tập viên' });
    expect(editor.status).toBe(202);
    const listAsViewer = await api(rt.url!, tokens.viewer!, 'GET', '/api/v1/episodes');
    expect(listAsViewer.status).toBe(200);
    const noToken = await api(rt.url!, null, 'GET', `/api/v1/episodes/${editor.body.id}`);
    expect(noToken.status).toBe(401);
    // Health checks stay open for orchestrators.
    expect((await api(rt.url!, null, 'GET', '/healthz')).status).toBe(200);
    const ready = await api(rt.url!, null, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok', redis: 'ok', storage: 'ok', disk: 'ok' });
  });

  it('validates the form: a missing title is refused and the stored original removed', async () => {
    const before = await storedObjects();
    const rows = await episodeRows();
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'lying-header.wav'), {});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.messageEn).toMatch(/title/);
    const badLang = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'lying-header.wav'), { title: 'x', language: 'Vietnamese!' });
    expect(badLang.status).toBe(422);
    expect(badLang.body.error.messageEn).toMatch(/language/);
    const longTitle = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'lying-header.wav'), { title: 'x'.repeat(301) });
    expect(longTitle.status).toBe(422);
    expect(longTitle.body.error.messageEn).toMatch(/title/);
    const blankTitle = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'lying-header.wav'), { title: '   ' });
    expect(blankTitle.status).toBe(422);
    const noFile = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/episodes', (() => { const f = new FormData(); f.append('title', 'x'); return f; })());
    expect(noFile.status).toBe(422);
    expect(noFile.body.error.code).toBe('FILE_REQUIRED');
    const json = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/episodes', { title: 'x' });
    expect(json.status).toBe(415);
    expect(await storedObjects()).toBe(before);
    expect(await episodeRows()).toBe(rows);
  });

  it('answers 404 for unknown episodes and renditions, 422 for malformed ids', async () => {
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'lying-header.wav'));
    expect(up.status).toBe(202);
    const id = up.body.id;
    const unknown = await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    const notUuid = await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/abc`);
    expect(notUuid.status).toBe(422);
    const noRendition = await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}/renditions/mp3`);
    expect(noRendition.status).toBe(404);
  });

  it('slows down a client that keeps sending invalid tokens, and only that', async () => {
    let status = 0;
    for (let i = 0; i < 70 && status !== 429; i++) status = (await api(rt.url!, `lx_wrong-${i}`, 'GET', '/api/v1/episodes')).status;
    expect(status).toBe(429);
    const limited = await api(rt.url!, 'lx_wrong-again', 'GET', '/api/v1/episodes');
    expect(limited.body.error.code).toBe('TOO_MANY_FAILED_SIGN_INS');
    // A valid token from the same address still gets in.
    expect((await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes')).status).toBe(200);
  });
});
