import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REJECTION_RULES } from '../../src/domain/audio/rejection.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api, uploadFile } from '../helpers/api.js';
import { hashOf, launchChromium, openPage, pageOverflowsX, signInWithToken, type WatchedPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';

// How the grid words each month's status (GLOSSARY.md): judged months, the current one, months before a station existed.
const STATUS_TEXT = { met: '✓ Đạt', not_met: '✗ Chưa đạt', in_progress: '◔ Đang diễn ra', upcoming: 'Chưa đến kỳ', not_active: '— (chưa hoạt động)' } as const;
const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 }];
const SHOTS = { grid375: '/tmp/loaxa-grid-375.png', episodesDesktop: '/tmp/loaxa-episodes-desktop.png' };
const vi = new Intl.NumberFormat('vi-VN');
const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a real service:
 * sign in, the compliance grid against the API's JSON, an upload through the form until ready,
 * an operator marking an airing aired, and the refusal of another station's page.
 */
describe('dashboard in a browser', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  let episodeId: string;
  let stationA: { id: string; code: string; name: string; token: string };
  let stationB: { id: string; code: string; name: string; token: string };
  let operatorA: string;
  const past: { id: string; startsAt: Date; endsAt: Date }[] = [];
  const from = DateTime.now().setZone(TZ).minus({ days: 40 }).toISODate()!;
  const to = DateTime.now().setZone(TZ).toISODate()!;
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
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Chuyển đổi số — số 12', series: 'Chuyển đổi số' });
    episodeId = up.body.id;
    const ep = await waitFor(async () => {
      const e = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body;
      return e.status === 'ready' ? e : undefined;
    }, { timeoutMs: 60_000, what: 'episode ready' });
    const a = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03001', name: 'Đài xã Bản Hồ', grid: GRID });
    const b = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03002', name: 'Đài xã Tả Phìn', grid: GRID });
    stationA = a.body;
    stationB = b.body;
    operatorA = (await createUserWithToken(rt.db, { name: 'Cán bộ Bản Hồ', role: 'operator', stationId: stationA.id })).token;
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', {
      episodeId,
      stationIds: [stationA.id, stationB.id],
      airingsPerStation: 2,
      from: to,
      to: DateTime.now().setZone(TZ).plus({ days: 6 }).toISODate(),
    });
    expect(plan.status).toBe(201);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
    // History: three live airings of A at 06:00 local on the last three days.
    for (let d = 3; d >= 1; d--) {
      const startsAt = DateTime.now().setZone(TZ).minus({ days: d }).set({ hour: 6, minute: 0, second: 0, millisecond: 0 }).toJSDate();
      const endsAt = new Date(startsAt.getTime() + Math.ceil(ep.durationSec * 1000));
      const id = crypto.randomUUID();
      await rt.db.query(
        `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status) VALUES ($1, $2, $3, $4, $5, $6, 'normal', 'live')`,
        [id, plan.body.plan.id, stationA.id, episodeId, startsAt, endsAt],
      );
      past.push({ id, startsAt, endsAt });
    }
    // Station A reported the first of them.
    const played = await call(stationA.token, 'POST', '/api/v1/station/plays', {
      plays: [{ eventId: 'dash-1', episodeId, startedAt: new Date(past[0]!.startsAt.getTime() + 5000).toISOString(), durationSec: ep.durationSec }],
    });
    expect(played.body.results[0].status).toBe('accepted');
  }, 180_000);

  // Each test's pages close with it (a browser is heavy on a 2-core machine running other suites too),
  // and none of them may have hit an uncaught error or a console error (a CSP violation among them).
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

  it('signs in with an access token, Vietnamese by default, English on request (remembered)', async () => {
    const page = await newPage(1280, 900);
    await page.goto('/');
    await expect.poll(() => hashOf(page)).toBe('#/signin');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByText('Hãy nhập tên đăng nhập và mật khẩu.').waitFor();
    await page.locator('details.signin-token summary').click();
    await page.getByRole('button', { name: 'Đăng nhập bằng mã' }).click();
    await page.getByText('Hãy dán mã truy cập.').waitFor();
    await page.getByLabel('Mã truy cập', { exact: true }).fill('not-a-real-token-0000000000');
    await page.getByRole('button', { name: 'Đăng nhập bằng mã' }).click();
    await page.getByText('Mã truy cập không đúng hoặc đã bị thu hồi.').waitFor();

    await signInWithToken(page, ADMIN_TOKEN);
    const who = page.locator('[data-testid="who"]');
    await expect.poll(() => who.textContent()).toContain('Quản trị viên');
    expect(await who.textContent()).toContain('Mã quản trị khởi tạo');
    expect(await who.textContent()).not.toContain('ADMIN_TOKEN');
    // The token stays across a reload.
    await page.reload();
    await who.waitFor();
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Chương trình', 'Đài truyền thanh xã', 'Kế hoạch phát', 'Báo cáo', 'Tình trạng thiết bị', 'Cảnh báo', 'Người dùng', 'Địa bàn', 'Nhật ký thao tác', 'Phát ngay']);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.getByRole('link', { name: 'Programmes' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('vi');

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByText('Bạn đã đăng xuất.').waitFor();
    expect(await page.evaluate("localStorage.getItem('loaxa.token')")).toBeNull();
  });

  /** The grid on the page, cell by cell, against the API's JSON for the same period. */
  async function checkGridAgainstApi(page: Page) {
    const q = `from=${from}&to=${to}`;
    const report = (await call(ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?${q}`)).body;
    const byStation = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stats/rebroadcasts?${q}&groupBy=station`)).body;
    const byMonth = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stats/rebroadcasts?${q}&groupBy=month`)).body;
    expect(report.rows.length).toBeGreaterThanOrEqual(4);
    await page.locator('table.grid').waitFor();
    expect(await page.locator('[data-field="title"]').textContent()).toBe(report.title);

    const gridCells = await page.locator('table.grid td[data-station-id]').evaluateAll((tds) =>
      tds.map((td) => {
        const field = (name: string) => td.querySelector(`[data-field="${name}"]`)?.textContent ?? null;
        return {
          stationId: td.getAttribute('data-station-id'),
          month: td.getAttribute('data-month'),
          compliance: td.querySelector('.cell-head .badge')?.textContent ?? null,
          aired: field('aired'),
          rebroadcastTarget: field('rebroadcastTarget'),
          ownProgrammes: field('ownProgrammes'),
          ownProgrammeTarget: field('ownProgrammeTarget'),
          missed: field('missed'),
        };
      }),
    );
    expect(gridCells).toEqual(
      report.rows.map((r: Record<string, any>) => ({
        stationId: r.stationId,
        month: r.month,
        compliance: STATUS_TEXT[r.status as keyof typeof STATUS_TEXT],
        // Months before a station existed show the word only, no counts.
        aired: r.status === 'not_active' ? null : vi.format(r.aired),
        rebroadcastTarget: r.status === 'not_active' ? null : vi.format(r.rebroadcastTarget),
        ownProgrammes: r.status === 'not_active' ? null : vi.format(r.ownProgrammes),
        ownProgrammeTarget: r.status === 'not_active' ? null : vi.format(r.ownProgrammeTarget),
        missed: r.missed > 0 ? vi.format(r.missed) : null,
      })),
    );
    // Somebody is behind (or, early in a month, not judged yet), and it shows in words as well as colour.
    const behind = report.rows.find((r: { status: string }) => r.status === 'not_met' || r.status === 'in_progress');
    expect(behind).toBeTruthy();
    expect(await page.locator(`table.grid td[data-status="${behind.status}"]`).first().textContent()).toContain(STATUS_TEXT[behind.status as keyof typeof STATUS_TEXT].slice(2));
    // Station A's rebroadcast shows where the API puts it.
    const aRow = report.rows.find((r: { stationId: string; aired: number }) => r.stationId === stationA.id && r.aired > 0);
    expect(aRow).toBeTruthy();

    for (const s of byStation.rows) {
      const cell = page.locator(`td[data-station-total="${s.stationId}"]`);
      expect(await cell.locator('[data-field="aired"]').textContent()).toBe(vi.format(s.aired));
      expect(await cell.locator('[data-field="monthsCompliant"]').textContent()).toBe(vi.format(s.monthsCompliant));
    }
    for (const m of byMonth.rows) {
      const cell = page.locator(`td[data-month-total="${m.month}"]`);
      expect(await cell.locator('[data-field="aired"]').textContent()).toBe(vi.format(m.aired));
      expect(await cell.locator('[data-field="stationsCompliant"]').textContent()).toBe(vi.format(m.stationsCompliant));
      // The chart draws the same month with the API's number.
      expect(await page.locator(`.chart-row[data-month="${m.month}"] [data-field="aired"]`).textContent()).toBe(`${vi.format(m.aired)}/${vi.format(m.rebroadcastTarget)}`);
    }
    const grand = page.locator('td[data-grand-total]');
    expect(await grand.locator('[data-field="aired"]').textContent()).toBe(vi.format(report.totals.aired));
    expect(await grand.locator('[data-field="compliantRows"]').textContent()).toBe(vi.format(report.totals.compliantRows));
    expect(await grand.locator('[data-field="rows"]').textContent()).toBe(vi.format(report.totals.rows));
    return report;
  }

  it('shows the compliance grid with the API\'s numbers, a chart, and exports the report', async () => {
    const page = await newPage(1280, 900);
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByLabel('Loại báo cáo').selectOption('custom');
    // Dates are typed the Vietnamese way, dd/mm/yyyy.
    await page.getByLabel('Từ ngày').fill(dmy(to));
    await page.getByLabel('Đến ngày').fill(dmy(from));
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    await page.getByText('Ngày bắt đầu phải trước ngày kết thúc.').waitFor();
    await page.getByLabel('Từ ngày').fill(dmy(from));
    await page.getByLabel('Đến ngày').fill(dmy(to));
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    const report = await checkGridAgainstApi(page);
    expect(await page.locator('svg.chart-svg').getAttribute('role')).toBe('img');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải xuống CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe(`bao-cao-${from}_${to}.csv`);
    const text = fs.readFileSync((await csv.path())!, 'utf8').replace(/^\uFEFF/, '');
    expect(text.split(/\r?\n/)[0]).toContain('Mã xã');
    expect(text.trim().split(/\r?\n/)).toHaveLength(report.rows.length + 2);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải xuống XLSX' }).click()]);
    expect(xlsx.suggestedFilename()).toBe(`bao-cao-${from}_${to}.xlsx`);
    expect(fs.readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe('PK');
  });

  it('fits a 375-px phone: only the grid scrolls sideways, in its own box', async () => {
    const page = await newPage(375, 812, true);
    await signInWithToken(page, ADMIN_TOKEN);
    for (const hash of ['#/episodes', '#/stations', '#/plans', `#/stations/${stationA.id}`]) {
      await page.goto(`/${hash}`);
      await page.locator('main h1').waitFor();
      await page.locator('main .loading').first().waitFor({ state: 'detached' });
      const o = await pageOverflowsX(page);
      expect(o, `${hash}: ${o.culprits.join(', ')}`).toMatchObject({ overflows: false });
    }
    await page.goto(`/#/reports?preset=custom&from=${from}&to=${to}`);
    await checkGridAgainstApi(page);
    const o = await pageOverflowsX(page);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });
    const box = await page.locator('.grid-scroll').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeGreaterThan(box.client);
    await page.screenshot({ path: SHOTS.grid375, fullPage: true });
  });

  it('uploads a fixture with the form, shows the progress and the API\'s refusal, and sees it become ready', async () => {
    const page = await newPage(1280, 900);
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Chương trình' }).click();
    const form = page.locator('form.upload-form');

    // A file that is not audio: the API's own message (415 NOT_AUDIO) is shown.
    await form.getByLabel('Tên chương trình').fill('Tệp không phải âm thanh');
    await form.getByLabel('Tệp âm thanh').setInputFiles(path.join(FIXTURES, 'not-audio.mp3'));
    await form.getByRole('button', { name: 'Tải lên' }).click();
    await form.getByText(REJECTION_RULES.NOT_AUDIO.vi).waitFor();

    const title = 'Bản tin xã Bản Hồ — thử tải lên';
    await form.getByLabel('Tên chương trình').fill(title);
    await form.getByLabel('Chuyên mục').fill('Chuyển đổi số');
    await form.getByLabel('Tệp âm thanh').setInputFiles(path.join(FIXTURES, 'speech-phone.m4a'));
    await form.getByText(/^speech-phone\.m4a \(\d+ kB\)$/).waitFor();
    // A slow uplink (as on a commune's 3G) makes the bar's progress visible on the way.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 96 * 1024 });
    const bar = form.locator('.upload-progress progress');
    await form.getByRole('button', { name: 'Tải lên' }).click();
    await expect
      .poll(async () => {
        const value = await bar.evaluate((el) => (el as unknown as { value: number }).value);
        return value > 0 && value < 100 ? 'part-way' : value;
      }, { timeout: 20_000, interval: 50 })
      .toBe('part-way');
    expect(await form.locator('.upload-progress .progress-text').textContent()).toMatch(/^Đang tải lên: \d{1,2}%$/);
    await form.getByText(`Đã tải lên «${title}»`).waitFor({ timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // The bar ends full and says so.
    expect(await bar.evaluate((el) => (el as unknown as { value: number }).value)).toBe(100);
    expect(await form.locator('.upload-progress .progress-text').textContent()).toBe('Đã gửi xong tệp: 100%');

    const row = page.locator('table.episodes tbody tr', { hasText: title });
    await row.waitFor();
    await row.locator('[data-status="ready"]').waitFor({ timeout: 90_000 });
    expect(await row.locator('[data-status="ready"]').textContent()).toBe('Sẵn sàng');
    const apiEpisode = (await call(ADMIN_TOKEN, 'GET', '/api/v1/episodes?limit=5')).body.items.find((e: { title: string }) => e.title === title);
    expect(apiEpisode.status).toBe('ready');
    expect(await row.getAttribute('data-episode-id')).toBe(apiEpisode.id);
    await row.getByRole('button', { name: 'Tải xuống MP3' }).waitFor();

    // A file that passes the first check but fails in the worker: "Lỗi" and the API's message, in Vietnamese.
    await form.getByLabel('Tên chương trình').fill('Tệp bị cắt cụt');
    await form.getByLabel('Tệp âm thanh').setInputFiles(path.join(FIXTURES, 'truncated.mp3'));
    await form.getByRole('button', { name: 'Tải lên' }).click();
    const failed = page.locator('table.episodes tbody tr', { hasText: 'Tệp bị cắt cụt' });
    await failed.locator('[data-status="failed"]').waitFor({ timeout: 90_000 });
    expect(await failed.locator('[data-status="failed"]').textContent()).toBe('Lỗi');
    const failedApi = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${await failed.getAttribute('data-episode-id')}`)).body;
    expect(failedApi.status).toBe('failed');
    expect(await failed.locator('[data-field="error"]').textContent()).toBe(`${failedApi.error.message} ${failedApi.error.code}`);
    await page.screenshot({ path: SHOTS.episodesDesktop, fullPage: true });
  }, 150_000);

  it('plans a broadcast (editor: draft, no approval) and approves it (admin), showing the API\'s allocation', async () => {
    const editor = (await createUserWithToken(rt.db, { name: 'Biên tập huyện', role: 'editor' })).token;
    const page = await newPage(1280, 900);
    await signInWithToken(page, editor);
    await page.getByRole('link', { name: 'Kế hoạch phát' }).click();
    const form = page.locator('form.plan-form');
    await form.getByLabel('Chương trình', { exact: true }).selectOption(episodeId);
    await form.getByLabel('Chọn đài').check();
    await form.getByLabel(`${stationB.code} ${stationB.name}`).check();
    await form.getByLabel('Số lượt phát mỗi đài').fill('2');
    await form.getByLabel('Từ ngày').fill(dmy(to));
    await form.getByLabel('Đến ngày').fill(dmy(DateTime.now().setZone(TZ).plus({ days: 6 }).toISODate()!));
    await form.getByLabel('Mức ưu tiên').selectOption({ label: 'Ưu tiên' });
    await form.getByRole('button', { name: 'Tạo kế hoạch (bản nháp)' }).click();

    const allocation = page.locator('.allocation[data-status="draft"]');
    await allocation.waitFor();
    const planId = (await allocation.getAttribute('data-plan-id'))!;
    const fromApi = (await call(ADMIN_TOKEN, 'GET', `/api/v1/plans/${planId}`)).body;
    expect(fromApi.plan).toMatchObject({ status: 'draft', priority: 'priority', airingsPerStation: 2 });
    expect(fromApi.stations.map((x: { stationId: string }) => x.stationId)).toEqual([stationB.id]);
    const rowB = allocation.locator(`tr[data-station-id="${stationB.id}"]`);
    expect(await rowB.locator('[data-field="requested"]').textContent()).toBe(vi.format(fromApi.stations[0].requested));
    expect(await rowB.locator('[data-field="placed"]').textContent()).toBe(vi.format(fromApi.stations[0].placed));
    expect(await rowB.locator('li[data-airing-id]').count()).toBe(fromApi.stations[0].airings.length);
    // Approval is the admin's: an editor has no such button.
    expect(await allocation.getByRole('button', { name: 'Phê duyệt' }).count()).toBe(0);
    expect(await allocation.getByRole('button', { name: 'Huỷ kế hoạch' }).count()).toBe(1);

    const admin = await newPage(1280, 900);
    await signInWithToken(admin, ADMIN_TOKEN);
    await admin.goto('/#/plans');
    await admin.locator(`table.plans tr[data-plan-id="${planId}"]`).getByRole('button', { name: 'Xem phân bổ' }).click();
    await admin.locator(`.allocation[data-plan-id="${planId}"]`).getByRole('button', { name: 'Phê duyệt' }).click();
    await admin.locator(`.allocation[data-plan-id="${planId}"][data-status="approved"]`).waitFor();
    await admin.getByText('Đã phê duyệt kế hoạch.').waitFor();
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/plans/${planId}`)).body.plan.status).toBe('approved');
    await admin.locator(`table.plans tr[data-plan-id="${planId}"][data-status="approved"]`).waitFor();
  });

  it('lets an operator mark a past airing aired (the API then counts the play), and refuses another station\'s page', async () => {
    const statsA = async () =>
      (await call(ADMIN_TOKEN, 'GET', `/api/v1/stats/rebroadcasts?from=${from}&to=${to}&groupBy=station`)).body.rows.find((r: { stationId: string }) => r.stationId === stationA.id);
    const before = await statsA();

    const page = await newPage(390, 844, true);
    await signInWithToken(page, operatorA);
    await expect.poll(() => hashOf(page)).toBe(`#/stations/${stationA.id}`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe(stationA.name);
    expect(await page.locator('[data-testid="who"]').textContent()).toContain('Cán bộ đài xã');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Đài của tôi', 'Chương trình', 'Báo cáo', 'Cảnh báo']);

    const row = page.locator(`table.airings.past tr[data-airing-id="${past[1]!.id}"]`);
    await row.getByRole('button', { name: 'Đánh dấu đã phát' }).click();
    await row.getByText('Đã ghi nhận lượt phát thực tế').waitFor();
    const o = await pageOverflowsX(page);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });

    const after = await statsA();
    expect(after.aired).toBe(before.aired + 1);
    expect(after.onSchedule).toBe(before.onSchedule + 1);
    const play = await rt.db.query<{ source: string; airing_id: string }>('SELECT source, airing_id FROM plays WHERE event_id = $1', [`manual-${past[1]!.id}`]);
    expect(play.rows).toEqual([{ source: 'manual', airing_id: past[1]!.id }]);
    // The upcoming airings carry a download of their file.
    await page.locator('table.airings.upcoming').getByRole('button', { name: 'Tải xuống MP3' }).first().waitFor();

    // Another station's page: the API says 403 and the page says so, with none of that station's data.
    await page.goto(`/#/stations/${stationB.id}`);
    const refusal = page.locator('[data-error="forbidden"]');
    await refusal.waitFor();
    expect(await refusal.getByRole('heading').textContent()).toBe('Không có quyền truy cập');
    expect(await refusal.textContent()).toContain('Bạn chỉ được xem đài của mình');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain(stationB.name);
    expect(text).not.toContain(stationB.code);
    expect(await page.locator('table').count()).toBe(0);
  });
});
