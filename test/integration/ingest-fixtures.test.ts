import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/storage/s3-client.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor, type Backend } from '../helpers/env.js';
import { expectRenditionsMeetSpec } from '../helpers/rendition-spec.js';

const ACCEPTED = ['speech-stereo-44k.wav', 'speech-128k.mp3', 'speech-phone.m4a', 'speech.ogg', 'speech-quiet-16k-mono.wav'];
// Refused by the worker: stored, then failed with the rule's code.
const REJECTED_BY_WORKER: Record<string, string[]> = {
  'silence-10s.wav': ['SILENT'],
  'truncated.mp3': ['TRUNCATED'],
  'lying-header.wav': ['TOO_SHORT', 'TRUNCATED'],
};
// Refused at the door: nothing stored.
const REJECTED_AT_UPLOAD: Record<string, { status: number; code: string }> = {
  'not-audio.mp3': { status: 415, code: 'NOT_AUDIO' },
  'image-renamed.wav': { status: 415, code: 'NOT_AUDIO' },
  'empty.wav': { status: 422, code: 'EMPTY' },
};

describe.each<Backend>(['pglite', 'postgres'])('ingest of every fixture (%s)', (backend) => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: (() => Promise<void>) | undefined;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    s3 = await startTestS3();
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const db = await createPgDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl }));
    for (const f of [...ACCEPTED, ...Object.keys(REJECTED_BY_WORKER)]) {
      const res = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, f), { title: `Bản tin ${f}`, series: 'Chuyển đổi số' });
      expect(res.status, `${f}: ${JSON.stringify(res.body)}`).toBe(202);
      expect(res.body.status).toBe('processing');
      ids.set(f, res.body.id);
    }
  });

  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
    await dropDb?.();
  });

  const settled = (id: string) =>
    waitFor(
      async () => {
        const r = await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`);
        return r.body.status !== 'processing' ? r.body : undefined;
      },
      { timeoutMs: 90_000, what: `episode ${id} to settle` },
    );

  it.each(ACCEPTED)('%s becomes ready with mp3 and opus renditions that meet the spec', async (f) => {
    const ep = await settled(ids.get(f)!);
    expect(ep.status, JSON.stringify(ep.error)).toBe('ready');
    expect(ep.progress).toBe(100);
    expect(ep.durationSec).toBeGreaterThan(20.8);
    expect(ep.durationSec).toBeLessThan(21.8);
    const original = fs.readFileSync(path.join(FIXTURES, f));
    expect(ep.original.sha256).toBe(crypto.createHash('sha256').update(original).digest('hex'));
    expect(ep.original.sizeBytes).toBe(original.length);
    await expectRenditionsMeetSpec(rt.url!, ADMIN_TOKEN, ep, 21.3);
    // An mp3 players recognise from its first bytes: an ID3 tag or an MPEG-1 Layer III frame header.
    const mp3 = ep.renditions.find((r: { name: string }) => r.name === 'mp3');
    const head = Buffer.from(await (await fetch(`${rt.url}${mp3.url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, range: 'bytes=0-2' } })).arrayBuffer());
    expect(head.subarray(0, 3).toString('latin1') === 'ID3' || (head[0] === 0xff && (head[1]! & 0xfe) === 0xfa)).toBe(true);
  });

  it.each(Object.entries(REJECTED_BY_WORKER))('%s is rejected with its rule, original kept, nothing else written', async (f, codes) => {
    const id = ids.get(f)!;
    const ep = await settled(id);
    expect(ep.status).toBe('failed');
    expect(codes).toContain(ep.error.code);
    expect(ep.error.message.length).toBeGreaterThan(10);
    expect(ep.error.messageEn.length).toBeGreaterThan(10);
    expect(ep.renditions).toEqual([]);
    expect(await rt.store.head(`originals/${id}`)).not.toBeNull();
    const client = createS3Client(rt.config.s3, s3.endpoint);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `renditions/${id}/` }));
    expect(listed.KeyCount ?? 0).toBe(0);
    client.destroy();
  });

  it.each(Object.entries(REJECTED_AT_UPLOAD))('%s is refused at upload and nothing is stored', async (f, expected) => {
    const before = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes?limit=200');
    const res = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, f));
    expect(res.status).toBe(expected.status);
    expect(res.body.error.code).toBe(expected.code);
    expect(res.body.error.message).toBeTruthy();
    const after = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes?limit=200');
    expect(after.body.total).toBe(before.body.total);
    const client = createS3Client(rt.config.s3, s3.endpoint);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'originals/' }));
    expect(listed.KeyCount).toBe(before.body.total);
    client.destroy();
  });

  it('hands out renditions through a short-lived presigned link that serves Range (206) and 416', async () => {
    const ep = await settled(ids.get('speech-128k.mp3')!);
    const mp3 = ep.renditions.find((r: { name: string }) => r.name === 'mp3');
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    // External storage checks signatures itself: the API only authorises and redirects.
    const redirect = await fetch(rt.url + mp3.url, { headers: auth, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const link = new URL(redirect.headers.get('location')!);
    expect(link.origin).toBe(s3.endpoint);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const whole = Buffer.from(await (await fetch(rt.url + mp3.url, { headers: auth })).arrayBuffer());
    expect(crypto.createHash('sha256').update(whole).digest('hex')).toBe(mp3.sha256);
    const part = await fetch(rt.url + mp3.url, { headers: { ...auth, range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${mp3.sizeBytes}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(1000, 2000))).toBe(true);
    const outside = await fetch(rt.url + mp3.url, { headers: { ...auth, range: `bytes=${mp3.sizeBytes + 10}-` } });
    expect(outside.status).toBe(416);
    await outside.arrayBuffer();
    expect((await fetch(rt.url + mp3.url, { redirect: 'manual' })).status).toBe(401);
  });

  it('lists with paging and a status filter', async () => {
    for (const id of ids.values()) await settled(id);
    const failed = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes?status=failed');
    expect(failed.body.total).toBe(Object.keys(REJECTED_BY_WORKER).length);
    expect(failed.body.items.every((e: { status: string }) => e.status === 'failed')).toBe(true);
    const page = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes?limit=2&offset=2');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBe(ids.size);
    const bad = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes?status=done');
    expect(bad.status).toBe(422);
  });
});
