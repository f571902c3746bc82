import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { STATION_EVENTS_PATH } from '../../src/wire/station-protocol.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, REDIS_URL, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { SseClient } from '../helpers/sse-client.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Redis carries the fan-out between API processes, but a single-process deployment (the embedded default) must not
 * lose its emergencies when Redis is down: its own devices are told directly, and every device is told that fan-out
 * is degraded so it polls at the normal interval.
 */
describe('live channel while Redis is down (one process, embedded defaults)', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let proxy: TcpProxy;
  let episodeId: string;
  let station: { id: string; token: string };
  const clients: SseClient[] = [];
  const today = DateTime.now().setZone('Asia/Ho_Chi_Minh').toISODate()!;
  const call = (method: string, url: string, body?: unknown) => api(rt.url!, ADMIN_TOKEN, method, url, body);

  beforeAll(async () => {
    s3 = await startTestS3();
    const redis = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { REDIS_URL: proxy.url('redis'), PUSH_CRON: '0 0 1 1 *' } }));
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Bản tin khẩn' });
    episodeId = up.body.id;
    station = (await call('POST', '/api/v1/stations', { code: '03001', name: 'Đài xã Nậm Cang', grid: [] })).body;
    await waitFor(async () => (await call('GET', `/api/v1/episodes/${episodeId}`)).body.status === 'ready', { timeoutMs: 90_000, what: 'episode ready' });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    proxy?.up();
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await proxy?.close();
    await s3?.close();
  });

  it('still tells its own devices of an emergency, says fan-out is degraded, and recovers when Redis is back', async () => {
    const c = new SseClient(rt.url! + STATION_EVENTS_PATH, station.token);
    clients.push(c);
    expect((await c.next((e) => e.type === 'hello')).data.fanout).toBe('ok');

    proxy.down();
    await c.next((e) => e.type === 'status' && e.data.fanout === 'degraded', { timeoutMs: 15_000 });
    const plan = await call('POST', '/api/v1/plans', { episodeId, stationIds: [station.id], from: today, to: today, priority: 'emergency' });
    expect(plan.status).toBe(201);
    const approved = await call('POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
    expect(approved.status).toBe(200);
    const answeredAt = Date.now();
    const e = await c.next((x) => x.type === 'play-now');
    expect(e.data.airingId).toBe(approved.body.stations[0].airings[0].id);
    // Not logged in Redis, so it carries no id (a reconnect cannot replay it; the manifest poll after hello covers it).
    expect(e.id).toBeUndefined();
    expect(e.at - answeredAt).toBeLessThan(1000);

    proxy.up();
    const from = c.events.length;
    await c.next((x) => x.type === 'status' && x.data.fanout === 'ok', { timeoutMs: 30_000, from });
    await c.next((x) => x.type === 'manifest' && x.data.reason === 'fanout_restored', { from });
    await waitFor(async () => (await fetch(`${rt.url}/readyz`)).status === 200, { timeoutMs: 30_000, what: 'ready again' });
  });
});
