import crypto from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { STATION_HEARTBEAT_PATH, STATION_PLAYS_PATH, type WireHeartbeat } from '../../src/wire/station-protocol.js';
import { api, uploadFile } from '../helpers/api.js';
import { launchChromium, openPage, pageOverflowsX, signInWithToken, type WatchedPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';

const TZ = 'Asia/Ho_Chi_Minh';
const SHOTS = { fleet: '/tmp/fleet-phone.png', alerts: '/tmp/alerts-phone.png', station: '/tmp/station-phone.png', token: '/tmp/token-dialog.png', playNow: '/tmp/play-now-phone.png', fleetDesktop: '/tmp/fleet-desktop.png', stationDesktop: '/tmp/station-desktop.png' };
const TITLE = 'Bản tin khẩn: mưa lũ, sạt lở đất';
// Markup in names and errors must come out as text (the page never parses data as HTML).
const DEVICE_B = 'Cụm loa <b>Nà Lạn</b>';
const AGENT_ERROR = '<img src=x onerror="window.__xss=1">mpv exited 2';

/**
 * The fleet dashboard in a real browser (Debian's Chromium via playwright-core) against the real service:
 * a station with two loudspeaker clusters, one sending heartbeats and one silent for hours; the fleet view
 * (also at phone width), the alerts page with the open alert the scheduler raised, per-device outcomes of a past
 * airing on the station page, adding a cluster there (its token shown once), and "Phát ngay" / "Dừng phát".
 */
describe('fleet dashboard in a browser', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser;
  let episode: { id: string; title: string; durationSec: number };
  let station: { id: string; code: string; name: string; token: string };
  let devA: { id: string; token: string };
  let devB: { id: string; token: string };
  let upcomingId: string;
  let pastId: string;
  let operatorToken: string;
  const pages: WatchedPage[] = [];

  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);

  async function newPage(width: number, height: number, isMobile = false): Promise<Page> {
    const w = await openPage(browser, { width, height, baseURL: rt.url!, isMobile });
    pages.push(w);
    return w.page;
  }

  function heartbeat(startsAt: string): WireHeartbeat {
    const now = Date.now();
    return {
      agentVersion: '0.9.0-test',
      startedAt: new Date(now - 3 * 3600_000).toISOString(),
      uptimeSec: 3 * 3600,
      nowPlaying: { airingId: null, episodeId: episode.id, title: 'Chuyển đổi số — số 12', startedAt: new Date(now - 60_000).toISOString() },
      nextAiring: { airingId: upcomingId, title: episode.title, startsAt, fileReady: true },
      upcoming: [{ airingId: upcomingId, startsAt, fileReady: true }],
      cacheBytes: 48_000_000,
      freeDiskBytes: 12_345_678_901,
      pendingReports: 3,
      lastPlayer: null,
      lastError: AGENT_ERROR,
      clockOffsetMs: 120,
      channel: 'open',
    };
  }

  let upcomingStartsAt: string;
  /** Device A is alive: a heartbeat as its agent sends one (the service's default 60-s interval applies). */
  async function beatA() {
    const res = await call(devA.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat(upcomingStartsAt));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  /** Device B has been silent for three hours. Re-applied until the fleet agrees (a device request may touch it). */
  async function silenceB() {
    await waitFor(
      async () => {
        // Online since five hours ago, last heard from three hours ago (as the heartbeat left it).
        await rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '3 hours', online = true, online_since = now() - interval '5 hours' WHERE id = $1`, [devB.id]);
        const fleet = (await call(ADMIN_TOKEN, 'GET', '/api/v1/fleet')).body;
        const b = fleet.devices.find((d: { id: string }) => d.id === devB.id);
        return b && !b.health.online && Date.now() - Date.parse(b.health.lastSeenAt) > 2 * 3600_000;
      },
      { timeoutMs: 30_000, what: 'device B offline' },
    );
  }

  beforeAll(async () => {
    [s3, browser] = await Promise.all([startTestS3(), launchChromium()]);
    // The alert evaluation every second, so the offline alert does not take a minute to open; heartbeat and
    // offline thresholds stay at the user's defaults (60 s, 30 min).
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *', ALERT_CRON: '*/1 * * * * *' } }));

    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-phone.m4a'), { title: TITLE, series: 'Phòng chống thiên tai' });
    expect(up.status).toBe(202);
    episode = await waitFor(
      async () => {
        const e = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${up.body.id}`)).body;
        if (e.status === 'failed') throw new Error(`transcode failed: ${JSON.stringify(e.error)}`);
        return e.status === 'ready' ? e : undefined;
      },
      { timeoutMs: 90_000, what: 'episode ready' },
    );

    // A slot far from "now + 30 min" (below), outside quiet hours, so the extra airings never overlap it.
    const soon = DateTime.now().setZone(TZ).plus({ minutes: 30 }).startOf('minute');
    const slot = soon.hour < 12 ? '18:00' : '07:00';
    const st = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '04101', name: 'Đài xã Mường Lống', grid: [{ days: [1, 2, 3, 4, 5, 6, 7], start: slot, durationMin: 60 }] });
    expect(st.status).toBe(201);
    station = st.body;
    const first = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}`)).body.devices;
    expect(first).toHaveLength(1);
    devA = { id: first[0].id, token: station.token };
    const added = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${station.id}/devices`, { name: DEVICE_B });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    devB = { id: added.body.id, token: added.body.token };
    operatorToken = (await createUserWithToken(rt.db, { name: 'Cán bộ Mường Lống', role: 'operator', stationId: station.id })).token;

    const today = DateTime.now().setZone(TZ).toISODate()!;
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId: episode.id, stationIds: [station.id], airingsPerStation: 1, from: today, to: DateTime.now().setZone(TZ).plus({ days: 6 }).toISODate() });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
    const durMs = Math.ceil(episode.durationSec * 1000);
    // One airing in 30 minutes (inside the hour in which a missing file is flagged), one yesterday.
    upcomingId = crypto.randomUUID();
    pastId = crypto.randomUUID();
    const past = DateTime.now().setZone(TZ).minus({ days: 1 }).set({ hour: Number(slot.slice(0, 2)), minute: 0, second: 0, millisecond: 0 });
    for (const [id, at] of [
      [upcomingId, soon],
      [pastId, past],
    ] as const) {
      await rt.db.query(
        `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status) VALUES ($1, $2, $3, $4, $5, $6, 'normal', 'live')`,
        [id, plan.body.plan.id, station.id, episode.id, at.toJSDate(), new Date(at.toMillis() + durMs)],
      );
    }
    upcomingStartsAt = soon.toISO()!;

    // Yesterday: A played it in full, B could not (its file was not ready).
    const playedA = await call(devA.token, 'POST', STATION_PLAYS_PATH, {
      plays: [{ eventId: 'fd-a-1', episodeId: episode.id, airingId: pastId, startedAt: new Date(past.toMillis() + 2000).toISOString(), durationSec: episode.durationSec, source: 'auto' }],
    });
    expect(playedA.body.results[0].status, JSON.stringify(playedA.body)).toBe('accepted');
    const missedB = await call(devB.token, 'POST', STATION_PLAYS_PATH, {
      plays: [{ eventId: 'fd-b-1', episodeId: episode.id, airingId: pastId, startedAt: past.toISO(), durationSec: 0, source: 'auto', outcome: 'missed', reason: 'file_not_ready' }],
    });
    expect(missedB.body.results[0].status, JSON.stringify(missedB.body)).toBe('accepted');

    await beatA();
    await silenceB();
  }, 240_000);

  // Pages close with their test; none may have hit an uncaught error or a console error (a CSP violation among them).
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

  it('shows the fleet on a phone: 1 online / 1 offline, the offline one first with how long, and the health of each', async () => {
    await beatA();
    const page = await newPage(390, 844, true);
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('navigation').getByRole('link', { name: 'Tình trạng thiết bị' }).click();
    await page.locator('table.fleet').waitFor();
    const api = (await call(ADMIN_TOKEN, 'GET', '/api/v1/fleet')).body;
    expect(api.summary).toEqual({ total: 2, online: 1, offline: 1 });
    const count = (k: string) => page.locator(`[data-count="${k}"] .count-value`).textContent();
    expect([await count('online'), await count('offline'), await count('total')]).toEqual(['1', '1', '2']);

    const rows = page.locator('table.fleet tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-device-id'), tr.getAttribute('data-online')]))).toEqual([
      [devB.id, 'false'],
      [devA.id, 'true'],
    ]);
    const b = rows.nth(0);
    expect(await b.locator('[data-online]').first().textContent()).toMatch(/^○ Mất kết nối \d+ giờ$/);
    // The name is shown as typed, markup and all, and makes no element.
    expect(await b.locator('.device-name').textContent()).toBe(DEVICE_B);
    expect(await b.locator('.device-name b').count()).toBe(0);
    expect(await b.textContent()).toContain(`${station.code} ${station.name}`);

    const a = rows.nth(1);
    expect(await a.locator('[data-online]').first().textContent()).toBe('● Đang kết nối');
    expect(await a.locator('.now-playing').textContent()).toContain('Chuyển đổi số — số 12');
    const next = a.locator('.next-airing');
    expect(await next.textContent()).toContain(episode.title);
    expect(await next.textContent()).toContain(DateTime.fromISO(upcomingStartsAt).setZone(TZ).toFormat('dd/MM/yyyy HH:mm'));
    expect(await next.locator('[data-file-ready]').getAttribute('data-file-ready')).toBe('true');
    expect(await a.locator('[data-pending]').textContent()).toBe('3');
    expect(await a.textContent()).toContain('12,3 GB');
    expect(await a.locator('[data-field="lastError"]').textContent()).toBe(AGENT_ERROR);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    // The upcoming airing is not on B (it never told us it has the file): listed as not ready before air.
    const notReady = page.locator('table.not-ready tbody tr');
    expect(await notReady.count()).toBe(api.notReady.length);
    const bRow = page.locator(`table.not-ready tr[data-device-id="${devB.id}"][data-airing-id="${upcomingId}"]`);
    expect(await bRow.textContent()).toContain(episode.title);
    expect(await page.locator(`table.not-ready tr[data-device-id="${devA.id}"]`).count()).toBe(0);

    // Only the offline ones, on request.
    await page.getByLabel('Chỉ hiện cụm loa mất kết nối').check();
    expect(await rows.count()).toBe(1);
    await page.getByLabel('Chỉ hiện cụm loa mất kết nối').uncheck();

    const o = await pageOverflowsX(page);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });
    await page.screenshot({ path: SHOTS.fleet, fullPage: true });

    // English on the toggle; the numbers stay the API's.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Device status', level: 1 }).waitFor();
    await page.locator('table.fleet').waitFor();
    expect(await page.locator('table.fleet tbody tr').nth(0).locator('[data-online]').first().textContent()).toMatch(/^○ Offline for \d+ hours$/);
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
  });

  it('refreshes itself: a device that comes back shows online without a reload', async () => {
    const page = await newPage(1280, 900);
    await signInWithToken(page, ADMIN_TOKEN);
    await page.goto('/#/fleet');
    await page.locator(`table.fleet tr[data-device-id="${devB.id}"][data-online="false"]`).waitFor();
    const beat = await call(devB.token, 'POST', STATION_HEARTBEAT_PATH, { ...heartbeat(upcomingStartsAt), lastError: null, nowPlaying: null });
    expect(beat.status).toBe(200);
    // Within one refresh period (15 s) and some slack for a loaded machine.
    await page.locator(`table.fleet tr[data-device-id="${devB.id}"][data-online="true"]`).waitFor({ timeout: 40_000 });
    expect(await page.locator('[data-count="online"] .count-value').textContent()).toBe('2');
    await page.screenshot({ path: SHOTS.fleetDesktop, fullPage: true });
    await silenceB();
  });

  it('lists the open offline alert on the alerts page, with the count in the navigation', async () => {
    const alert = await waitFor(
      async () => {
        const body = (await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts?status=open&kind=device_offline')).body;
        return body.items.find((a: { deviceId: string }) => a.deviceId === devB.id);
      },
      { timeoutMs: 60_000, what: 'device_offline alert for B' },
    );
    const page = await newPage(1280, 900);
    await signInWithToken(page, ADMIN_TOKEN);
    // The links keep their names; the count is the alerts link's (and said in its label).
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Chương trình', 'Đài truyền thanh xã', 'Kế hoạch phát', 'Báo cáo', 'Tình trạng thiết bị', 'Cảnh báo', 'Người dùng', 'Địa bàn', 'Nhật ký thao tác', 'Phát ngay']);
    await page.getByRole('navigation').getByRole('link', { name: /^Cảnh báo/ }).click();
    const row = page.locator(`table.alerts tr[data-alert-id="${alert.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('open');
    expect(await row.locator('[data-kind]').textContent()).toBe('Cụm loa mất kết nối');
    expect(await row.locator('.alert-message').textContent()).toContain(DEVICE_B);
    expect(await row.textContent()).toContain(`${station.code} ${station.name}`);
    expect(await row.textContent()).toContain(DateTime.fromISO(alert.openedAt).setZone(TZ).toFormat('dd/MM/yyyy HH:mm'));
    // Open alerts only by default: none resolved in the list.
    expect(await page.locator('table.alerts tr[data-status="resolved"]').count()).toBe(0);
    // The menu's count is the API's open count (asked again each time: another alert may open meanwhile).
    await expect
      .poll(
        async () => {
          const open = (await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts?status=open&limit=1')).body.open;
          return open >= 1 && (await page.locator('[data-nav-count="alerts"]').getAttribute('data-count')) === String(open);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await page.locator('[data-nav-count="alerts"]').getAttribute('aria-label')).toMatch(/^Cảnh báo \(\d+ cảnh báo đang mở\)$/);

    await page.getByLabel('Trạng thái').selectOption('resolved');
    await page.locator(`table.alerts tr[data-alert-id="${alert.id}"]`).waitFor({ state: 'detached' });
    await page.getByLabel('Trạng thái').selectOption('all');
    await row.waitFor();

    // An operator reads its own station's alerts too.
    const op = await newPage(390, 844, true);
    await signInWithToken(op, operatorToken);
    await op.goto('/#/alerts');
    await op.locator(`table.alerts tr[data-alert-id="${alert.id}"]`).waitFor();
    const o = await pageOverflowsX(op);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });
    await op.screenshot({ path: SHOTS.alerts, fullPage: true });
  });

  it('shows the clusters and each one\'s outcome on the station page, and adds a cluster with its token shown once', async () => {
    await beatA();
    const page = await newPage(1280, 900);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rt.url! });
    await signInWithToken(page, ADMIN_TOKEN);
    await page.goto(`/#/stations/${station.id}`);
    const section = page.locator('[data-section="devices"]');
    await section.locator(`.device-card[data-device-id="${devA.id}"][data-online="true"]`).waitFor();
    await section.locator(`.device-card[data-device-id="${devB.id}"][data-online="false"]`).waitFor();

    // Yesterday's airing, per cluster: A played it, B missed it for want of the file.
    const airings = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}/airings?from=${DateTime.now().setZone(TZ).minus({ days: 2 }).toISODate()}`)).body;
    const apiPast = airings.items.find((a: { id: string }) => a.id === pastId);
    expect(apiPast.devices).toEqual(
      expect.arrayContaining([expect.objectContaining({ deviceId: devA.id, outcome: 'played' }), expect.objectContaining({ deviceId: devB.id, outcome: 'missed', reason: 'file_not_ready' })]),
    );
    const pastRow = page.locator(`table.past tr[data-airing-id="${pastId}"]`);
    const outA = pastRow.locator(`li[data-device-id="${devA.id}"]`);
    const outB = pastRow.locator(`li[data-device-id="${devB.id}"]`);
    expect(await outA.getAttribute('data-outcome')).toBe('played');
    expect(await outA.textContent()).toContain('Đã phát');
    expect(await outB.textContent()).toContain('Chưa phát (quá hạn)');
    expect(await outB.textContent()).toContain('tệp chưa tải xong');
    await page.screenshot({ path: SHOTS.stationDesktop, fullPage: true });

    // Add a cluster: the token appears once, in a dialog, with the warning and a copy button.
    await section.getByLabel('Tên cụm loa').fill('Cụm loa thôn Pá Hu');
    await section.getByRole('button', { name: 'Thêm cụm loa' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mã thiết bị của «Cụm loa thôn Pá Hu»' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('chỉ hiện một lần duy nhất');
    await page.screenshot({ path: SHOTS.token });
    const token = await dialog.getByLabel('Mã thiết bị').inputValue();
    expect(token).toMatch(/^lxs_/);
    await dialog.getByRole('button', { name: 'Sao chép mã' }).click();
    await dialog.getByText('Đã sao chép mã.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    // Escape does not throw the token away by accident.
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Tôi đã lưu mã, đóng lại' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);

    // The token works for the new device, which the section lists.
    const devices = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}`)).body.devices;
    const c = devices.find((d: { name: string }) => d.name === 'Cụm loa thôn Pá Hu');
    expect(c).toBeTruthy();
    expect((await call(token, 'POST', STATION_HEARTBEAT_PATH, { ...heartbeat(upcomingStartsAt), lastError: null })).status).toBe(200);
    await section.locator(`.device-card[data-device-id="${c.id}"]`).waitFor();

    const confirms: string[] = [];
    const acceptNext = () =>
      page.once('dialog', (d) => {
        confirms.push(d.message());
        void d.accept();
      });

    // A new token (one confirmation): shown once; the old one stops working, the new one works.
    acceptNext();
    await section.locator(`.device-card[data-device-id="${c.id}"]`).getByRole('button', { name: 'Cấp mã mới' }).click();
    const rotated = page.getByRole('dialog', { name: 'Mã thiết bị của «Cụm loa thôn Pá Hu»' });
    await rotated.waitFor();
    const newToken = await rotated.getByLabel('Mã thiết bị').inputValue();
    expect(newToken).toMatch(/^lxs_/);
    expect(newToken).not.toBe(token);
    expect(confirms).toEqual(['Cấp mã mới cho «Cụm loa thôn Pá Hu»? Mã cũ ngừng hoạt động ngay; cần cài mã mới vào thiết bị.']);
    await rotated.getByRole('button', { name: 'Tôi đã lưu mã, đóng lại' }).click();
    await rotated.waitFor({ state: 'detached' });
    await expect.poll(async () => (await call(token, 'POST', STATION_HEARTBEAT_PATH, heartbeat(upcomingStartsAt))).status, { timeout: 10_000 }).toBe(401);
    expect((await call(newToken, 'POST', STATION_HEARTBEAT_PATH, { ...heartbeat(upcomingStartsAt), lastError: null })).status).toBe(200);

    // Rename it, then revoke it (one confirmation): its token stops working.
    const rowC = section.locator(`.device-card[data-device-id="${c.id}"]`);
    await rowC.getByRole('button', { name: 'Đổi tên' }).click();
    await rowC.getByLabel('Tên mới của «Cụm loa thôn Pá Hu»').fill('Cụm loa bản Pá Hu');
    await rowC.getByRole('button', { name: 'Lưu' }).click();
    await section.getByText('Đã đổi tên thành «Cụm loa bản Pá Hu».').waitFor();
    await expect.poll(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}`)).body.devices.find((d: { id: string }) => d.id === c.id).name).toBe('Cụm loa bản Pá Hu');
    acceptNext();
    await section.locator(`.device-card[data-device-id="${c.id}"]`).getByRole('button', { name: 'Thu hồi' }).click();
    await section.getByText('Đã thu hồi «Cụm loa bản Pá Hu».').waitFor();
    expect(confirms[1]).toBe('Thu hồi «Cụm loa bản Pá Hu»? Thiết bị bị ngắt kết nối ngay và không dùng lại được mã này.');
    await section.locator(`.device-card[data-device-id="${c.id}"]`).waitFor({ state: 'detached' });
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}`)).body.devices.find((d: { id: string }) => d.id === c.id).revokedAt).toBeTruthy();
    await expect.poll(async () => (await call(newToken, 'POST', STATION_HEARTBEAT_PATH, heartbeat(upcomingStartsAt))).status, { timeout: 10_000 }).toBe(401);
    expect(await section.locator(`[data-revoked="true"][data-device-id="${c.id}"]`).textContent()).toContain('Cụm loa bản Pá Hu');

    // An operator sees its station's clusters, without the admin's buttons.
    const op = await newPage(390, 844, true);
    await signInWithToken(op, operatorToken);
    const opSection = op.locator('[data-section="devices"]');
    await opSection.locator(`.device-card[data-device-id="${devA.id}"]`).waitFor();
    expect(await opSection.getByRole('button', { name: 'Thu hồi' }).count()).toBe(0);
    expect(await opSection.getByRole('button', { name: 'Thêm cụm loa' }).count()).toBe(0);
    const o = await pageOverflowsX(op);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });
    await op.screenshot({ path: SHOTS.station, fullPage: true });
  });

  it('"Phát ngay" on a phone: one confirmation, it goes out; "Dừng phát" stops it', async () => {
    const page = await newPage(390, 844, true);
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('navigation').getByRole('link', { name: 'Phát ngay' }).click();
    const form = page.locator('form.play-now-form');
    await form.waitFor();
    await form.getByLabel('Chương trình').selectOption(episode.id);

    // Nothing picked: said so, nothing sent.
    await form.getByRole('button', { name: 'Phát ngay' }).click();
    await form.getByText('Hãy chọn ít nhất một đài, hoặc «Tất cả các đài».').waitFor();

    const confirms: string[] = [];
    // Declined: nothing goes out.
    page.once('dialog', (d) => {
      confirms.push(d.message());
      void d.dismiss();
    });
    await form.getByLabel('Tất cả các đài (1 đài)').check();
    await form.getByRole('button', { name: 'Phát ngay' }).click();
    await expect.poll(() => confirms.length).toBe(1);
    expect((await call(ADMIN_TOKEN, 'GET', '/api/v1/play-now')).body.items).toEqual([]);

    // Accepted: one action, and it is playing.
    await form.getByLabel('Tất cả các đài (1 đài)').uncheck();
    await form.getByLabel(`${station.code} ${station.name}`).check();
    page.once('dialog', (d) => {
      confirms.push(d.message());
      void d.accept();
    });
    await form.getByRole('button', { name: 'Phát ngay' }).click();
    await form.getByText(`Đã phát ngay «${episode.title}» tới 1 đài.`).waitFor();
    expect(confirms).toEqual(['Phát khẩn cấp ngay tới 1 đài?', 'Phát khẩn cấp ngay tới 1 đài?']);
    const items = (await call(ADMIN_TOKEN, 'GET', '/api/v1/play-now')).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ episodeId: episode.id, status: 'playing' });
    const row = page.locator(`table.play-now-list tr[data-play-now-id="${items[0].id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('playing');
    expect(await row.locator('[data-status]').first().textContent()).toBe('● Đang phát');
    expect(await row.textContent()).toContain(episode.title);

    page.once('dialog', (d) => {
      confirms.push(d.message());
      void d.accept();
    });
    await row.getByRole('button', { name: 'Dừng phát' }).click();
    await page.getByText(`Đã dừng phát «${episode.title}».`).waitFor();
    expect(confirms[2]).toBe(`Dừng phát «${episode.title}» trên mọi cụm loa của 1 đài?`);
    // (The bulletin lasts about 20 s: what is checked while it plays comes first, the rest after the stop.)
    const detail = (await call(ADMIN_TOKEN, 'GET', `/api/v1/play-now/${items[0].id}`)).body;
    expect(detail.status).toBe('stopped');
    expect(detail.stations.map((s: { stationId: string }) => s.stationId)).toEqual([station.id]);
    await page.locator(`table.play-now-list tr[data-play-now-id="${items[0].id}"][data-status="stopped"]`).waitFor();
    expect(await page.locator(`table.play-now-list tr[data-play-now-id="${items[0].id}"]`).getByRole('button', { name: 'Dừng phát' }).count()).toBe(0);
    const o = await pageOverflowsX(page);
    expect(o, o.culprits.join(', ')).toMatchObject({ overflows: false });
    await page.screenshot({ path: SHOTS.playNow, fullPage: true });

    // Not for an editor: no nav entry, and the page refuses.
    const editor = (await createUserWithToken(rt.db, { name: 'Biên tập viên', role: 'editor' })).token;
    const ed = await newPage(1280, 900);
    await signInWithToken(ed, editor);
    expect(await ed.getByRole('navigation').getByRole('link', { name: 'Phát ngay' }).count()).toBe(0);
    await ed.goto('/#/play-now');
    await ed.locator('[data-error="forbidden"]').waitFor();
  });
});
