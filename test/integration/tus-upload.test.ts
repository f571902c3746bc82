import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@tus/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { tusStoreFor } from '../../src/services/resumable-upload-service.js';
import { createS3Client } from '../../src/storage/s3-client.js';
import { tusIdOf } from '../../src/storage/tus-store.js';
import { api } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';
import { inspectAudio } from '../helpers/media-check.js';
import { refusalOf, TUS_PATH, tusMetadata, tusUpload } from '../helpers/tus-client.js';
import { trickleUntilAnswered } from '../helpers/trickle.js';
import { startUploadLink, type UploadLink } from '../helpers/upload-link.js';

const MAX = 8 * 1024 * 1024;
const GRID = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 }];
const SPEECH = path.join(FIXTURES, 'speech-stereo-44k.wav');
const PNG = path.join(FIXTURES, 'image-renamed.wav');

/** What a test can see of the bucket: the tus bookkeeping, the open multipart uploads, an original, the rows. */
function storageProbe(client: () => S3Client, bucket: string, rt: () => Runtime) {
  return {
    async uploadArea(): Promise<string[]> {
      const r = await client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'uploads/' }));
      return (r.Contents ?? []).map((o) => o.Key!);
    },
    async openMultipart(): Promise<string[]> {
      const r = await client().send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (r.Uploads ?? []).map((u) => u.Key!);
    },
    original: (id: string) => rt().store.head(`originals/${id}`),
    async rows(): Promise<number> {
      const r = await rt().db.query<{ n: number }>('SELECT count(*)::int AS n FROM episodes');
      return r.rows[0]!.n;
    },
    async nothingOf(id: string): Promise<boolean> {
      const [area, open, original] = await Promise.all([this.uploadArea(), this.openMultipart(), this.original(id)]);
      const row = await rt().db.query('SELECT 1 FROM episodes WHERE id = $1', [id]);
      return !area.some((k) => k.includes(id)) && !open.some((k) => k.includes(id)) && original === null && row.rows.length === 0;
    },
  };
}

const tusHeaders = (token: string | null, extra: Record<string, string> = {}) => ({
  ...(token ? { authorization: `Bearer ${token}` } : {}),
  'tus-resumable': '1.0.0',
  ...extra,
});

