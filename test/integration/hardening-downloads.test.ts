import crypto from 'node:crypto';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { launchChromium, openPage, signInWithToken, type WatchedPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';

const TITLE = 'Chương trình Chuyển đổi số — Đài xã Tả Van';
const FILE = `${TITLE}.mp3`;
const ASCII = 'Chuong trinh Chuyen doi so _ Dai xa Ta Van.mp3';

/** The name a Content-Disposition header gives: filename* (RFC 8187, UTF-8) and the ASCII filename. */
function namesIn(header: string | null): { utf8?: string; ascii?: string; type?: string } {
  const h = header ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(h)?.[1];
  return { type: h.split(';')[0]?.trim(), utf8: utf8 ? decodeURIComponent(utf8) : undefined, ascii: /filename="([^"]*)"/.exec(h)?.[1] };
}

const sha256 = (b: ArrayBuffer) => crypto.createHash('sha256').update(Buffer.from(b)).digest('hex');

async function readyEpisode(rt: Runtime): Promise<{ id: string; mp3: { sha256: string; sizeBytes: number; durationSec: number } }> {
  const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: TITLE });
  expect(up.status).toBe(202);
  const e = await waitFor(
    async () => {
      const body = (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${up.body.id}`)).body;
      return body.status === 'ready' ? body : undefined;
    },
    { timeoutMs: 90_000, what: 'episode ready' },
  );
  return { id: e.id, mp3: e.renditions.find((r: { name: string }) => r.name === 'mp3') };
}

describe('downloads and listening in the browser', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  // presigned: external S3 (the test server), links presigned for the host browsers use (S3_PUBLIC_ENDPOINT).
  // embedded: the default setup, where the storage does not check links and the service signs its own.
  let presigned: Runtime;
  let embedded: Runtime;
  let publicS3: string;
  let episodeP: Awaited<ReturnType<typeof readyEpisode>>;
  let episodeE: Awaited<ReturnType<typeof readyEpisode>>;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    [s3, browser] = await Promise.all([startTestS3(), launchChromium()]);
    // The same server under another name, as MinIO is "minio:9000" to the service and "localhost:9000" to browsers.
    publicS3 = `http://localhost:${new URL(s3.endpoint).port}`;
    [presigned, embedded] = await Promise.all([
      startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { S3_PUBLIC_ENDPOINT: publicS3, PUSH_CRON: '0 0 1 1 *' } })),
      startRuntime(testConfig({ s3Endpoint: '', bucket: 'loa-xa', env: { PUSH_CRON: '0 0 1 1 *' } })),
    ]);
    expect(presigned.store.signsLinks).toBe(true);
    expect(embedded.store.signsLinks).toBe(false);
    [episodeP, episodeE] = await Promise.all([readyEpisode(presigned), readyEpisode(embedded)]);
  }, 180_000);

  afterEach(async () => {
    const open = pages.splice(0);
    for (const w of open) await w.context.close().catch(() => undefined);
    // No CSP violation, no page error, no failed request.
    expect(open.flatMap((w) => w.problems)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    for (const rt of [presigned, embedded]) {
      await rt?.close();
      if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    }
    await s3?.close();
  });

  async function newPage(rt: Runtime) {
    const w = await openPage(browser, { width: 1280, height: 900, baseURL: rt.url! });
    pages.push(w);
    return w.page;
  }

  describe('with external S3 and presigned links', () => {
    it('redirects an API download to a link on the public endpoint, named by the title (RFC 6266)', async () => {
      const res = await fetch(`${presigned.url}/api/v1/episodes/${episodeP.id}/renditions/mp3`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = res.headers.get('location')!;
      expect(new URL(location).origin).toBe(publicS3);
      expect(new URL(location).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      const file = await fetch(location);
      expect(file.status).toBe(200);
      expect(namesIn(file.headers.get('content-disposition'))).toEqual({ type: 'attachment', utf8: FILE, ascii: ASCII });
      expect(sha256(await file.arrayBuffer())).toBe(episodeP.mp3.sha256);
    });

    it('gives the dashboard a download link and a listening link, each answered as asked', async () => {
      const download = await api(presigned.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeP.id}/renditions/mp3/link?use=download`);
      expect(download.status).toBe(200);
      expect(download.headers.get('cache-control')).toBe('no-store');
      expect(new URL(download.body.url).origin).toBe(publicS3);
      expect(Date.parse(download.body.expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
      const saved = await fetch(download.body.url);
      expect(namesIn(saved.headers.get('content-disposition'))).toEqual({ type: 'attachment', utf8: FILE, ascii: ASCII });

      const listen = await api(presigned.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeP.id}/renditions/mp3/link?use=listen`);
      expect(listen.status).toBe(200);
      // Long enough for a player's range requests to the end of the programme.
      expect(Date.parse(listen.body.expiresAt) - Date.now()).toBeGreaterThan(3600_000);
      const played = await fetch(listen.body.url, { headers: { range: 'bytes=0-1023' } });
      expect(played.status).toBe(206);
      expect(namesIn(played.headers.get('content-disposition')).type).toBe('inline');

      const bad = await api(presigned.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeP.id}/renditions/mp3/link?use=steal`);
      expect(bad.status).toBe(422);
      const nobody = await api(presigned.url!, null, 'GET', `/api/v1/episodes/${episodeP.id}/renditions/mp3/link`);
      expect(nobody.status).toBe(401);
    });

    it('downloads from the dashboard under its CSP, the file named by the title', async () => {
      const page = await newPage(presigned);
      await signInWithToken(page, ADMIN_TOKEN);
      await page.goto('/#/episodes');
      const row = page.locator(`tr[data-episode-id="${episodeP.id}"]`);
      const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Tải xuống MP3' }).click()]);
      expect(download.url().startsWith(`${publicS3}/`)).toBe(true);
      expect(download.suggestedFilename()).toBe(FILE);
      const saved = await download.path();
      const { createReadStream } = await import('node:fs');
      const hash = crypto.createHash('sha256');
      for await (const chunk of createReadStream(saved)) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(episodeP.mp3.sha256);
    });

    it('plays the programme on its page from the storage, which the CSP allows as media', async () => {
      const page = await newPage(presigned);
      await signInWithToken(page, ADMIN_TOKEN);
      await page.getByRole('link', { name: TITLE }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe(TITLE);
      const audio = await waitFor(async () => {
        const a = (await page.evaluate(`(() => { const a = document.querySelector('audio[data-testid="episode-audio"]'); return a && { readyState: a.readyState, duration: a.duration, src: a.currentSrc, error: a.error && a.error.code }; })()`)) as {
          readyState: number;
          duration: number;
          src: string;
          error: number | null;
        } | null;
        return a && (a.readyState >= 1 || a.error) ? a : undefined;
      }, { timeoutMs: 20_000, what: 'the player to load the metadata' });
      expect(audio.error).toBeNull();
      expect(audio.readyState).toBeGreaterThanOrEqual(1);
      expect(new URL(audio.src).origin).toBe(publicS3);
      expect(Math.abs(audio.duration - episodeP.mp3.durationSec)).toBeLessThan(1);
      // And on to planning it, with the programme chosen.
      await page.getByRole('link', { name: 'Lên kế hoạch phát' }).click();
      await expect.poll(() => page.locator('select[name="episodeId"]').inputValue()).toBe(episodeP.id);
    });
  });

  describe('with the embedded storage (the service signs its own links)', () => {
    it('serves a signed link without a token, named by the title, with ranges; a tampered or re-purposed link is refused', async () => {
      const link = await api(embedded.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeE.id}/renditions/mp3/link?use=download`);
      expect(link.status).toBe(200);
      const url = new URL(link.body.url);
      expect(url.origin).toBe(new URL(embedded.url!).origin);
      expect(url.pathname).toBe(`/api/v1/episode-media/${episodeE.id}.mp3`);
      const file = await fetch(url);
      expect(file.status).toBe(200);
      expect(namesIn(file.headers.get('content-disposition'))).toEqual({ type: 'attachment', utf8: FILE, ascii: ASCII });
      expect(sha256(await file.arrayBuffer())).toBe(episodeE.mp3.sha256);
      const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect((await part.arrayBuffer()).byteLength).toBe(100);

      const tampered = new URL(url);
      tampered.searchParams.set('sig', `${url.searchParams.get('sig')!.slice(0, -2)}AA`);
      expect((await fetch(tampered)).status).toBe(403);
      const longer = new URL(url);
      longer.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 86_400));
      expect((await fetch(longer)).status).toBe(403);
      // A download link does not become a listening one (and the other way round).
      const inline = new URL(url);
      inline.searchParams.set('dl', '0');
      expect((await fetch(inline)).status).toBe(403);
      const other = new URL(url);
      other.pathname = `/api/v1/episode-media/${crypto.randomUUID()}.mp3`;
      expect((await fetch(other)).status).toBe(403);
      const garbage = await fetch(`${embedded.url}/api/v1/episode-media/x.mp3?dl=1&exp=abc&sig=1`);
      expect(garbage.status).toBe(422);
    });

    it('names a bearer download by the title too', async () => {
      const res = await fetch(`${embedded.url}/api/v1/episodes/${episodeE.id}/renditions/mp3`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(namesIn(res.headers.get('content-disposition'))).toEqual({ type: 'attachment', utf8: FILE, ascii: ASCII });
      await res.arrayBuffer();
    });

    it('downloads and plays from the dashboard', async () => {
      const page = await newPage(embedded);
      await signInWithToken(page, ADMIN_TOKEN);
      await page.goto(`/#/episodes/${episodeE.id}`);
      await expect.poll(() => page.locator('main h1').textContent()).toBe(TITLE);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải xuống MP3' }).click()]);
      expect(download.suggestedFilename()).toBe(FILE);
      const readyState = await waitFor(async () => {
        const r = (await page.evaluate(`document.querySelector('audio[data-testid="episode-audio"]')?.readyState ?? -1`)) as number;
        return r >= 1 ? r : undefined;
      }, { timeoutMs: 20_000, what: 'the player to load the metadata' });
      expect(readyState).toBeGreaterThanOrEqual(1);
      const src = (await page.evaluate(`document.querySelector('audio[data-testid="episode-audio"]').currentSrc`)) as string;
      expect(new URL(src).pathname).toBe(`/api/v1/episode-media/${episodeE.id}.mp3`);
    });
  });
});
