import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { createS3Client } from '../../src/storage/s3-client.js';
import { parseWav, durationSec } from '../../src/media/speech/wav.js';
import { api } from '../helpers/api.js';
import { bulletinOfLength, BULLETIN_SENTENCES } from '../helpers/bulletin-text.js';
import { ADMIN_TOKEN, clearQueuePrefix, createPgDatabase, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';
import { inspectAudio } from '../helpers/media-check.js';
import { expectRenditionsMeetSpec } from '../helpers/rendition-spec.js';

/**
 * Text bulletins end to end against the real service (PostgreSQL, S3, Redis, the transcode worker, ffmpeg and
 * eSpeak NG): typed Vietnamese becomes a ready episode like an upload, bad text is refused with the field named in
 * Vietnamese, access is that of uploads, a preview stores nothing, and a failed synthesis leaves nothing behind.
 */

type Stack = { rt: Runtime; s3: Awaited<ReturnType<typeof startTestS3>>; drop?: () => Promise<void> };

async function startStack(env: Record<string, string> = {}, postgres = true): Promise<Stack> {
  const s3 = await startTestS3();
  const db = postgres ? await createPgDatabase() : undefined;
  const rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db?.url, env: { PUSH_CRON: '0 0 1 1 *', ...env } }));
  return { rt, s3, drop: db?.drop };
}

async function stopStack(s: Stack | undefined): Promise<void> {
  if (!s) return;
  await s.rt.close();
  await clearQueuePrefix(s.rt.config.redis.prefix);
  await s.s3.close();
  await s.drop?.();
}

async function objectCount(s: Stack, prefix = ''): Promise<number> {
  const client = createS3Client(s.rt.config.s3, s.s3.endpoint);
  try {
    return (await client.send(new ListObjectsV2Command({ Bucket: s.s3.bucket, Prefix: prefix }))).KeyCount ?? 0;
  } finally {
    client.destroy();
  }
}

