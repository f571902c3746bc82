import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { alertsRepo } from '../../src/db/alerts-repo.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api } from '../helpers/api.js';
import { ADMIN_TOKEN, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { startWebhookReceiver, type ReceivedPush } from '../helpers/webhook-receiver.js';

const SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
const HOUR = 3600_000;

interface Station {
  id: string;
  token: string;
}

/** A heartbeat as the agent sends it; `upcoming` says which files are verified on the device. */
function heartbeat(upcoming: { airingId: string; startsAt: string; fileReady: boolean }[] = []) {
  return {
    agentVersion: 'test-1',
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    uptimeSec: 60,
    nowPlaying: null,
    nextAiring: null,
    upcoming,
    cacheBytes: 0,
    freeDiskBytes: 1_000_000_000,
    pendingReports: 0,
    lastPlayer: null,
    lastError: null,
    clockOffsetMs: 0,
    channel: 'closed',
  };
}

/** An episode and a live airing of it at [startsAt, endsAt), written as the allocator would have (past times included). */
async function insertAiring(rt: Runtime, stationId: string, title: string, startsAt: Date, endsAt: Date, changedAt = new Date(Date.now() - HOUR)): Promise<{ airingId: string; episodeId: string }> {
  const episodeId = crypto.randomUUID();
  const planId = crypto.randomUUID();
  const airingId = crypto.randomUUID();
  await rt.db.query(
    `INSERT INTO episodes (id, title, language, status, original_key, original_size_bytes, original_sha256, duration_sec, ready_at)
     VALUES ($1, $2, 'vi', 'ready', $3, 1000, 'x', $4, now() - interval '2 days')`,
    [episodeId, title, `originals/${episodeId}`, (endsAt.getTime() - startsAt.getTime()) / 1000],
  );
  await rt.db.query(
    `INSERT INTO plans (id, episode_id, status, priority, airings_per_station, from_date, to_date, min_gap_sec, all_stations, approved_at)
     VALUES ($1, $2, 'approved', 'normal', 1, $3::date, $3::date, 0, false, now())`,
    [planId, episodeId, startsAt.toISOString().slice(0, 10)],
  );
  await rt.db.query(
    `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'normal', 'live', $7)`,
    [airingId, planId, stationId, episodeId, startsAt, endsAt, changedAt],
  );
  return { airingId, episodeId };
}

const events = (received: ReceivedPush[], alertId: string, type?: string) =>
  received.filter((r) => r.body?.data?.alert?.id === alertId && (!type || r.body.type === type));

describe('alerts (PGlite, a tick every second)', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let taVan: Station;
  let banHo: Station;
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);
  const openAlerts = async (q = '') => (await call(ADMIN_TOKEN, 'GET', `/api/v1/alerts?status=open${q}`)).body;

  beforeAll(async () => {
    s3 = await startTestS3();
    receiver = await startWebhookReceiver((p) => (p === '/duty' ? SECRET : undefined));
    rt = await startRuntime(
      testConfig({
        s3Endpoint: s3.endpoint,
        bucket: s3.bucket,
        env: {
          // ALERT_OFFLINE_MIN and ALERT_FILE_LEAD_MIN stay at their defaults (30, 60): the test moves time, not the rules.
          ALERT_CRON: '*/1 * * * * *',
          ALERT_WEBHOOK_URL: receiver.url('/duty'),
          ALERT_WEBHOOK_SECRET: SECRET,
          PUSH_CRON: '0 0 1 1 *',
          PUSH_BACKOFF_MS: '300',
          PUSH_MAX_BACKOFF_MS: '1000',
          PUSH_RETRY_HOURS: '0.1',
          PUSH_TIMEOUT_MS: '2000',
        },
      }),
    );
    const a = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '01234', name: 'Đài xã Tả Van' });
    const b = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '01235', name: 'Đài xã Bản Hồ' });
    expect([a.status, b.status]).toEqual([201, 201]);
    taVan = a.body;
    banHo = b.body;
  });

  afterAll(async () => {
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await receiver?.close();
    await s3?.close();
  });

  it('raises nothing for devices that were just added', async () => {
    expect(await rt.alerts.evaluate()).toMatchObject({ opened: 0, resolved: 0 });
    expect(await openAlerts()).toMatchObject({ items: [], total: 0, open: 0 });
  });

  let offlineId: string;

  it('opens one alert for a device silent past ALERT_OFFLINE_MIN, lists it, sends it once signed, and resolves it on a heartbeat', async () => {
    await rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '3 hours 5 minutes' WHERE station_id = $1`, [taVan.id]);
    const listed = await waitFor(
      async () => {
        const body = await openAlerts();
        return body.items.length > 0 ? body : undefined;
      },
      { what: 'the offline alert on the API', timeoutMs: 30_000 },
    );
    expect(listed).toMatchObject({ total: 1, open: 1 });
    const item = listed.items[0];
    offlineId = item.id;
    expect(item).toMatchObject({
      kind: 'device_offline',
      status: 'open',
      stationId: taVan.id,
      stationCode: '01234',
      stationName: 'Đài xã Tả Van',
      deviceName: 'Cụm loa 1',
      airingId: null,
      resolvedAt: null,
    });
    expect(item.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.message).toMatch(/^Cụm loa 1 — Đài xã Tả Van mất kết nối 3 giờ \(lần cuối thấy \d\d\/\d\d\/\d{4} \d\d:\d\d\)$/);
    expect(item.messageEn).toMatch(/^Cụm loa 1 — Đài xã Tả Van offline for 3 hours/);

    const sent = await waitFor(() => events(receiver.received, offlineId, 'alert.opened')[0], { what: 'alert.opened at the receiver' });
    expect(sent.verified).toBe(true);
    expect(sent.headers['webhook-id']).toBe(`${offlineId}-opened`);
    expect(sent.body).toMatchObject({ type: 'alert.opened', timestamp: item.openedAt, data: { alert: { id: offlineId, kind: 'device_offline', stationCode: '01234' } } });
    await waitFor(async () => (await alertsRepo(rt.db).get(offlineId))?.notifiedAt, { what: 'notified_at' });

    // Further ticks (the cron's and these) neither open a second alert nor send it again.
    expect(await rt.alerts.evaluate()).toMatchObject({ opened: 0, resolved: 0 });
    expect((await rt.db.query(`SELECT 1 FROM alerts WHERE kind = 'device_offline'`)).rowCount).toBe(1);

    const hb = await call(taVan.token, 'POST', '/api/v1/station/heartbeat', heartbeat());
    expect(hb.status).toBe(200);
    const resolved = await waitFor(
      async () => (await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts?status=resolved')).body.items.find((i: { id: string }) => i.id === offlineId),
      { what: 'the alert resolved' },
    );
    expect(resolved.details.resolution).toBe('seen_again');
    expect(resolved.resolvedAt).not.toBeNull();
    const gone = await waitFor(() => events(receiver.received, offlineId, 'alert.resolved')[0], { what: 'alert.resolved at the receiver' });
    expect(gone.verified).toBe(true);
    expect(gone.body).toMatchObject({ type: 'alert.resolved', timestamp: resolved.resolvedAt, data: { alert: { id: offlineId, status: 'resolved' } } });
    expect(events(receiver.received, offlineId, 'alert.opened')).toHaveLength(1);
    expect(events(receiver.received, offlineId)).toHaveLength(2);
    expect(receiver.received.indexOf(sent)).toBeLessThan(receiver.received.indexOf(gone));
    expect((await openAlerts()).open).toBe(0);
  });

  it('opens an alert for a missed airing, and resolves it when a play arrives late', async () => {
    await rt.db.query(`UPDATE devices SET last_seen_at = now()`);
    const start = new Date(Date.now() - 3 * HOUR);
    const { airingId } = await insertAiring(rt, banHo.id, 'Chuyển đổi số — số 11', start, new Date(start.getTime() + 30 * 60_000));
    const item = await waitFor(async () => (await openAlerts('&kind=airing_missed')).items.find((i: { airingId: string }) => i.airingId === airingId), {
      what: 'the missed-airing alert',
    });
    expect(item).toMatchObject({ kind: 'airing_missed', stationId: banHo.id, stationCode: '01235', deviceId: null, details: { reason: 'no_play_reported', airingTitle: 'Chuyển đổi số — số 11' } });
    expect(item.message).toContain('Đài xã Bản Hồ: chưa phát (quá hạn) «Chuyển đổi số — số 11» lúc ');
    expect(item.messageEn).toMatch(/— no play reported$/);
    await waitFor(() => events(receiver.received, item.id, 'alert.opened')[0]?.verified, { what: 'missed alert sent' });

    const aired = await call(ADMIN_TOKEN, 'POST', `/api/v1/airings/${airingId}/aired`, {});
    expect(aired.status).toBe(201);
    const resolved = await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts?status=resolved&kind=airing_missed')).body.items.find((i: { id: string }) => i.id === item.id), {
      what: 'missed alert resolved by the play',
    });
    expect(resolved.details.resolution).toBe('played');
    await waitFor(() => events(receiver.received, item.id, 'alert.resolved')[0]?.verified, { what: 'resolved event sent' });
  });

  it('opens a missed-airing alert at once when a device reports the airing missed, with its reason', async () => {
    // Ended ten minutes ago: inside the hour's grace, so only the device's report can raise it now.
    const start = new Date(Date.now() - 40 * 60_000);
    const { airingId, episodeId } = await insertAiring(rt, banHo.id, 'Bản tin phòng chống lũ', start, new Date(start.getTime() + 30 * 60_000));
    expect(await rt.alerts.evaluate()).toMatchObject({ opened: 0 });
    const report = await call(banHo.token, 'POST', '/api/v1/station/plays', {
      plays: [{ eventId: `miss-${airingId}`, episodeId, airingId, startedAt: start.toISOString(), durationSec: 0, source: 'auto', outcome: 'missed', reason: 'file_not_ready' }],
    });
    expect(report.status).toBe(200);
    expect(report.body.results[0].status).toBe('accepted');
    const item = await waitFor(async () => (await openAlerts('&kind=airing_missed')).items.find((i: { airingId: string }) => i.airingId === airingId), {
      what: 'the reported-missed alert',
    });
    expect(item.details).toMatchObject({ reason: 'file_not_ready', misses: [{ deviceName: 'Cụm loa 1', reason: 'file_not_ready' }] });
    expect(item.message).toMatch(/— Cụm loa 1: tệp chưa có trên thiết bị$/);
  });

  it('opens a file-not-delivered alert for a device whose heartbeat lacks a file due within the hour, and resolves it when the file is ready', async () => {
    const startsAt = new Date(Date.now() + 30 * 60_000);
    const { airingId } = await insertAiring(rt, taVan.id, 'Thông báo tiêm chủng', startsAt, new Date(startsAt.getTime() + 15 * 60_000));
    expect((await call(taVan.token, 'POST', '/api/v1/station/heartbeat', heartbeat([{ airingId, startsAt: startsAt.toISOString(), fileReady: false }]))).status).toBe(200);
    const item = await waitFor(async () => (await openAlerts('&kind=file_not_delivered')).items.find((i: { airingId: string }) => i.airingId === airingId), {
      what: 'the file alert',
    });
    expect(item).toMatchObject({ stationId: taVan.id, deviceName: 'Cụm loa 1', details: { reason: 'file_not_ready' } });
    expect(item.message).toMatch(/^Cụm loa 1 — Đài xã Tả Van chưa nhận tệp «Thông báo tiêm chủng» phát lúc \d\d\/\d\d\/\d{4} \d\d:\d\d$/);
    expect((await call(taVan.token, 'POST', '/api/v1/station/heartbeat', heartbeat([{ airingId, startsAt: startsAt.toISOString(), fileReady: true }]))).status).toBe(200);
    const resolved = await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts?status=resolved&kind=file_not_delivered')).body.items.find((i: { id: string }) => i.id === item.id), {
      what: 'file alert resolved',
    });
    expect(resolved.details.resolution).toBe('file_ready');
  });

  it('delivers to a receiver that was down at first once it is back (retried with back-off)', async () => {
    receiver.setDown(true);
    await rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '45 minutes' WHERE station_id = $1`, [banHo.id]);
    const item = await waitFor(async () => (await openAlerts('&kind=device_offline')).items.find((i: { stationId: string }) => i.stationId === banHo.id), {
      what: 'offline alert for Bản Hồ',
    });
    expect(item.message).toMatch(/mất kết nối 45 phút/);
    // The first attempt got 503: the job now waits for its retry.
    await waitFor(async () => (await rt.queues.state('alert-webhook', { alertId: item.id, event: 'opened' })) === 'delayed', { what: 'a failed first attempt' });
    expect((await alertsRepo(rt.db).get(item.id))?.notifiedAt).toBeNull();
    expect(events(receiver.received, item.id)).toHaveLength(0);
    receiver.setDown(false);
    const sent = await waitFor(() => events(receiver.received, item.id, 'alert.opened')[0], { what: 'delivery after the receiver came back' });
    expect(sent.verified).toBe(true);
    await waitFor(async () => (await alertsRepo(rt.db).get(item.id))?.notifiedAt, { what: 'notified_at after retry' });
  });
});