async function readJson(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe('resumable uploads (tus 1.0)', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let link: UploadLink;
  let client: S3Client;
  const tokens: Record<string, string> = {};
  let stationA: { id: string; token: string };
  let stationB: { id: string };
  const probe = storageProbe(() => client, 'loaxa-test', () => rt);

  const create = (token: string | null, length: number | null, fields: Record<string, string>, extra: Record<string, string> = {}) =>
    fetch(`${rt.url}${TUS_PATH}`, {
      method: 'POST',
      headers: tusHeaders(token, { ...(length === null ? {} : { 'upload-length': String(length) }), ...(Object.keys(fields).length ? { 'upload-metadata': tusMetadata(fields) } : {}), ...extra }),
    });
  const patch = (token: string, url: string, offset: number, bytes: Buffer) =>
    fetch(`${rt.url}${url}`, { method: 'PATCH', headers: tusHeaders(token, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body: bytes });
  const head = (token: string | null, url: string) => fetch(`${rt.url}${url}`, { method: 'HEAD', headers: tusHeaders(token) });
  const settled = (id: string) =>
    waitFor(
      async () => {
        const e = (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`)).body;
        return e.status === 'processing' ? undefined : e;
      },
      { timeoutMs: 90_000, what: `episode ${id} to settle` },
    );

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { UPLOAD_MAX_BYTES: String(MAX) } }));
    client = createS3Client(rt.config.s3, s3.endpoint);
    const u = new URL(rt.url!);
    link = await startUploadLink({ host: u.hostname, port: Number(u.port) });
    const a = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '04001', name: 'Đài xã Nậm Cang', grid: GRID });
    const b = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '04002', name: 'Đài xã Sơn Bình', grid: GRID });
    stationA = a.body;
    stationB = b.body;
    for (const role of ['editor', 'viewer'] as const) tokens[role] = (await createUserWithToken(rt.db, { name: `tus ${role}`, role })).token;
    tokens.operatorA = (await createUserWithToken(rt.db, { name: 'Cán bộ Nậm Cang', role: 'operator', stationId: stationA.id })).token;
    tokens.operatorB = (await createUserWithToken(rt.db, { name: 'Cán bộ Sơn Bình', role: 'operator', stationId: stationB.id })).token;
  });
  afterAll(async () => {
    await link?.close();
    client?.destroy();
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('completes an upload the link cuts many times; the episode is ready and passes the media checks', async () => {
    const original = fs.readFileSync(SPEECH);
    link.resetStats();
    link.cutEvery(256 * 1024);
    const done = await tusUpload(link.url, tokens.editor!, original, { title: 'Bản tin qua 3G', series: 'Thời sự', filename: 'speech-stereo-44k.wav', filetype: 'audio/wav' });
    link.cutEvery(null);
    expect(link.stats.cuts).toBeGreaterThanOrEqual(10);
    // Each cut costs at most what was in flight: the bytes sent stay close to the file's.
    expect(link.stats.bytesUp / original.length).toBeLessThan(1.3);

    const ep = await settled(done.episodeId);
    expect(ep.status, JSON.stringify(ep.error)).toBe('ready');
    expect(ep.title).toBe('Bản tin qua 3G');
    expect(ep.series).toBe('Thời sự');
    expect(ep.original).toEqual({
      filename: 'speech-stereo-44k.wav',
      contentType: 'audio/wav',
      sizeBytes: original.length,
      sha256: crypto.createHash('sha256').update(original).digest('hex'),
    });
    // The upload became the original in place; its bookkeeping is gone.
    expect((await probe.original(done.episodeId))?.sizeBytes).toBe(original.length);
    expect(await probe.uploadArea()).toEqual([]);
    expect(await probe.openMultipart()).toEqual([]);

    const dir = tempDir();
    try {
      for (const r of ep.renditions) {
        const res = await fetch(`${rt.url}${r.url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
        const file = path.join(dir, r.name);
        fs.writeFileSync(file, bytes);
        const facts = await inspectAudio(file);
        expect(facts.channels).toBe(1);
        expect(Math.abs(facts.decodedSec - 21.3)).toBeLessThan(0.5);
        expect(Math.abs(facts.integratedLufs - -16)).toBeLessThanOrEqual(1);
        expect(facts.truePeakDbtp).toBeLessThanOrEqual(-1.5);
        expect(facts.codec).toBe(r.name === 'mp3' ? 'mp3' : 'opus');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // Asked again after the last answer was lost, the upload is complete, for its creator only.
    const again = await head(tokens.editor!, `${TUS_PATH}/${done.episodeId}`);
    expect(again.status).toBe(200);
    expect(again.headers.get('upload-offset')).toBe(String(original.length));
    expect(again.headers.get('upload-length')).toBe(String(original.length));
    expect((await head(tokens.operatorA!, `${TUS_PATH}/${done.episodeId}`)).status).toBe(404);
  });

  it('refuses a PNG at once (415 NOT_AUDIO) and leaves nothing behind', async () => {
    const rows = await probe.rows();
    const err = await tusUpload(rt.url!, tokens.editor!, fs.readFileSync(PNG), { title: 'Ảnh đổi tên thành .wav' }).then(
      () => null,
      (e: unknown) => e,
    );
    const refusal = refusalOf(err);
    expect(refusal.status).toBe(415);
    expect(refusal.body.error.code).toBe('NOT_AUDIO');
    expect(refusal.body.error.message).toBe('Tệp không phải là âm thanh (định dạng không được hỗ trợ).');
    const url = new URL((err as { originalRequest: { getURL(): string } }).originalRequest.getURL());
    const id = url.pathname.split('/').pop()!;
    expect(await probe.nothingOf(id)).toBe(true);
    expect((await head(tokens.editor!, url.pathname)).status).toBe(404);
    expect(await probe.rows()).toBe(rows);
  });

  it('answers 415 from the first bytes of a PATCH while the client is still sending', async () => {
    const created = await create(tokens.editor!, 6 * 1024 * 1024, { title: 'PNG rồi nhỏ giọt' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/uploads\/tus\/[0-9a-f-]{36}$/);
    const png = fs.readFileSync(PNG);
    const result = await trickleUntilAnswered(`${rt.url}${location}`, {
      method: 'PATCH',
      headers: { ...tusHeaders(tokens.editor!), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(6 * 1024 * 1024) },
      head: [png],
      chunkBytes: 16 * 1024,
      maxBytes: 6 * 1024 * 1024,
    });
    expect(result.status).toBe(415);
    expect(JSON.parse(result.body).error.code).toBe('NOT_AUDIO');
    expect(result.sent).toBeLessThan(6 * 1024 * 1024);
    const id = location.split('/').pop()!;
    await waitFor(() => probe.nothingOf(id), { what: 'the refused upload removed' });
  });

  it('validates creation as the multipart form does: fields, the size limit, empty and deferred lengths', async () => {
    const areaBefore = await probe.uploadArea();
    const expectRefusal = async (res: Response, status: number, code: string, fieldName?: RegExp) => {
      const body = await readJson(res);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(body.error.code).toBe(code);
      expect(body.error.message).toBeTruthy();
      if (fieldName) expect(body.error.messageEn).toMatch(fieldName);
      return body;
    };
    await expectRefusal(await create(tokens.editor!, 1000, {}), 422, 'VALIDATION_FAILED', /title/);
    await expectRefusal(await create(tokens.editor!, 1000, { title: '   ' }), 422, 'VALIDATION_FAILED', /title/);
    await expectRefusal(await create(tokens.editor!, 1000, { title: 'x'.repeat(301) }), 422, 'VALIDATION_FAILED', /title/);
    await expectRefusal(await create(tokens.editor!, 1000, { title: 'x', language: 'Vietnamese!' }), 422, 'VALIDATION_FAILED', /language/);
    await expectRefusal(await create(tokens.editor!, 1000, { title: 'x', urgent: 'maybe' }), 422, 'VALIDATION_FAILED', /urgent/);
    await expectRefusal(await create(tokens.editor!, 1000, { title: 'x', stationId: crypto.randomUUID() }), 422, 'VALIDATION_FAILED', /stationId/);
    const big = await expectRefusal(await create(tokens.editor!, MAX + 1, { title: 'quá lớn' }), 413, 'TOO_LARGE');
    expect(big.error.messageEn).toBe(`The file is larger than the limit of ${MAX} bytes`);
    await expectRefusal(await create(tokens.editor!, 0, { title: 'rỗng' }), 422, 'EMPTY');
    const deferred = await expectRefusal(await create(tokens.editor!, null, { title: 'chưa biết cỡ' }, { 'upload-defer-length': '1' }), 400, 'VALIDATION_FAILED', /Upload-Length/);
    expect(deferred.error.details[0].field).toBe('Upload-Length');
    const noTus = await fetch(`${rt.url}${TUS_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${tokens.editor}`, 'upload-length': '10' } });
    await expectRefusal(noTus, 412, 'TUS_RESUMABLE_REQUIRED');
    const badMeta = await create(tokens.editor!, 10, {}, { 'upload-metadata': 'title ***' });
    await expectRefusal(badMeta, 400, 'VALIDATION_FAILED', /Upload-Metadata/);
    expect(await probe.uploadArea()).toEqual(areaBefore);
    expect(await probe.openMultipart()).toEqual([]);
  });

  it('checks the role on every request, an operator only for its own station, and shows an upload only to its creator', async () => {
    const file = fs.readFileSync(SPEECH).subarray(0, 300_000);
    expect((await create(null, file.length, { title: 'x' })).status).toBe(401);
    const viewer = await create(tokens.viewer!, file.length, { title: 'x' });
    expect(viewer.status).toBe(403);
    expect((await readJson(viewer)).error.code).toBe('FORBIDDEN');
    expect((await create(stationA.token, file.length, { title: 'x' })).status).toBe(403);
    const other = await create(tokens.operatorA!, file.length, { title: 'Cho đài khác', stationId: stationB.id });
    expect(other.status).toBe(403);
    expect((await readJson(other)).error.code).toBe('OTHER_STATION');

    // An operator's own upload: its station is the operator's.
    const own = await create(tokens.operatorA!, file.length, { title: 'Chương trình của xã' });
    expect(own.status).toBe(201);
    const url = own.headers.get('location')!;
    expect((await patch(tokens.operatorA!, url, 0, file.subarray(0, 100_000))).status).toBe(204);
    const mine = await head(tokens.operatorA!, url);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('upload-offset')).toBe('100000');
    // Every request on it by anyone else: refused, and the upload is not even there for them.
    for (const token of [tokens.operatorB!, tokens.editor!]) {
      expect((await head(token, url)).status).toBe(404);
      expect((await patch(token, url, 100_000, file.subarray(100_000))).status).toBe(404);
      expect((await fetch(`${rt.url}${url}`, { method: 'DELETE', headers: tusHeaders(token) })).status).toBe(404);
    }
    expect((await head(tokens.viewer!, url)).status).toBe(403);
    expect((await patch(tokens.viewer!, url, 100_000, file.subarray(100_000))).status).toBe(403);
    expect((await fetch(`${rt.url}${url}`, { method: 'DELETE', headers: tusHeaders(tokens.viewer!) })).status).toBe(403);
    expect((await head(stationA.token, url)).status).toBe(403);
    expect((await head(tokens.operatorA!, url)).headers.get('upload-offset')).toBe('100000');

    const last = await patch(tokens.operatorA!, url, 100_000, file.subarray(100_000));
    expect(last.status).toBe(204);
    const id = url.split('/').pop()!;
    const ep = (await api(rt.url!, tokens.operatorA!, 'GET', `/api/v1/episodes/${id}`)).body;
    expect(ep.stationId).toBe(stationA.id);
    expect(ep.title).toBe('Chương trình của xã');
    expect((await api(rt.url!, tokens.operatorB!, 'GET', `/api/v1/episodes/${id}`)).status).toBe(404);
    await settled(id);
  });

  it('terminates an unfinished upload without a trace', async () => {
    const created = await create(tokens.editor!, 7 * 1024 * 1024, { title: 'Bỏ dở' });
    const url = created.headers.get('location')!;
    const wav = fs.readFileSync(SPEECH);
    // More than one S3 part (5 MiB) and some left over in the upload area.
    expect((await patch(tokens.editor!, url, 0, Buffer.concat([wav, wav]).subarray(0, 5_500_000))).status).toBe(204);
    const id = url.split('/').pop()!;
    expect(await probe.openMultipart()).toContain(`originals/${id}`);
    const gone = await fetch(`${rt.url}${url}`, { method: 'DELETE', headers: tusHeaders(tokens.editor!) });
    expect(gone.status).toBe(204);
    expect(await probe.nothingOf(id)).toBe(true);
    expect((await head(tokens.editor!, url)).status).toBe(404);
  });
});

describe('an abandoned resumable upload', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let client: S3Client;
  const probe = storageProbe(() => client, 'loaxa-test', () => rt);

  beforeAll(async () => {
    s3 = await startTestS3();
    // Expiry in seconds and a sweep every second, for this suite only.
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { UPLOAD_EXPIRY_SEC: '6', UPLOAD_SWEEP_CRON: '* * * * * *' } }));
    client = createS3Client(rt.config.s3, s3.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('leaves nothing behind once it has expired: no parts, no bookkeeping, no original, no row', async () => {
    const wav = fs.readFileSync(SPEECH);
    const data = Buffer.concat([wav, wav]);
    const res = await fetch(`${rt.url}${TUS_PATH}`, {
      method: 'POST',
      headers: tusHeaders(ADMIN_TOKEN, { 'upload-length': String(data.length), 'upload-metadata': tusMetadata({ title: 'Bỏ giữa chừng' }) }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('upload-expires')).toBeTruthy();
    const url = res.headers.get('location')!;
    const id = url.split('/').pop()!;
    const send = (offset: number, bytes: Buffer) =>
      fetch(`${rt.url}${url}`, { method: 'PATCH', headers: tusHeaders(ADMIN_TOKEN, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body: bytes });
    // One whole S3 part, then a piece short of a part: both kinds of leftovers exist.
    expect((await send(0, data.subarray(0, 5_300_000))).status).toBe(204);
    expect((await send(5_300_000, data.subarray(5_300_000, 5_400_000))).status).toBe(204);
    expect(await probe.openMultipart()).toEqual([`originals/${id}`]);
    expect((await probe.uploadArea()).sort()).toEqual([`uploads/tus/${id}.info`, `uploads/tus/${id}.part`]);

    // A finished upload that never became an episode (as if the process had died in between) goes too.
    const tus = tusStoreFor(rt.config, s3.endpoint, rt.db);
    const orphanId = crypto.randomUUID();
    await tus.create(new Upload({ id: tusIdOf(orphanId), size: wav.length, offset: 0, metadata: { title: 'mồ côi' } }));
    await tus.write(Readable.from([wav]), tusIdOf(orphanId), 0);
    expect((await probe.original(orphanId))?.sizeBytes).toBe(wav.length);

    await waitFor(async () => (await probe.nothingOf(id)) && (await probe.nothingOf(orphanId)), { timeoutMs: 30_000, what: 'the expired uploads swept' });
    expect(await probe.uploadArea()).toEqual([]);
    expect(await probe.openMultipart()).toEqual([]);
    expect(await probe.rows()).toBe(0);
    // The client coming back finds nothing to resume.
    expect((await send(5_400_000, data.subarray(5_400_000))).status).toBe(404);
  });
});
