import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api } from '../helpers/api.js';
import { launchChromium, openPage, pageOverflowsX, signInWithToken, type WatchedPage } from '../helpers/browser.js';
import { bulletinOfLength, BULLETIN_SENTENCES } from '../helpers/bulletin-text.js';
import { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } from '../helpers/env.js';

const SHOT = '/tmp/loaxa-compose-phone.png';

/**
 * "Soạn bản tin" in a real browser (Debian's Chromium) against the real service: write, count, preview (the page's
 * <audio> really plays the MP3 the API made), save, follow it to ready, and send it to "Phát ngay".
 */
describe('compose a bulletin in the dashboard', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  let station: { id: string; code: string; name: string };
  const pages: WatchedPage[] = [];
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);

  async function newPage(width: number, height: number, isMobile = false): Promise<Page> {
    const w = await openPage(browser, { width, height, baseURL: rt.url!, isMobile });
    pages.push(w);
    return w.page;
  }

  beforeAll(async () => {
    [s3, browser] = await Promise.all([startTestS3(), launchChromium()]);
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    station = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '05001', name: 'Đài xã Nậm Cang', grid: [] })).body;
  });

  // No page may hit an uncaught error or a console error (a blocked blob: audio would be a CSP violation).
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

  it('writes, counts, previews (the audio plays), saves, follows it to ready and sends it to "Phát ngay"', async () => {
    const page = await newPage(1280, 900);
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Soạn bản tin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Soạn bản tin' }).waitFor();
    expect(await page.title()).toBe('Soạn bản tin — Loa xã');
    const form = page.locator('form.compose-form');
    const count = page.locator('[data-testid="bt-count"]');
    expect(await count.textContent()).toBe('0 / 5.000 ký tự');

    // Over the limit: the counter says by how much, and nothing is sent.
    await form.getByLabel('Nội dung bản tin').fill(bulletinOfLength(5002));
    await expect.poll(() => count.textContent()).toBe('5.002 / 5.000 ký tự — vượt quá 2 ký tự');
    expect(await count.getAttribute('data-over')).toBe('true');
    await form.getByLabel('Tiêu đề').fill('Thông báo khẩn mưa lũ');
    await form.getByRole('button', { name: 'Lưu bản tin' }).click();
    await form.getByText('Nội dung dài hơn 5.000 ký tự, hãy rút gọn.').waitFor();

    // Markup: the API's own Vietnamese refusal, naming the field.
    await form.getByLabel('Nội dung bản tin').fill('<b>UBND xã</b> thông báo');
    await form.getByRole('button', { name: 'Lưu bản tin' }).click();
    await form.getByText(/^Chưa lưu được bản tin: «Nội dung bản tin» có mã định dạng HTML \(<b>\)/).waitFor();
    expect((await call(ADMIN_TOKEN, 'GET', '/api/v1/episodes')).body.total).toBe(0);

    const text = BULLETIN_SENTENCES.slice(0, 4).join(' ');
    await form.getByLabel('Nội dung bản tin').fill(text);
    await expect.poll(() => count.textContent()).toBe(`${new Intl.NumberFormat('vi-VN').format([...text].length)} / 5.000 ký tự`);
    await form.getByLabel('Tốc độ đọc').selectOption({ label: 'Chậm' });

    // Preview: the first 20 s arrive as MP3 and play in the page.
    await form.getByRole('button', { name: 'Nghe thử' }).click();
    const audio = page.locator('[data-testid="bt-audio"]');
    await audio.waitFor({ state: 'visible', timeout: 60_000 });
    await form.getByText('Đang nghe thử 20 giây đầu của bản tin.').waitFor();
    // Playing for real: the MP3 decoded to its 20 s and time is moving (runs in the page, hence a string).
    const state = () =>
      page.evaluate(`(() => { const a = document.querySelector('[data-testid="bt-audio"]'); return { duration: a.duration, paused: a.paused, playing: a.currentTime > 0.2 }; })()`) as Promise<{ duration: number; paused: boolean; playing: boolean }>;
    await expect.poll(state, { timeout: 30_000 }).toMatchObject({ paused: false, playing: true });
    expect(Math.abs((await state()).duration - 20)).toBeLessThan(0.5);
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    // Previewing stored nothing.
    expect((await call(ADMIN_TOKEN, 'GET', '/api/v1/episodes')).body.total).toBe(0);

    // Save: a tts episode with the text, followed on the page until ready.
    await form.getByLabel('Bản tin khẩn (xử lý trước mọi chương trình khác)').check();
    await form.getByRole('button', { name: 'Lưu bản tin' }).click();
    await page.getByText('Đã lưu bản tin «Thông báo khẩn mưa lũ».').waitFor({ timeout: 60_000 });
    const saved = page.locator('section[data-episode-id]');
    const episodeId = (await saved.getAttribute('data-episode-id'))!;
    const ep = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body;
    expect(ep).toMatchObject({ title: 'Thông báo khẩn mưa lũ', source: 'tts', text, speechRate: 120, urgent: true });
    // The form is ready for the next one; the preview is gone with it.
    expect(await form.getByLabel('Nội dung bản tin').inputValue()).toBe('');
    expect(await audio.isHidden()).toBe(true);
    await saved.locator('[data-testid="bt-status"] [data-status="ready"]').waitFor({ timeout: 90_000 });
    expect(await saved.locator('[data-testid="bt-status"]').textContent()).toContain('Bản tin đã sẵn sàng để phát.');

    // An admin sends it straight to "Phát ngay": the programme is chosen already.
    await saved.getByRole('link', { name: 'Phát ngay bản tin này' }).click();
    const pn = page.locator('form.play-now-form');
    await pn.waitFor();
    expect(await pn.getByLabel('Chương trình').inputValue()).toBe(episodeId);
    await pn.getByLabel('Tất cả các đài (1 đài)').check();
    page.once('dialog', (d) => void d.accept());
    await pn.getByRole('button', { name: 'Phát ngay' }).click();
    await pn.getByText('Đã phát ngay «Thông báo khẩn mưa lũ» tới 1 đài.').waitFor();
    const sent = (await call(ADMIN_TOKEN, 'GET', '/api/v1/play-now')).body.items;
    expect(sent[0]).toMatchObject({ episodeId, status: 'playing' });
    await call(ADMIN_TOKEN, 'POST', `/api/v1/play-now/${sent[0].id}/stop`);
  });

  it('on a phone, for an operator: its own programme, no "Phát ngay"; a viewer is refused', async () => {
    const operator = (await createUserWithToken(rt.db, { name: 'Cán bộ Nậm Cang', role: 'operator', stationId: station.id })).token;
    const page = await newPage(375, 740, true);
    await signInWithToken(page, operator);
    await page.goto('/#/bulletins/new');
    await page.getByText('Bản tin bạn lưu được tính là Chương trình tự sản xuất của xã.').waitFor();
    const form = page.locator('form.compose-form');
    await form.getByLabel('Tiêu đề').fill('Lịch tiêm phòng');
    await form.getByLabel('Nội dung bản tin').fill(BULLETIN_SENTENCES[5]);
    await form.getByRole('button', { name: 'Lưu bản tin' }).click();
    const saved = page.locator('section[data-episode-id]');
    await saved.locator('[data-testid="bt-status"] [data-status="ready"]').waitFor({ timeout: 90_000 });
    expect(await saved.getByRole('link', { name: 'Phát ngay bản tin này' }).count()).toBe(0);
    const ep = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${await saved.getAttribute('data-episode-id')}`)).body;
    expect(ep).toMatchObject({ stationId: station.id, source: 'tts', urgent: false });
    const o = await pageOverflowsX(page);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });
    await page.screenshot({ path: SHOT, fullPage: true });

    const viewer = (await createUserWithToken(rt.db, { name: 'UBND huyện', role: 'viewer' })).token;
    const v = await newPage(1280, 900);
    await signInWithToken(v, viewer);
    await v.goto('/#/episodes');
    await v.getByRole('heading', { level: 1, name: 'Chương trình' }).waitFor();
    expect(await v.getByRole('link', { name: 'Soạn bản tin' }).count()).toBe(0);
    await v.goto('/#/bulletins/new');
    await v.locator('[data-error="forbidden"]').waitFor();
  });
});