const rowCount = async (s: Stack) => (await s.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM episodes')).rows[0]!.n;

async function settled(s: Stack, id: string, timeoutMs = 90_000): Promise<any> {
  return waitFor(
    async () => {
      const r = await api(s.rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`);
      return r.body.status !== 'processing' ? r.body : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `episode ${id} to settle` },
  );
}

/** The original as stored, and how long it decodes to. */
async function storedOriginal(s: Stack, id: string): Promise<{ sec: number; bytes: Buffer }> {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'original.wav');
    await s.rt.store.downloadTo(`originals/${id}`, file);
    const bytes = fs.readFileSync(file);
    return { sec: durationSec(parseWav(bytes)), bytes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('text bulletins (service defaults: TTS_ENGINE=auto, 150 words per minute)', () => {
  let s: Stack;
  const tokens: Record<string, string> = {};
  let stationA: { id: string; token: string };
  let stationB: { id: string };
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(s.rt.url!, token, method, url, body);

  beforeAll(async () => {
    s = await startStack();
    stationA = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '04001', name: 'Đài xã Bản Hồ', grid: [] })).body;
    stationB = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '04002', name: 'Đài xã Tả Van', grid: [] })).body;
    tokens.editor = (await createUserWithToken(s.rt.db, { name: 'Biên tập huyện', role: 'editor' })).token;
    tokens.viewer = (await createUserWithToken(s.rt.db, { name: 'UBND huyện', role: 'viewer' })).token;
    tokens.operatorA = (await createUserWithToken(s.rt.db, { name: 'Cán bộ Bản Hồ', role: 'operator', stationId: stationA.id })).token;
    tokens.operatorB = (await createUserWithToken(s.rt.db, { name: 'Cán bộ Tả Van', role: 'operator', stationId: stationB.id })).token;
  });
  afterAll(() => stopStack(s));

  it('turns 1,000 characters of Vietnamese into a ready tts episode whose renditions pass the upload checks', async () => {
    const text = bulletinOfLength(1000);
    const res = await call(tokens.editor!, 'POST', '/api/v1/bulletins', { title: 'Thông báo mưa lũ', text, language: 'vi' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/episodes/${res.body.id}`);
    expect(res.body).toMatchObject({ title: 'Thông báo mưa lũ', language: 'vi', status: 'processing', source: 'tts', text, speechRate: 150, urgent: false, stationId: null });
    expect(res.body.original).toMatchObject({ contentType: 'audio/wav', filename: 'ban-tin.wav' });

    const ep = await settled(s, res.body.id);
    expect(ep.status, JSON.stringify(ep.error)).toBe('ready');
    expect(ep).toMatchObject({ source: 'tts', text, speechRate: 150, progress: 100 });
    const original = await storedOriginal(s, ep.id);
    expect(crypto.createHash('sha256').update(original.bytes).digest('hex')).toBe(ep.original.sha256);
    expect(parseWav(original.bytes).format).toEqual({ sampleRate: 22_050, channels: 1, bitsPerSample: 16 });
    // 1,000 characters of Vietnamese at 150 words (syllables) a minute: one to two minutes of speech.
    expect(original.sec).toBeGreaterThan(50);
    expect(original.sec).toBeLessThan(150);
    expect(Math.abs(ep.durationSec - original.sec)).toBeLessThan(0.5);
    await expectRenditionsMeetSpec(s.rt.url!, ADMIN_TOKEN, ep, original.sec);

    // The list shows where it came from, and the text.
    const listed = (await call(tokens.editor!, 'GET', '/api/v1/episodes')).body.items.find((e: { id: string }) => e.id === ep.id);
    expect(listed).toMatchObject({ source: 'tts', text });
  });

  it('reads an urgent bulletin through the urgent transcode queue, and slower at a lower rate', async () => {
    const text = BULLETIN_SENTENCES.slice(0, 3).join(' ');
    const slow = await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins', { title: 'Khẩn: mưa lũ', text, rate: 100, urgent: true });
    const normal = await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins', { title: 'Mưa lũ', text });
    expect(slow.status).toBe(202);
    expect(slow.body).toMatchObject({ urgent: true, speechRate: 100, source: 'tts' });
    const [a, b] = [await settled(s, slow.body.id), await settled(s, normal.body.id)];
    expect(a.status).toBe('ready');
    expect(b.status).toBe('ready');
    expect(a.durationSec).toBeGreaterThan(b.durationSec * 1.3);
    expect(await s.rt.queues.state('transcode-urgent', { episodeId: a.id })).toBe('completed');
    expect(await s.rt.queues.state('transcode', { episodeId: a.id })).toBeNull();
  });

  it('pads a one-word notice so it is not refused as too short', async () => {
    const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins', { title: 'Alô', text: 'Alô.' });
    expect(res.status).toBe(202);
    const ep = await settled(s, res.body.id);
    expect(ep.status, JSON.stringify(ep.error)).toBe('ready');
    expect(ep.durationSec).toBeGreaterThanOrEqual(1);
  });

  it('reads the signs a bulletin may hold (<, &, quotes) as text, to the end, though the engine reads SSML', async () => {
    const tail = 'bà con không đi qua ngầm tràn hay suối khi nước chảy xiết và không vớt củi hay đánh bắt cá trên sông suối.';
    const seconds = async (text: string) => {
      const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins/preview', { text });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers.get('x-preview-truncated')).toBe('false');
      return Number(res.headers.get('x-preview-seconds'));
    };
    // "A<B" is no tag to the markup check; read as SSML unescaped, it would open one and swallow the clause after it.
    const marked = await seconds(`Mực nước "báo động 2" & 'đang lên' tại trạm A<B ${tail}`);
    const alone = await seconds(tail);
    expect(marked).toBeGreaterThan(alone + 2);
  });

  describe('refusals name the field in Vietnamese and store nothing', () => {
    const cases: [string, Record<string, unknown>, { code: string; message: string | RegExp; field: string }][] = [
      ['empty text', { title: 'x', text: '' }, { code: 'TEXT_EMPTY', message: '«Nội dung bản tin» không được để trống.', field: 'text' }],
      ['blank text', { title: 'x', text: ' \n\t ' }, { code: 'TEXT_EMPTY', message: '«Nội dung bản tin» không được để trống.', field: 'text' }],
      [
        'text over 5,000 characters',
        { title: 'x', text: bulletinOfLength(5001) },
        { code: 'TEXT_TOO_LONG', message: '«Nội dung bản tin» dài 5.001 ký tự, vượt quá giới hạn 5.000 ký tự.', field: 'text' },
      ],
      ['no speakable characters', { title: 'x', text: '... !!! — ???' }, { code: 'TEXT_NOT_SPEAKABLE', message: '«Nội dung bản tin» không có chữ hoặc số nào để đọc.', field: 'text' }],
      ['HTML markup', { title: 'x', text: '<p>UBND xã <b>thông báo</b></p>' }, { code: 'TEXT_MARKUP', message: /^«Nội dung bản tin» có mã định dạng HTML \(<p>\)/, field: 'text' }],
      ['an HTML entity', { title: 'x', text: 'Mưa&nbsp;lớn' }, { code: 'TEXT_MARKUP', message: /có mã định dạng HTML \(&nbsp;\)/, field: 'text' }],
      ['text missing', { title: 'x' }, { code: 'VALIDATION_FAILED', message: '«Nội dung bản tin» là bắt buộc', field: 'text' }],
      ['title missing', { text: 'Mưa lớn.' }, { code: 'VALIDATION_FAILED', message: '«Tiêu đề» là bắt buộc', field: 'title' }],
      ['another language', { title: 'x', text: 'Hello.', language: 'en' }, { code: 'VALIDATION_FAILED', message: '«Ngôn ngữ» phải là "vi"', field: 'language' }],
      ['rate too fast', { title: 'x', text: 'Mưa lớn.', rate: 900 }, { code: 'VALIDATION_FAILED', message: '«Tốc độ đọc (từ mỗi phút)» không được lớn hơn 300', field: 'rate' }],
      ['rate not a number', { title: 'x', text: 'Mưa lớn.', rate: 'nhanh' }, { code: 'VALIDATION_FAILED', message: /^«Tốc độ đọc \(từ mỗi phút\)» phải là một số/, field: 'rate' }],
      ['urgent not a boolean', { title: 'x', text: 'Mưa lớn.', urgent: 'yes' }, { code: 'VALIDATION_FAILED', message: '«Khẩn cấp» phải là "true" hoặc "false"', field: 'urgent' }],
    ];
    it.each(cases)('%s → 422', async (_name, body, expected) => {
      const [rows, objects] = [await rowCount(s), await objectCount(s)];
      const res = await call(tokens.editor!, 'POST', '/api/v1/bulletins', body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe(expected.code);
      if (typeof expected.message === 'string') expect(res.body.error.message).toBe(expected.message);
      else expect(res.body.error.message).toMatch(expected.message);
      expect(res.body.error.messageEn).toMatch(new RegExp(`^${expected.field}`));
      expect(res.body.error.details[0].field).toBe(expected.field);
      expect(await rowCount(s)).toBe(rows);
      expect(await objectCount(s)).toBe(objects);
    });

    it('a body that is not JSON → 422 naming the body', async () => {
      const res = await fetch(`${s.rt.url}/api/v1/bulletins`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' }, body: 'Mưa lớn' });
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).error.message).toBe('Nội dung gửi lên phải là một đối tượng JSON');
    });
  });

  it('lets the people who may upload make bulletins: an operator\'s is its own commune\'s, seen by no other commune', async () => {
    const text = BULLETIN_SENTENCES[0];
    expect((await call(null, 'POST', '/api/v1/bulletins', { title: 'x', text })).status).toBe(401);
    const forbidden = await call(tokens.viewer!, 'POST', '/api/v1/bulletins', { title: 'x', text });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe('Bạn không có quyền thực hiện thao tác này');
    expect((await call(stationA.token, 'POST', '/api/v1/bulletins', { title: 'x', text })).status).toBe(403);
    expect((await call(tokens.viewer!, 'POST', '/api/v1/bulletins/preview', { text })).status).toBe(403);
    expect((await call(stationA.token, 'POST', '/api/v1/bulletins/preview', { text })).status).toBe(403);

    const own = await call(tokens.operatorA!, 'POST', '/api/v1/bulletins', { title: 'Thông báo của xã Bản Hồ', text });
    expect(own.status).toBe(202);
    expect(own.body.stationId).toBe(stationA.id);
    const ep = await settled(s, own.body.id);
    expect(ep.status).toBe('ready');
    // The commune sees its own bulletin and can fetch its file; another commune cannot.
    expect((await call(tokens.operatorA!, 'GET', `/api/v1/episodes/${ep.id}`)).body.text).toBe(text);
    expect((await call(tokens.operatorA!, 'GET', '/api/v1/episodes')).body.items.map((e: { id: string }) => e.id)).toContain(ep.id);
    expect((await call(tokens.operatorB!, 'GET', `/api/v1/episodes/${ep.id}`)).status).toBe(404);
    expect((await call(tokens.operatorB!, 'GET', '/api/v1/episodes')).body.items.map((e: { id: string }) => e.id)).not.toContain(ep.id);
    expect((await fetch(`${s.rt.url}/api/v1/episodes/${ep.id}/renditions/mp3`, { headers: { authorization: `Bearer ${tokens.operatorB}` }, redirect: 'manual' })).status).toBe(404);
    // An editor's bulletin is the producer's (no station).
    const producer = await call(tokens.editor!, 'POST', '/api/v1/bulletins', { title: 'Của huyện', text });
    expect(producer.body.stationId).toBeNull();
    // Settled, so its renditions do not land in storage while the next test counts objects.
    expect((await settled(s, producer.body.id)).status).toBe('ready');
  });

  it('previews the first 20 s as MP3 and stores nothing', async () => {
    const [rows, objects] = [await rowCount(s), await objectCount(s)];
    const dir = tempDir();
    try {
      const long = await fetch(`${s.rt.url}/api/v1/bulletins/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.operatorA}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: bulletinOfLength(3000) }),
      });
      expect(long.status).toBe(200);
      expect(long.headers.get('content-type')).toBe('audio/mpeg');
      expect(long.headers.get('cache-control')).toBe('no-store');
      expect(long.headers.get('x-preview-truncated')).toBe('true');
      expect(Number(long.headers.get('x-preview-seconds'))).toBe(20);
      const mp3 = Buffer.from(await long.arrayBuffer());
      expect(mp3.length).toBe(Number(long.headers.get('content-length')));
      fs.writeFileSync(path.join(dir, 'long.mp3'), mp3);
      const facts = await inspectAudio(path.join(dir, 'long.mp3'));
      expect(facts.codec).toBe('mp3');
      expect(facts.channels).toBe(1);
      expect(Math.abs(facts.decodedSec - 20)).toBeLessThan(0.2);
      // Near the programme loudness, so what is heard in the page is what the loudspeakers will give.
      expect(Math.abs(facts.integratedLufs - -16)).toBeLessThan(2.5);

      const short = await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins/preview', { text: BULLETIN_SENTENCES[0], rate: 180 });
      expect(short.status).toBe(200);
      expect(short.headers.get('x-preview-truncated')).toBe('false');
      expect(Number(short.headers.get('x-preview-seconds'))).toBeLessThan(10);

      const refused = await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins/preview', { text: '<b>x</b>' });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('TEXT_MARKUP');
      expect((await call(ADMIN_TOKEN, 'POST', '/api/v1/bulletins/preview', { text: 'Mưa.', rate: 10 })).body.error.details[0].field).toBe('rate');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await rowCount(s)).toBe(rows);
    expect(await objectCount(s)).toBe(objects);
    // Nothing left in the service's temp dir either.
    const leftovers = fs.existsSync(s.rt.config.tmpDir) ? fs.readdirSync(s.rt.config.tmpDir).filter((f) => f.startsWith('loaxa-preview-')) : [];
    expect(leftovers).toEqual([]);
  });
});

describe('text bulletins on the WebAssembly engine (no system package) and when synthesis fails', () => {
  let wasm: Stack;
  let broken: Stack;

  beforeAll(async () => {
    wasm = await startStack({ TTS_ENGINE: 'wasm' }, false);
    // A speech "engine" that always exits 1: what a broken package or a missing voice looks like.
    broken = await startStack({ TTS_ENGINE: 'espeak-ng', TTS_ESPEAK_PATH: '/bin/false' }, false);
  });
  afterAll(async () => {
    await stopStack(wasm);
    await stopStack(broken);
  });

  it('becomes a ready episode on the embedded WebAssembly eSpeak NG', async () => {
    const text = BULLETIN_SENTENCES.slice(0, 2).join(' ');
    const res = await api(wasm.rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/bulletins', { title: 'Thông báo', text });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const ep = await settled(wasm, res.body.id);
    expect(ep.status, JSON.stringify(ep.error)).toBe('ready');
    await expectRenditionsMeetSpec(wasm.rt.url!, ADMIN_TOKEN, ep, (await storedOriginal(wasm, ep.id)).sec);
  });

  it('answers 503 with a Vietnamese message and leaves no object and no row', async () => {
    for (const url of ['/api/v1/bulletins', '/api/v1/bulletins/preview']) {
      const res = await api(broken.rt.url!, ADMIN_TOKEN, 'POST', url, { title: 'Thông báo', text: BULLETIN_SENTENCES[0] });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('TTS_FAILED');
      expect(res.body.error.message).toBe('Không tạo được giọng đọc, bản tin chưa được lưu. Vui lòng thử lại.');
    }
    expect(await rowCount(broken)).toBe(0);
    expect(await objectCount(broken)).toBe(0);
  });
});
