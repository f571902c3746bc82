import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api } from '../helpers/api.js';
import { launchChromium, openPage, signInWithToken, type WatchedPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { TUS_PATH } from '../helpers/tus-client.js';

const SPEECH = path.join(FIXTURES, 'speech-stereo-44k.wav');

/**
 * The dashboard's upload form over tus in a real browser: an upload on a slow uplink, the page reloaded half-way,
 * the same file picked again, and the upload continues where the server stopped (the same upload, not a new one),
 * then becomes a ready programme in the list.
 */
describe('dashboard: resumable upload in a browser', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  let editor: string;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    [s3, browser] = await Promise.all([startTestS3(), launchChromium()]);
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    editor = (await createUserWithToken(rt.db, { name: 'Biên tập viên huyện', role: 'editor' })).token;
  });
  afterEach(async () => {
    const open = pages.splice(0);
    for (const w of open) await w.context.close().catch(() => undefined);
    expect(open.flatMap((w) => w.problems)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('continues an upload after the page is reloaded half-way, and the programme appears', async () => {
    const w = await openPage(browser, { width: 1280, height: 900, baseURL: rt.url! });
    pages.push(w);
    const { page } = w;
    await signInWithToken(page, editor);
    await page.getByRole('link', { name: 'Chương trình' }).click();
    const title = 'Bản tin xã Nậm Cang — tải lên qua 3G';
    const fillForm = async () => {
      const form = page.locator('form.upload-form');
      await form.getByLabel('Tên chương trình').fill(title);
      await form.getByLabel('Chuyên mục').fill('Thời sự');
      await form.getByLabel('Tệp âm thanh').setInputFiles(SPEECH);
      return form;
    };

    // A slow uplink, so the reload lands in the middle of the upload.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 192 * 1024 });
    let form = await fillForm();
    await form.getByRole('button', { name: 'Tải lên' }).click();
    const bar = () => page.locator('form.upload-form .upload-progress progress').evaluate((el) => (el as unknown as { value: number }).value);
    await expect.poll(bar, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(15);

    // tus-js-client remembers the upload (its URL, whose last segment is the episode id) in the page's storage.
    const stored = (await page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('tus::')).map((k) => JSON.parse(localStorage.getItem(k)).uploadUrl)`)) as string[];
    expect(stored).toHaveLength(1);
    const uploadPath = new URL(stored[0]!).pathname;
    expect(uploadPath.startsWith(`${TUS_PATH}/`)).toBe(true);
    const episodeId = uploadPath.split('/').pop()!;

    await page.reload();
    // What arrived before the reload is kept by the server.
    const keptBytes = await waitFor(
      async () => {
        const r = await fetch(`${rt.url}${uploadPath}`, { method: 'HEAD', headers: { authorization: `Bearer ${editor}`, 'tus-resumable': '1.0.0' } });
        const offset = Number(r.headers.get('upload-offset'));
        return r.status === 200 && offset > 0 ? offset : undefined;
      },
      { what: 'the bytes sent before the reload stored' },
    );
    expect(keptBytes).toBeLessThan(fs.statSync(SPEECH).size);

    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByRole('link', { name: 'Chương trình' }).click();
    form = await fillForm();
    await form.getByRole('button', { name: 'Tải lên' }).click();
    await form.getByText('Tiếp tục lượt tải lên trước: chỉ gửi phần máy chủ chưa nhận.').waitFor();
    await page.screenshot({ path: '/tmp/loaxa-tus-resumed.png' });
    await form.getByText(`Đã tải lên «${title}»`).waitFor({ timeout: 30_000 });
    expect(await form.locator('.upload-progress .progress-text').textContent()).toBe('Đã gửi xong tệp: 100%');

    // The same upload finished (its id is the episode's), and it becomes ready in the list.
    const row = page.locator('table.episodes tbody tr', { hasText: title });
    await row.waitFor();
    expect(await row.getAttribute('data-episode-id')).toBe(episodeId);
    await row.locator('[data-status="ready"]').waitFor({ timeout: 90_000 });
    const ep = (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body;
    expect(ep.status).toBe('ready');
    expect(ep.series).toBe('Thời sự');
    expect((await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes')).body.total).toBe(1);
    // Finished uploads are forgotten by the page.
    expect(await page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('tus::')).length`)).toBe(0);
  }, 150_000);
});
