import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api } from '../helpers/api.js';
import { launchChromium, openPage, pageOverflowsX, signInWithToken, type WatchedPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } from '../helpers/env.js';

/** The audit log page in Chromium: entries newest first, a family filter, the CSV download, no markup from names. */
describe('audit log in the dashboard', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  let w: WatchedPage;

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    browser = await launchChromium();
    const province = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/areas', { name: 'Tỉnh <b>Lào Cai</b>', code: '10' });
    await api(rt.url!, ADMIN_TOKEN, 'PATCH', `/api/v1/areas/${province.body.id}`, { name: 'Tỉnh Lào Cai' });
    await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02833', name: 'Đài xã Hợp Đồng', timezone: 'Asia/Ho_Chi_Minh' });
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('lists changes newest first, filters by kind, downloads the CSV', { timeout: 60_000 }, async () => {
    w = await openPage(browser, { width: 390, height: 800, baseURL: rt.url!, isMobile: true });
    const { page } = w;
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Nhật ký thao tác' }).first().click();
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['station.create', 'area.update', 'area.create']);
    await expect.poll(() => rows.nth(1).innerText()).toContain('Sửa địa bàn');
    // The old name is shown as text: no <b> element came from it.
    expect(await rows.nth(1).innerText()).toContain('Tỉnh <b>Lào Cai</b> → Tỉnh Lào Cai');
    expect(await page.locator('table.audit b').count()).toBe(0);

    await page.getByLabel('Loại thao tác').selectOption('area');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['area.update', 'area.create']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải xuống CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n').filter(Boolean)).toHaveLength(3);
    expect(csv).toContain('area.update');
    expect(csv).not.toContain('station.create');
    expect((await pageOverflowsX(page)).overflows).toBe(false);
    expect(w.problems).toEqual([]);
  });
});
