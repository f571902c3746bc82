import crypto from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesRepo } from '../../src/db/devices-repo.js';
import { compareEventIds } from '../../src/realtime/event-id.js';
import { hashToken, newToken } from '../../src/domain/tokens.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { STATION_EVENTS_PATH } from '../../src/wire/station-protocol.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { SseClient } from '../helpers/sse-client.js';

const TZ = 'Asia/Ho_Chi_Minh';

/**
 * The live channel as a device sees it, at the protocol level, across two API processes sharing Redis and
 * PostgreSQL: what arrives, how fast, what is replayed after a cut, and what a device may not hear.
 */
describe('live channel (SSE) fanned out through Redis', () => {
  let a: Runtime;
  let b: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  let episodeId: string;
  let stationA: { id: string; token: string };
  let stationB: { id: string; token: string };
  let secondDeviceToken: string;
  let secondDeviceId: string;
  const clients: SseClient[] = [];
  const today = DateTime.now().setZone(TZ).toISODate()!;

  const call = (rt: Runtime, token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);
  const connect = (rt: Runtime, token: string, lastEventId?: string) => {
    const c = new SseClient(rt.url! + STATION_EVENTS_PATH, token, lastEventId);
    clients.push(c);
    return c;
  };
  const hello = (c: SseClient) => c.next((e) => e.type === 'hello');

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    dropDb = db.drop;
    const cfgA = testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { PUSH_CRON: '0 0 1 1 *' } });
    a = await startRuntime(cfgA);
    // A second API process on the same database and Redis prefix, as a split deployment runs them.
    b = await startRuntime(
      testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { ROLE: 'api', QUEUE_PREFIX: cfgA.redis.prefix, CHANNEL_HEARTBEAT_SEC: '5' } }),
    );
    const up = await uploadFile(a.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Bản tin khẩn: lũ quét' });
    episodeId = up.body.id;
    const sa = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02001', name: 'Đài xã Mường Hum', grid: [] });
    const sb = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02002', name: 'Đài xã Dền Sáng', grid: [] });
    stationA = sa.body;
    stationB = sb.body;
    secondDeviceToken = newToken('lxs');
    secondDeviceId = crypto.randomUUID();
    await devicesRepo(a.db).insert({ id: secondDeviceId, stationId: stationA.id, name: 'Cụm loa 2', tokenHash: hashToken(secondDeviceToken), isPrimary: false });
    await waitFor(async () => (await call(a, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body.status === 'ready', { timeoutMs: 90_000, what: 'episode ready' });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await b?.close();
    await a?.close();
    await clearQueuePrefix(a.config.redis.prefix);
    await s3?.close();
    await dropDb?.();
  });

  it('says hello first, then tells devices on either API process of an emergency within a second of its approval; other stations hear nothing', async () => {
    const onA = connect(a, stationA.token);
    const onB = connect(b, secondDeviceToken);
    const other = connect(b, stationB.token);
    const [h1, h2] = await Promise.all([hello(onA), hello(onB), hello(other)]);
    expect(h1.data).toMatchObject({ stationId: stationA.id, heartbeatSec: 20, fanout: 'ok' });
    expect(h2.data).toMatchObject({ stationId: stationA.id, deviceId: secondDeviceId, heartbeatSec: 5 });

    const plan = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationA.id], from: today, to: today, priority: 'emergency' });
    const approved = await call(a, ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
    const answeredAt = Date.now();
    expect(approved.status).toBe(200);
    const airingId = approved.body.stations[0].airings[0].id;
    for (const c of [onA, onB]) {
      const e = await c.next((x) => x.type === 'play-now');
      expect(e.data).toMatchObject({ playNowId: plan.body.plan.id, airingId, episodeId });
      expect(e.id).toMatch(/^\d+-\d+$/);
      expect(e.at - answeredAt).toBeLessThan(1000);
    }
    // The device that hears of it fetches the manifest: the emergency in progress is in it.
    const manifest = await call(b, secondDeviceToken, 'GET', '/api/v1/station/manifest');
    expect(manifest.body.airings.map((x: { id: string }) => x.id)).toContain(airingId);
    expect(other.events.filter((e) => e.type !== 'hello' && e.type !== 'status')).toEqual([]);
    // Heartbeat comments keep the channel alive through 3G middleboxes (B is set to every 5 s).
    const before = onB.comments;
    await waitFor(() => onB.comments > before, { timeoutMs: 12_000, what: 'heartbeat comment' });
  });

  it('replays what a device missed while it was away, from its Last-Event-ID, and nothing it already had', async () => {
    const c = connect(b, stationA.token);
    await hello(c);
    const plan = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationA.id], from: today, to: today, priority: 'emergency' });
    await call(a, ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
    const seen = await c.next((e) => e.type === 'play-now' && e.data.playNowId === plan.body.plan.id);
    c.close();
    // While the device is away: the plan is cancelled (its stations' manifests change).
    await call(a, ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/cancel`);
    const back = connect(a, stationA.token, seen.id);
    await hello(back);
    const replayed = await back.next((e) => e.type === 'manifest' && e.data.reason === 'plan_cancelled');
    expect(compareEventIds(replayed.id!, seen.id!)).toBeGreaterThan(0);
    expect(back.events.some((e) => e.id === seen.id)).toBe(false);
  });

  it('"Phát ngay" goes out in one action and "Dừng phát" stops it on every device; only admins may', async () => {
    const onA = connect(a, stationA.token);
    const onB = connect(b, secondDeviceToken);
    await Promise.all([hello(onA), hello(onB)]);
    const editor = (await createUserWithToken(a.db, { name: 'biên tập phát ngay', role: 'editor' })).token;
    expect((await call(a, editor, 'POST', '/api/v1/play-now', { episodeId, stationIds: [stationA.id] })).status).toBe(403);
    const bad = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/play-now', { episodeId, stationIds: [] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('stationIds');

    const started = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/play-now', { episodeId, stationIds: [stationA.id] });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ episodeId, status: 'playing', stationCount: 1, title: 'Bản tin khẩn: lũ quét' });
    const airingId = started.body.stations[0].airingId;
    for (const c of [onA, onB]) expect((await c.next((e) => e.type === 'play-now' && e.data.airingId === airingId)).data.playNowId).toBe(started.body.id);

    const stopped = await call(a, ADMIN_TOKEN, 'POST', `/api/v1/play-now/${started.body.id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    for (const c of [onA, onB]) expect((await c.next((e) => e.type === 'stop')).data).toEqual({ playNowId: started.body.id, airingIds: [airingId] });
    const manifest = await call(a, stationA.token, 'GET', '/api/v1/station/manifest');
    expect(manifest.body.airings.map((x: { id: string }) => x.id)).not.toContain(airingId);
    const list = await call(a, ADMIN_TOKEN, 'GET', '/api/v1/play-now');
    expect(list.body.items[0]).toMatchObject({ id: started.body.id, status: 'stopped' });
    expect((await call(a, ADMIN_TOKEN, 'GET', `/api/v1/play-now/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('closes the channel of a rotated token within 5 s, on another process too, and refuses the old token', async () => {
    const c = connect(b, stationA.token);
    await hello(c);
    const rotated = await call(a, ADMIN_TOKEN, 'POST', `/api/v1/stations/${stationA.id}/rotate-token`);
    expect(rotated.status).toBe(200);
    expect(await c.closedWithin(5000)).toBe(true);
    expect(c.events.some((e) => e.type === 'revoked')).toBe(true);
    const old = connect(a, stationA.token);
    await old.done;
    expect(old.status).toBe(401);
    stationA = { ...stationA, token: rotated.body.token };
    const fresh = connect(b, stationA.token);
    expect((await hello(fresh)).data.stationId).toBe(stationA.id);
  });

  it('takes missed-airing reports in the plays batch, once each, and only for the station\'s own airings', async () => {
    const plan = await call(a, ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationA.id, stationB.id], from: today, to: today, priority: 'emergency' });
    const approved = await call(a, ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
    const byStation = new Map<string, { id: string; startsAt: string }>(approved.body.stations.map((s: any) => [s.stationId, s.airings[0]]));
    const mine = byStation.get(stationA.id)!;
    const theirs = byStation.get(stationB.id)!;
    const miss = (eventId: string, airing: { id: string; startsAt: string }) => ({ eventId, episodeId, airingId: airing.id, startedAt: airing.startsAt, durationSec: 0, source: 'auto', outcome: 'missed', reason: 'file_not_ready' });
    const batch = [miss('m-1', mine), { eventId: 'p-1', episodeId, airingId: mine.id, startedAt: mine.startsAt, durationSec: 5, source: 'auto', outcome: 'played' }, miss('m-2', theirs), { ...miss('m-3', mine), reason: 'power_cut' }];
    const first = await call(b, secondDeviceToken, 'POST', '/api/v1/station/plays', { plays: batch });
    expect(first.status).toBe(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'rejected', 'rejected']);
    expect(first.body.results[2].reason).toBe('unknown_airing');
    expect(first.body.results[3].message).toMatch(/^reason:/);
    const again = await call(a, secondDeviceToken, 'POST', '/api/v1/station/plays', { plays: batch.slice(0, 2) });
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
    const rows = await a.db.query<{ device_id: string; reason: string; airing_id: string }>('SELECT device_id, reason, airing_id FROM airing_misses WHERE station_id = $1', [stationA.id]);
    expect(rows.rows).toEqual([{ device_id: secondDeviceId, reason: 'file_not_ready', airing_id: mine.id }]);
    const play = await a.db.query<{ device_id: string }>(`SELECT device_id FROM plays WHERE station_id = $1 AND event_id = 'p-1'`, [stationA.id]);
    expect(play.rows[0]!.device_id).toBe(secondDeviceId);
  });
});
