import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { ROOT_AREA_ID } from '../../src/services/access.js';
import { api } from '../helpers/api.js';
import { hashOf, launchChromium, openPage, pageOverflowsX, signInWithPassword, type WatchedPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } from '../helpers/env.js';

const ADMIN = { login: 'quantri.tinh', password: 'mật khẩu quản trị 2026' };

/**
 * The management views in a real browser against a real service: the area tree, users, and a station made with the
 * airtime-grid editor, which shows a quiet-hours slot as refused (its Vietnamese reason on screen) before any save.
 */
describe('people and places in the dashboard', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  const pages: WatchedPage[] = [];
  const call = (method: string, url: string, body?: unknown) => api(rt.url!, ADMIN_TOKEN, method, url, body);

  async function signedIn(width = 1280, height = 900, isMobile = false): Promise<Page> {
    const w = await openPage(browser, { width, height, baseURL: rt.url!, isMobile });
    pages.push(w);
    await signInWithPassword(w.page, ADMIN.login, ADMIN.password);
    return w.page;
  }

  beforeAll(async () => {
    [s3, browser] = await Promise.all([startTestS3(), launchChromium()]);
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    const admin = await call('POST', '/api/v1/users', { login: ADMIN.login, displayName: 'Quản trị tỉnh', password: ADMIN.password, role: 'admin', areaId: ROOT_AREA_ID });
    expect(admin.status).toBe(201);
  }, 120_000);

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

  let communeId: string;

  it('areas: created in the dashboard and shown in the tree with their codes', async () => {
    const page = await signedIn();
    await page.getByRole('link', { name: 'Địa bàn' }).click();
    await expect.poll(() => hashOf(page)).toBe('#/areas');
    const form = page.locator('form.area-form');
    await form.getByLabel('Tên địa bàn').fill('Tỉnh Lào Cai');
    await form.getByLabel('Mã hành chính').fill('10');
    await form.getByRole('button', { name: 'Thêm địa bàn' }).click();
    await page.getByText('Đã thêm địa bàn Tỉnh Lào Cai (10).').waitFor();

    const province = page.locator('li[data-code="10"]');
    await province.waitFor();
    await form.getByLabel('Tên địa bàn').fill('Xã Bản Hồ');
    await form.getByLabel('Mã hành chính').fill('10279');
    await form.getByLabel('Thuộc địa bàn').selectOption({ label: '\u00a0\u00a0└ Tỉnh Lào Cai (10) · Tỉnh' });
    await form.getByRole('button', { name: 'Thêm địa bàn' }).click();
    await page.getByText('Đã thêm địa bàn Xã Bản Hồ (10279).').waitFor();

    // The commune sits inside the province's branch, labelled with its code and level.
    const commune = province.locator('li[data-code="10279"]');
    await commune.waitFor();
    expect(await commune.locator('.area-code').first().textContent()).toBe('10279');
    expect(await commune.locator('[data-kind]').first().textContent()).toBe('Xã (phường, đặc khu)');
    const areas = (await call('GET', '/api/v1/areas?shape=flat')).body.items as { id: string; code: string | null; kind: string; parentId: string | null }[];
    const p = areas.find((a) => a.code === '10')!;
    const c = areas.find((a) => a.code === '10279')!;
    expect(p.kind).toBe('province');
    expect(c).toMatchObject({ kind: 'commune', parentId: p.id });
    communeId = c.id;

    // Renamed in place.
    await commune.locator('[data-action="rename"]').first().click();
    await page.getByLabel('Tên mới của «Xã Bản Hồ»').fill('Xã Bản Hồ mới');
    await commune.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã đổi tên thành Xã Bản Hồ mới.').waitFor();
    expect((await call('GET', `/api/v1/areas/${c.id}`)).body.name).toBe('Xã Bản Hồ mới');
  }, 60_000);

  it('users: a user created in the dashboard is listed, and must not reuse the login as password', async () => {
    const page = await signedIn();
    await page.getByRole('link', { name: 'Người dùng' }).click();
    await expect.poll(() => hashOf(page)).toBe('#/users');
    const form = page.locator('form.user-form');
    await form.getByLabel('Tên đăng nhập').fill('bientap.laocai');
    await form.getByLabel('Họ và tên').fill('Biên tập Lào Cai');
    // The password rule is said as the person types.
    await form.getByLabel('Mật khẩu tạm thời').fill('bientap.laocai');
    await form.getByText('«Mật khẩu» không được trùng với «Tên đăng nhập».').waitFor();
    await form.getByLabel('Mật khẩu tạm thời').fill('tạm thời 12345');
    await form.getByLabel('Vai trò').selectOption('editor');
    await form.getByLabel('Địa bàn').selectOption({ label: '\u00a0\u00a0└ Tỉnh Lào Cai (10) · Tỉnh' });
    await form.getByRole('button', { name: 'Thêm người dùng' }).click();
    await page.getByText('Đã thêm người dùng Biên tập Lào Cai (tên đăng nhập bientap.laocai).').waitFor();

    const row = page.locator('tr[data-login="bientap.laocai"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Biên tập viên');
    expect(await row.textContent()).toContain('Tỉnh Lào Cai (10)');
    const listed = (await call('GET', '/api/v1/users?login=bientap.laocai')).body.items[0];
    expect(listed).toMatchObject({ displayName: 'Biên tập Lào Cai', role: 'editor', disabled: false });

    // Disabled from the list (confirmed), then shown as such.
    page.once('dialog', (d) => void d.accept());
    await row.locator('[data-action="disable"]').click();
    await row.locator('[data-status="disabled"]').waitFor();
    expect((await call('GET', `/api/v1/users/${listed.id}`)).body.disabled).toBe(true);
  }, 60_000);

  it('stations: the grid editor refuses a quiet-hours slot before saving, and the save succeeds once fixed', async () => {
    const page = await signedIn();
    await page.goto('/#/stations');
    await page.locator('[data-action="add-station"]').click();
    await expect.poll(() => hashOf(page)).toBe('#/stations/new');
    const form = page.locator('[data-testid="station-form"]');
    await form.getByLabel('Địa bàn').selectOption(communeId);
    // Picking the commune fills its code in.
    expect(await form.getByLabel('Mã xã').inputValue()).toBe('10279');
    await form.getByLabel('Tên đài').fill('Đài xã Bản Hồ');
    await form.locator('[data-action="add-slot"]').click();
    const slot = form.locator('fieldset.slot[data-slot-index="0"]');
    await slot.getByLabel('Giờ bắt đầu').fill('23:00');
    await slot.getByLabel('Thời lượng (phút)').fill('30');

    // Judged as typed, by the service's rules, in Vietnamese; nothing is saved yet.
    await form.locator('fieldset.slot[data-slot-index="0"][data-state="refused"]').waitFor();
    const reason = slot.locator('[data-rule="quiet_hours"]');
    await reason.waitFor();
    expect(await reason.textContent()).toBe('Khung giờ 1 (hằng ngày 23:00–23:30) rơi vào giờ nghỉ (không phát) 22:00–05:00');
    expect(await form.locator('[data-testid="grid-rules"]').textContent()).toContain('giờ nghỉ (không phát) 22:00–05:00');
    await form.locator('[data-action="save-station"]').click();
    await form.getByText('Hãy sửa các khung giờ bị từ chối trước khi lưu.').waitFor();
    expect((await call('GET', '/api/v1/stations')).body.total).toBe(0);

    // Fixed: accepted, then saved; the device token is shown once.
    await slot.getByLabel('Giờ bắt đầu').fill('06:00');
    await form.locator('fieldset.slot[data-state="ok"]').waitFor();
    await form.getByText('Các khung giờ đều hợp lệ.').waitFor();
    await form.locator('[data-action="save-station"]').click();
    const token = await page.locator('[data-testid="station-token"]').inputValue();
    expect(token).toMatch(/^lxs_/);
    expect((await api(rt.url!, token, 'GET', '/api/v1/station/manifest')).status).toBe(200);
    await page.getByRole('button', { name: 'Tôi đã lưu mã, đóng lại' }).click();
    await expect.poll(() => hashOf(page)).toMatch(/^#\/stations\/[0-9a-f-]{36}$/);

    const stations = (await call('GET', '/api/v1/stations')).body.items;
    expect(stations).toHaveLength(1);
    expect(stations[0]).toMatchObject({ code: '10279', name: 'Đài xã Bản Hồ', areaId: communeId, grid: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 30 }] });

    // Edited: an overlapping second slot is refused as typed; removing it, the rename saves.
    await page.locator('[data-action="edit-station"]').click();
    await expect.poll(() => hashOf(page)).toBe(`#/stations/${stations[0].id}/edit`);
    const edit = page.locator('[data-testid="station-form"]');
    await edit.locator('fieldset.slot[data-state="ok"]').waitFor();
    await edit.locator('[data-action="add-slot"]').click();
    const second = edit.locator('fieldset.slot[data-slot-index="1"]');
    await second.getByLabel('Giờ bắt đầu').fill('06:15');
    await second.locator('[data-rule="overlap"]').waitFor();
    await second.locator('[data-action="remove-slot"]').click();
    await edit.getByLabel('Tên đài').fill('Đài xã Bản Hồ (mới)');
    await edit.getByText('Các khung giờ đều hợp lệ.').waitFor();
    await edit.locator('[data-action="save-station"]').click();
    await page.getByText('Đã lưu thông tin đài Đài xã Bản Hồ (mới).').waitFor();
    expect((await call('GET', `/api/v1/stations/${stations[0].id}`)).body).toMatchObject({ name: 'Đài xã Bản Hồ (mới)', grid: [{ start: '06:00' }] });
  }, 90_000);

  it('fits a 375 px phone: users, areas and the station form scroll only vertically', async () => {
    const page = await signedIn(375, 740, true);
    for (const [hash, ready] of [
      ['#/users', 'tr[data-login="bientap.laocai"]'],
      ['#/areas', 'li[data-code="10279"]'],
      ['#/stations/new', 'fieldset.grid-editor'],
    ] as const) {
      await page.goto(`/${hash}`);
      await page.locator(ready).first().waitFor();
      if (hash === '#/stations/new') {
        // A new slot without its start is refused with its reason: the longest the editor gets.
        await page.locator('[data-action="add-slot"]').click();
        await page.locator('fieldset.slot[data-state="refused"] [data-rule="malformed"]').first().waitFor();
      }
      const o = await pageOverflowsX(page);
      expect(o.overflows, `${hash}: ${o.culprits.join(', ')}`).toBe(false);
    }
  }, 60_000);

  it('grid-check: the judgement a save would give, without saving', async () => {
    const r = await call('POST', '/api/v1/stations/grid-check', {
      timezone: 'Asia/Ho_Chi_Minh',
      grid: [
        { days: [1], start: '21:30', durationMin: 60 },
        { days: [1], start: '06:00', durationMin: 200 },
        { days: [1, 2], start: '07:00', durationMin: 30 },
        { days: [], start: '7h', durationMin: 'x' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.problems.map((p: { slotIndex: number; rule: string }) => `${p.slotIndex}:${p.rule}`)).toEqual(['0:quiet_hours', '1:max_session', '2:overlap', '3:malformed', '3:malformed', '3:malformed']);
    expect(r.body.rules).toEqual({ quietStart: '22:00', quietEnd: '05:00', maxSessionMin: 180, timezone: 'Asia/Ho_Chi_Minh' });
    const ok = await call('POST', '/api/v1/stations/grid-check', { grid: [{ days: [1], start: '06:00', durationMin: 30 }] });
    expect(ok.body).toMatchObject({ ok: true, problems: [] });
    expect((await call('POST', '/api/v1/stations/grid-check', { grid: [], timezone: 'Mars/Olympus' })).status).toBe(422);
    expect((await call('GET', '/api/v1/stations')).body.total).toBe(1);
  });
});