describe('alerts (PostgreSQL, the default once-a-minute tick)', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let taVan: Station;
  let banHo: Station;
  let operatorBanHo: string;
  let viewer: string;
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    dropDb = db.drop;
    receiver = await startWebhookReceiver((p) => (p === '/duty' ? SECRET : undefined));
    // Every ALERT_* setting but the receiver at its default: ALERT_CRON every minute, 30 min offline, 60 min lead.
    rt = await startRuntime(
      testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { ALERT_WEBHOOK_URL: receiver.url('/duty'), ALERT_WEBHOOK_SECRET: SECRET, PUSH_CRON: '0 0 1 1 *' } }),
    );
    taVan = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02001', name: 'Đài xã Tả Van' })).body;
    banHo = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02002', name: 'Đài xã Bản Hồ' })).body;
    operatorBanHo = (await createUserWithToken(rt.db, { name: 'cán bộ Bản Hồ', role: 'operator', stationId: banHo.id })).token;
    viewer = (await createUserWithToken(rt.db, { name: 'UBND huyện', role: 'viewer' })).token;
  });

  afterAll(async () => {
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await receiver?.close();
    await s3?.close();
    await dropDb?.();
  });

  it('the scheduler\'s own minute tick opens the alert for a device silent 31 minutes', async () => {
    await rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '31 minutes' WHERE station_id = $1`, [taVan.id]);
    const item = await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts')).body.items[0], { what: 'an alert from the cron tick', timeoutMs: 90_000, intervalMs: 500 });
    expect(item).toMatchObject({ kind: 'device_offline', stationId: taVan.id });
    expect(item.message).toMatch(/mất kết nối 3[12] phút/);
    await waitFor(() => events(receiver.received, item.id, 'alert.opened')[0]?.verified, { what: 'sent', timeoutMs: 30_000 });
  });

  it('two evaluations at once open the alert once and send it once', async () => {
    await rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '2 hours' WHERE station_id = $1`, [banHo.id]);
    const runs = await Promise.all([rt.alerts.evaluate(), rt.alerts.evaluate(), rt.alerts.evaluate()]);
    // The cron may have ticked in the same instant: then it is the one that opened it.
    expect(runs.reduce((n, r) => n + r.opened, 0)).toBeLessThanOrEqual(1);
    const rows = await rt.db.query<{ id: string }>(`SELECT id FROM alerts WHERE station_id = $1`, [banHo.id]);
    expect(rows.rowCount).toBe(1);
    const id = rows.rows[0]!.id;
    await waitFor(() => events(receiver.received, id, 'alert.opened')[0], { what: 'sent' });
    // Whoever lost the race queued nothing: another evaluation, then the resolve, show no second opened event.
    await rt.db.query(`UPDATE devices SET last_seen_at = now() WHERE station_id = $1`, [banHo.id]);
    const after = await Promise.all([rt.alerts.evaluate(), rt.alerts.evaluate()]);
    expect(after.reduce((n, r) => n + r.resolved, 0)).toBeLessThanOrEqual(1);
    await waitFor(() => events(receiver.received, id, 'alert.resolved')[0], { what: 'resolved sent' });
    expect(events(receiver.received, id, 'alert.opened')).toHaveLength(1);
    expect(events(receiver.received, id, 'alert.resolved')).toHaveLength(1);
  });

  it('the database keeps one open alert per subject when two transactions insert it at the same moment', async () => {
    const deviceId = (await rt.db.query<{ id: string }>('SELECT id FROM devices WHERE station_id = $1', [taVan.id])).rows[0]!.id;
    const subject = `device_offline:race-${deviceId}`;
    const alert = (id: string) => ({ id, kind: 'device_offline' as const, subject, stationId: taVan.id, deviceId, airingId: null, details: { message: 'x', messageEn: 'x', stationCode: '02001', stationName: 'x', timezone: 'UTC' } });
    let second: Promise<string[]> | undefined;
    const first = await rt.db.transaction(async (tx) => {
      const mine = await alertsRepo(tx).open([alert(crypto.randomUUID())], new Date());
      second = rt.db.transaction((tx2) => alertsRepo(tx2).open([alert(crypto.randomUUID())], new Date()));
      // The second insert must be waiting on the first's uncommitted row before this one commits.
      await waitFor(
        async () =>
          (await rt.db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO alerts%'`)).rowCount > 0,
        { what: 'second insert blocked' },
      );
      return mine;
    });
    expect(first).toHaveLength(1);
    expect(await second).toEqual([]);
    expect((await rt.db.query('SELECT 1 FROM alerts WHERE subject = $1', [subject])).rowCount).toBe(1);
  });

  it('an operator sees only their own station\'s alerts; others see all', async () => {
    const own = await call(operatorBanHo, 'GET', '/api/v1/alerts?status=all');
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((i: { stationId: string }) => i.stationId === banHo.id)).toBe(true);
    expect(own.body.total).toBe(own.body.items.length);
    const other = await call(operatorBanHo, 'GET', `/api/v1/alerts?stationId=${taVan.id}`);
    expect(other.status).toBe(403);
    const all = await call(viewer, 'GET', '/api/v1/alerts?status=all');
    expect(new Set(all.body.items.map((i: { stationId: string }) => i.stationId))).toEqual(new Set([taVan.id, banHo.id]));
    const filtered = await call(viewer, 'GET', `/api/v1/alerts?status=all&stationId=${taVan.id}`);
    expect(filtered.body.items.every((i: { stationId: string }) => i.stationId === taVan.id)).toBe(true);
    expect((await call(taVan.token, 'GET', '/api/v1/alerts')).status).toBe(403);
    expect((await call(null, 'GET', '/api/v1/alerts')).status).toBe(401);
  });

  it('refuses bad query parameters with 422 naming the parameter', async () => {
    const bad: [string, string][] = [
      ['status=closed', 'status'],
      ['kind=fire', 'kind'],
      ['stationId=01234', 'stationId'],
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      ['limit=ten', 'limit'],
      ['offset=-1', 'offset'],
      ['status=open&status=all', 'status'],
    ];
    for (const [q, field] of bad) {
      const res = await call(ADMIN_TOKEN, 'GET', `/api/v1/alerts?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0].field, q).toBe(field);
    }
    const page = await call(ADMIN_TOKEN, 'GET', '/api/v1/alerts?status=all&limit=1&offset=1');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
  });
});
