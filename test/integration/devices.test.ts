import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { deviceService } from '../../src/services/device-service.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { STATION_HEARTBEAT_PATH, type WireHeartbeat } from '../../src/wire/station-protocol.js';
import { api, uploadFile, type ApiResponse } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor, type Backend } from '../helpers/env.js';

const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [
  { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '11:00', durationMin: 30 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 60 },
];
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function heartbeat(over: Partial<WireHeartbeat> = {}): WireHeartbeat {
  return {
    agentVersion: '1.4.0',
    startedAt: new Date(Date.now() - 3600_000).toISOString(),
    uptimeSec: 3600,
    nowPlaying: null,
    nextAiring: null,
    upcoming: [],
    cacheBytes: 12_345_678,
    freeDiskBytes: 8_000_000_000,
    pendingReports: 0,
    lastPlayer: null,
    lastError: null,
    clockOffsetMs: 15,
    channel: 'closed',
    ...over,
  };
}

interface Suite {
  rt: Runtime;
  call: (token: string | null, method: string, url: string, body?: unknown) => Promise<ApiResponse>;
  close(): Promise<void>;
}

async function startSuite(backend: Backend, env: Record<string, string> = {}): Promise<Suite> {
  const s3 = await startTestS3();
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const db = await createPgDatabase();
    databaseUrl = db.url;
    drop = db.drop;
  }
  // Pushes are not under test; their cron stays out of the way.
  const rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl, env: { PUSH_CRON: '0 0 1 1 *', ...env } }));
  return {
    rt,
    call: (token, method, url, body) => api(rt.url!, token, method, url, body),
    async close() {
      await rt.close();
      await clearQueuePrefix(rt.config.redis.prefix);
      await s3.close();
      await drop?.();
    },
  };
}

/** A device's live channel (the lead's SSE endpoint), read as raw text until the service closes it. */
async function openChannel(base: string, token: string): Promise<{ text: () => string; ended: Promise<number>; close(): void }> {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/station/events`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  expect(res.status).toBe(200);
  let text = '';
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return Date.now();
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return Date.now();
    }
  })();
  await waitFor(() => text.includes('event: hello'), { what: 'hello on the live channel' });
  return { text: () => text, ended, close: () => ac.abort() };
}

async function createStation(s: Suite, code: string, name: string): Promise<{ id: string; token: string }> {
  const res = await s.call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code, name, grid: GRID });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

// At the default heartbeat interval (60 s): what a user meets with the agent's default settings.
describe.each<Backend>(['pglite', 'postgres'])('devices, heartbeats, health and fleet (%s)', (backend) => {
  let s: Suite;
  let call: Suite['call'];
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let primaryA: string;
  let operatorB: string;
  let editor: string;
  let episodeId: string;
  let cluster2: { id: string; token: string };

  beforeAll(async () => {
    s = await startSuite(backend);
    call = s.call;
    a = await createStation(s, '02001', 'Đài xã Tả Van');
    b = await createStation(s, '02002', 'Đài xã Bản Hồ');
    operatorB = (await createUserWithToken(s.rt.db, { name: 'cán bộ Bản Hồ', role: 'operator', stationId: b.id })).token;
    editor = (await createUserWithToken(s.rt.db, { name: 'biên tập', role: 'editor' })).token;
    const up = await uploadFile(s.rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Bản tin phòng chống lũ' });
    episodeId = up.body.id;
    await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body.status === 'ready', { timeoutMs: 90_000, what: 'episode ready' });
  });

  afterAll(async () => {
    await s?.close();
  });

  it('keeps the station token working as the first device; admins add, rename, rotate and revoke devices', async () => {
    expect(s.rt.config.live.deviceHeartbeatSec).toBe(60);
    const list = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${a.id}/devices`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const first = list.body.items[0];
    expect(first).toMatchObject({ name: 'Cụm loa 1', primary: true, revokedAt: null });
    primaryA = first.id;
    // The station token is the first device's: it signs in, and as that device.
    expect((await call(a.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);
    expect((await call(a.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(200);
    expect((await s.rt.db.query<{ health_at: Date | null }>('SELECT health_at FROM devices WHERE id = $1', [primaryA])).rows[0]!.health_at).not.toBeNull();

    const created = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices`, { name: '  Cụm loa thôn Lao Chải  ' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'Cụm loa thôn Lao Chải', primary: false, revokedAt: null });
    expect(created.body.token).toMatch(/^lxs_/);
    expect(created.body.health).toMatchObject({ online: false, lastSeenAt: null, since: created.body.createdAt });
    expect(created.headers.get('location')).toBe(`/api/v1/stations/${a.id}/devices/${created.body.id}`);
    cluster2 = { id: created.body.id, token: created.body.token };
    // Stored hashed, shown once: never in a read.
    const row = await s.rt.db.query<{ token_hash: string }>('SELECT token_hash FROM devices WHERE id = $1', [cluster2.id]);
    expect(row.rows[0]!.token_hash).toBe(sha256(cluster2.token));
    for (const url of [`/api/v1/stations/${a.id}/devices`, `/api/v1/stations/${a.id}`, '/api/v1/stations', '/api/v1/fleet']) {
      const text = JSON.stringify((await call(ADMIN_TOKEN, 'GET', url)).body);
      expect(text).not.toContain(cluster2.token);
      expect(text).not.toContain('"token"');
    }
    expect((await call(cluster2.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);

    // Names: unique per station whatever the case, 1–100 characters, nothing else may be patched.
    const dup = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices`, { name: 'CỤM LOA 1' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DEVICE_NAME_TAKEN');
    expect(dup.body.error.message).toMatch(/Đài đã có cụm loa/);
    // Another station may use the same name.
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${b.id}/devices`, { name: 'Cụm loa thôn Lao Chải' })).status).toBe(201);
    for (const [body, field] of [[{ name: '   ' }, 'name'], [{ name: 'x'.repeat(101) }, 'name'], [{}, 'name'], [{ name: 7 }, 'name']] as const) {
      const bad = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices`, body);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.body.error.details[0].field).toBe(field);
    }
    const renamed = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${a.id}/devices/${cluster2.id}`, { name: 'Cụm loa thôn Bản Dền' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Cụm loa thôn Bản Dền');
    const taken = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${a.id}/devices/${cluster2.id}`, { name: 'cụm loa 1' });
    expect(taken.status).toBe(409);
    const unknown = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${a.id}/devices/${cluster2.id}`, { name: 'Cụm loa 9', primary: true });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${a.id}/devices`)).body.items.map((d: { name: string }) => d.name)).toEqual(['Cụm loa 1', 'Cụm loa thôn Bản Dền']);
    // Another station's device in the path is not found; so is an unknown one.
    const bDevice = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${b.id}/devices`)).body.items[0].id;
    expect((await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${a.id}/devices/${bDevice}`, { name: 'x' })).status).toBe(404);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${bDevice}/revoke`)).status).toBe(404);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${crypto.randomUUID()}/rotate-token`)).status).toBe(404);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${crypto.randomUUID()}/devices`, { name: 'x' })).status).toBe(404);

    // Rotation: the old token is refused at once, its open channel is closed within 5 s, the new one works.
    const channel2 = await openChannel(s.rt.url!, cluster2.token);
    const rotatedAt = Date.now();
    const rotated = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${cluster2.id}/rotate-token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).toMatch(/^lxs_/);
    expect(rotated.body.token).not.toBe(cluster2.token);
    expect((await call(cluster2.token, 'GET', '/api/v1/station/manifest')).status).toBe(401);
    expect((await call(cluster2.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(401);
    expect(await Promise.race([channel2.ended, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 5000))]) - rotatedAt).toBeLessThan(5000);
    expect(channel2.text()).toContain('event: revoked');
    cluster2.token = rotated.body.token;
    expect((await call(cluster2.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);
    // The station token (the first device's) is untouched by another device's rotation.
    expect((await call(a.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);

    // Revocation: the token dies, the device and its history stay; repeating it changes nothing.
    const extra = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices`, { name: 'Cụm loa tạm' });
    expect((await call(extra.body.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(200);
    const channelX = await openChannel(s.rt.url!, extra.body.token);
    const revokedAt = Date.now();
    const revoked = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${extra.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect(revoked.body.health.online).toBe(false);
    expect((await call(extra.body.token, 'GET', '/api/v1/station/manifest')).status).toBe(401);
    expect(await Promise.race([channelX.ended, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 5000))]) - revokedAt).toBeLessThan(5000);
    expect(channelX.text()).toContain(`"deviceId":"${extra.body.id}"`);
    const again = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${extra.body.id}/revoke`);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${extra.body.id}/rotate-token`)).body.error.code).toBe('DEVICE_REVOKED');
    const dbRow = await s.rt.db.query<{ token_hash: string | null }>('SELECT token_hash FROM devices WHERE id = $1', [extra.body.id]);
    expect(dbRow.rows[0]!.token_hash).toBeNull();
    // It was online: the revocation is an offline transition in its history.
    const hist = await call(ADMIN_TOKEN, 'GET', `/api/v1/devices/${extra.body.id}/presence`);
    expect(hist.body.items.map((i: { online: boolean }) => i.online)).toEqual([false, true]);
    // Its name is free again.
    const reuse = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices`, { name: 'Cụm loa tạm' });
    expect(reuse.status).toBe(201);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/devices/${reuse.body.id}/revoke`)).status).toBe(200);

    // Rotating the station token rotates the first device's.
    const stationRotated = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${a.id}/rotate-token`);
    expect((await call(a.token, 'GET', '/api/v1/station/manifest')).status).toBe(401);
    a.token = stationRotated.body.token;
    expect((await call(a.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(200);
    expect((await s.rt.db.query<{ id: string }>('SELECT id FROM devices WHERE token_hash = $1', [sha256(a.token)])).rows[0]!.id).toBe(primaryA);
  });

  it('stores a heartbeat and shows it per device on the station and the station list; a bad one is refused naming the field', async () => {
    const airingId = crypto.randomUUID();
    const hb = heartbeat({
      agentVersion: '1.5.2',
      uptimeSec: 86_400,
      nowPlaying: { airingId: null, episodeId, title: 'Bản tin phòng chống lũ', startedAt: new Date().toISOString() },
      nextAiring: { airingId, title: 'Bản tin sáng', startsAt: '2030-01-01T06:00:00+07:00', fileReady: false },
      upcoming: [{ airingId, startsAt: '2030-01-01T06:00:00+07:00', fileReady: false }],
      pendingReports: 3,
      lastError: 'mpv: audio device busy',
      channel: 'open',
    });
    const res = await call(a.token, 'POST', STATION_HEARTBEAT_PATH, { ...hb, batteryVolts: 12.4 });
    expect(res.status).toBe(200);
    expect(res.body.heartbeatSec).toBe(60);
    expect(Math.abs(Date.parse(res.body.serverTime) - Date.now())).toBeLessThan(5000);

    const view = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${a.id}`);
    const dev = view.body.devices.find((d: { id: string }) => d.id === primaryA);
    expect(dev).toMatchObject({ name: 'Cụm loa 1', primary: true, revokedAt: null });
    expect(dev.health).toMatchObject({
      online: true,
      nowPlaying: hb.nowPlaying,
      nextAiring: hb.nextAiring,
      fileReady: false,
      pendingReports: 3,
      freeDiskBytes: 8_000_000_000,
      lastError: 'mpv: audio device busy',
      agentVersion: '1.5.2',
      uptimeSec: 86_400,
      cacheBytes: 12_345_678,
      clockOffsetMs: 15,
      channel: 'open',
    });
    expect(Date.now() - Date.parse(dev.health.lastSeenAt)).toBeLessThan(10_000);
    expect(Date.parse(dev.health.since)).toBeLessThanOrEqual(Date.parse(dev.health.lastSeenAt));
    // Unknown fields are not kept.
    const stored = await s.rt.db.query<{ health: unknown }>('SELECT health FROM devices WHERE id = $1', [primaryA]);
    const health = (typeof stored.rows[0]!.health === 'string' ? JSON.parse(stored.rows[0]!.health) : stored.rows[0]!.health) as Record<string, unknown>;
    expect(health.batteryVolts).toBeUndefined();
    expect(health.agentVersion).toBe('1.5.2');

    // The station list carries every station's devices (revoked ones marked as such).
    const list = await call(ADMIN_TOKEN, 'GET', '/api/v1/stations');
    const itemA = list.body.items.find((x: { id: string }) => x.id === a.id);
    expect(itemA.devices.map((d: { name: string; revokedAt: string | null }) => [d.name, d.revokedAt === null])).toEqual([
      ['Cụm loa 1', true],
      ['Cụm loa thôn Bản Dền', true],
      ['Cụm loa tạm', false],
      ['Cụm loa tạm', false],
    ]);
    expect(itemA.devices[0].health.agentVersion).toBe('1.5.2');
    expect(list.body.items.find((x: { id: string }) => x.id === b.id).devices).toHaveLength(2);
    // Patching a station answers with the same view.
    const patched = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${a.id}`, { name: 'Đài xã Tả Van (mới)' });
    expect(patched.body.devices).toHaveLength(4);

    // A device just seen is online at the default interval even with no heartbeat: any request is a sign of life.
    expect((await call(cluster2.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);
    const seen = await waitFor(
      async () => {
        const d = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${a.id}/devices`)).body.items.find((x: { id: string }) => x.id === cluster2.id);
        return d.health.online ? d : undefined;
      },
      { what: 'the polling device online' },
    );
    expect(seen.health.agentVersion).toBeNull();
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/devices/${cluster2.id}/presence`)).body.items[0].online).toBe(true);

    // Bad heartbeats: 422 naming the field, and nothing of them stored.
    const before = (await s.rt.db.query<{ health_at: Date }>('SELECT health_at FROM devices WHERE id = $1', [primaryA])).rows[0]!.health_at;
    const bads: [unknown, string][] = [
      [{ ...hb, uptimeSec: -5 }, 'uptimeSec'],
      [{ ...hb, channel: 'maybe' }, 'channel'],
      [{ ...hb, agentVersion: 'v'.repeat(500) }, 'agentVersion'],
      [{ ...hb, upcoming: [{ airingId: 'x', startsAt: hb.startedAt, fileReady: true }] }, 'upcoming.0.airingId'],
      [{ ...hb, nextAiring: { ...hb.nextAiring, fileReady: 'yes' } }, 'nextAiring.fileReady'],
      [{ ...hb, cacheBytes: null }, 'cacheBytes'],
      [{}, 'agentVersion'],
    ];
    for (const [body, field] of bads) {
      const bad = await call(a.token, 'POST', STATION_HEARTBEAT_PATH, body);
      expect(bad.status, field).toBe(422);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect(bad.body.error.details[0].field).toBe(field);
      expect(bad.body.error.messageEn).toContain(field);
    }
    const after = (await s.rt.db.query<{ health_at: Date; health: unknown }>('SELECT health_at, health FROM devices WHERE id = $1', [primaryA])).rows[0]!;
    expect(new Date(after.health_at).getTime()).toBe(new Date(before).getTime());
    // Only a device sends heartbeats.
    expect((await call(ADMIN_TOKEN, 'POST', STATION_HEARTBEAT_PATH, hb)).status).toBe(403);
    expect((await call(null, 'POST', STATION_HEARTBEAT_PATH, hb)).status).toBe(401);
  });

  it('lets readers see only what they may: a device its own station, an operator its own, management for admins only', async () => {
    const bDevices = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${b.id}/devices`)).body.items;
    // A device token reads its own station's devices, never another's.
    expect((await call(a.token, 'GET', `/api/v1/stations/${a.id}/devices`)).status).toBe(200);
    const other = await call(a.token, 'GET', `/api/v1/stations/${b.id}/devices`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('OTHER_STATION');
    expect((await call(a.token, 'GET', `/api/v1/devices/${bDevices[0].id}/presence`)).status).toBe(403);
    expect((await call(a.token, 'GET', `/api/v1/stations/${b.id}`)).status).toBe(403);
    expect((await call(a.token, 'POST', `/api/v1/stations/${a.id}/devices`, { name: 'tự thêm' })).status).toBe(403);
    expect((await call(a.token, 'GET', '/api/v1/fleet')).status).toBe(403);
    // An operator reads its station's devices and cannot manage them.
    expect((await call(operatorB, 'GET', `/api/v1/stations/${b.id}/devices`)).status).toBe(200);
    expect((await call(operatorB, 'GET', `/api/v1/stations/${a.id}/devices`)).status).toBe(403);
    expect((await call(operatorB, 'GET', `/api/v1/devices/${primaryA}/presence`)).status).toBe(403);
    expect((await call(operatorB, 'GET', `/api/v1/devices/${bDevices[0].id}/presence`)).status).toBe(200);
    const asOperator: [string, string, unknown][] = [
      ['POST', `/api/v1/stations/${b.id}/devices`, { name: 'Cụm loa 5' }],
      ['PATCH', `/api/v1/stations/${b.id}/devices/${bDevices[0].id}`, { name: 'đổi tên' }],
      ['POST', `/api/v1/stations/${b.id}/devices/${bDevices[0].id}/rotate-token`, undefined],
      ['POST', `/api/v1/stations/${b.id}/devices/${bDevices[0].id}/revoke`, undefined],
    ];
    for (const [method, url, body] of asOperator) {
      const res = await call(operatorB, method, url, body);
      expect(res.status, url).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await call(editor, 'POST', `/api/v1/stations/${b.id}/devices`, { name: 'Cụm loa 5' })).status).toBe(403);
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${b.id}/devices`)).body.items).toHaveLength(2);
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/devices/${crypto.randomUUID()}/presence`)).status).toBe(404);
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/devices/not-a-uuid/presence`)).status).toBe(422);
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/devices/${primaryA}/presence?limit=0`)).status).toBe(422);
    // An operator's fleet is its own station's.
    const fleet = await call(operatorB, 'GET', '/api/v1/fleet');
    expect(fleet.status).toBe(200);
    expect(new Set(fleet.body.devices.map((d: { stationId: string }) => d.stationId))).toEqual(new Set([b.id]));
  });

  let planAirings: { id: string; startsAt: string; endsAt: string }[];

  it('shows the fleet offline first, counts it, and lists airings about to start whose file is not on a device', async () => {
    const bDevices = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${b.id}/devices`)).body.items as { id: string; name: string }[];
    // Station B's first device fell silent three hours ago; its second was never heard from.
    await s.rt.db.query(
      `UPDATE devices SET last_seen_at = now() - interval '3 hours', online = false, online_since = now() - interval '3 hours' WHERE id = $1`,
      [bDevices[0]!.id],
    );
    // A's second device is alive but has not heard of any airing yet.
    expect((await call(cluster2.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(200);
    const fleet = await call(editor, 'GET', '/api/v1/fleet');
    expect(fleet.status).toBe(200);
    // Revoked devices are not part of the fleet: A has two active devices, B two.
    expect(fleet.body.summary).toEqual({ total: 4, online: 2, offline: 2 });
    expect(fleet.body.devices.map((d: { id: string }) => d.id)).toEqual([bDevices[0]!.id, bDevices[1]!.id, primaryA, cluster2.id]);
    expect(fleet.body.devices[0]).toMatchObject({ stationId: b.id, stationCode: '02002', stationName: 'Đài xã Bản Hồ', name: 'Cụm loa 1' });
    expect(fleet.body.devices[0].health.online).toBe(false);
    expect(Date.now() - Date.parse(fleet.body.devices[0].health.since)).toBeGreaterThan(3 * 3600_000 - 60_000);
    expect(fleet.body.notReady).toEqual([]);
    expect((await call('lx_not-a-token', 'GET', '/api/v1/fleet')).status).toBe(401);

    // A plan for station A; one airing moved to start in 20 minutes (inside the 60-minute lead).
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', {
      episodeId,
      stationIds: [a.id],
      airingsPerStation: 3,
      from: DateTime.now().setZone(TZ).toISODate(),
      to: DateTime.now().setZone(TZ).plus({ days: 6 }).toISODate(),
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
    planAirings = plan.body.stations[0].airings;
    expect(planAirings).toHaveLength(3);
    const soon = planAirings[0]!.id;
    await s.rt.db.query(`UPDATE airings SET starts_at = now() + interval '20 minutes', ends_at = now() + interval '20 minutes' + (ends_at - starts_at) WHERE id = $1`, [soon]);

    // Neither device of A has it: A's first device lists it as not verified, the second lists nothing.
    const hb = heartbeat({ upcoming: [{ airingId: soon, startsAt: new Date(Date.now() + 20 * 60_000).toISOString(), fileReady: false }, { airingId: crypto.randomUUID(), startsAt: new Date().toISOString(), fileReady: false }] });
    expect((await call(a.token, 'POST', STATION_HEARTBEAT_PATH, hb)).status).toBe(200);
    let notReady = (await call(ADMIN_TOKEN, 'GET', '/api/v1/fleet')).body.notReady;
    expect(notReady.map((n: { deviceId: string; airingId: string }) => [n.deviceId, n.airingId])).toEqual([
      [primaryA, soon],
      [cluster2.id, soon],
    ]);
    expect(notReady[0]).toMatchObject({ deviceName: 'Cụm loa 1', stationId: a.id, stationCode: '02001', title: 'Bản tin phòng chống lũ' });
    expect(notReady[0].startsAt).toMatch(/\+07:00$/);
    // The first device verifies the file: only the second is left.
    expect((await call(a.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat({ upcoming: [{ ...hb.upcoming[0]!, fileReady: true }] }))).status).toBe(200);
    notReady = (await call(ADMIN_TOKEN, 'GET', '/api/v1/fleet')).body.notReady;
    expect(notReady.map((n: { deviceId: string }) => n.deviceId)).toEqual([cluster2.id]);
    // The operator of B sees none of A's.
    expect((await call(operatorB, 'GET', '/api/v1/fleet')).body.notReady).toEqual([]);
    // A cancelled airing is not waited for.
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/airings/${soon}/cancel`)).status).toBe(200);
    expect((await call(ADMIN_TOKEN, 'GET', '/api/v1/fleet')).body.notReady).toEqual([]);
  });

  it('shows per device whether each past airing was played, partial or missed, and why', async () => {
    // Two airings moved into the past; the devices existed then (they were added "a day ago").
    const [, played, silent] = planAirings;
    await s.rt.db.query(`UPDATE devices SET created_at = created_at - interval '1 day' WHERE station_id = $1`, [a.id]);
    const dur = await s.rt.db.query<{ sec: number }>('SELECT extract(epoch FROM ends_at - starts_at)::float AS sec FROM airings WHERE id = $1', [played!.id]);
    const durSec = Number(dur.rows[0]!.sec);
    await s.rt.db.query(`UPDATE airings SET starts_at = now() - interval '30 minutes', ends_at = now() - interval '30 minutes' + (ends_at - starts_at) WHERE id = $1`, [played!.id]);
    await s.rt.db.query(`UPDATE airings SET starts_at = now() - interval '5 hours', ends_at = now() - interval '5 hours' + (ends_at - starts_at) WHERE id = $1`, [silent!.id]);
    const startedAt = (await s.rt.db.query<{ starts_at: Date }>('SELECT starts_at FROM airings WHERE id = $1', [played!.id])).rows[0]!.starts_at;

    // The first device reports a full play, the second that it could not play it — through the real plays API.
    const full = await call(a.token, 'POST', '/api/v1/station/plays', {
      plays: [{ eventId: crypto.randomUUID(), episodeId, airingId: played!.id, startedAt: new Date(startedAt).toISOString(), durationSec: durSec, source: 'auto' }],
    });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(full.body.results[0].status).toBe('accepted');
    const miss = await call(cluster2.token, 'POST', '/api/v1/station/plays', {
      plays: [{ eventId: crypto.randomUUID(), episodeId, airingId: played!.id, startedAt: new Date(startedAt).toISOString(), durationSec: 0, source: 'auto', outcome: 'missed', reason: 'file_not_ready' }],
    });
    expect(miss.status, JSON.stringify(miss.body)).toBe(200);
    expect(miss.body.results[0].status).toBe('accepted');

    const from = DateTime.now().setZone(TZ).minus({ days: 1 }).toISODate();
    const airings = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${a.id}/airings?from=${from}`);
    expect(airings.status).toBe(200);
    const byId = new Map(airings.body.items.map((x: { id: string }) => [x.id, x]));
    const outcome = (id: string) =>
      (byId.get(id) as { devices: { deviceId: string; name: string; outcome: string; reason?: string }[] }).devices.map((d) => [d.name, d.outcome, d.reason ?? null]);
    // The two "Cụm loa tạm" were revoked after these airings began, so they are listed too; left out here.
    const active = (rows: (string | null)[][]) => rows.filter((r) => r[0] !== 'Cụm loa tạm');
    expect(active(outcome(played!.id))).toEqual([
      ['Cụm loa 1', 'played', null],
      ['Cụm loa thôn Bản Dền', 'missed', 'file_not_ready'],
    ]);
    // Ended more than the grace period ago and nobody reported: missed, for want of a report.
    expect(active(outcome(silent!.id))).toEqual([
      ['Cụm loa 1', 'missed', 'no_report'],
      ['Cụm loa thôn Bản Dền', 'missed', 'no_report'],
    ]);
    // A partial play, recorded directly (as an operator's system might have), shows as partial.
    await s.rt.db.query(
      `INSERT INTO plays (station_id, event_id, episode_id, airing_id, started_at, duration_sec, source, kind, device_id)
       VALUES ($1, $2, $3, $4, now() - interval '5 hours', 5, 'auto', 'partial', $5)`,
      [a.id, crypto.randomUUID(), episodeId, silent!.id, cluster2.id],
    );
    const again = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${a.id}/airings?from=${from}`);
    const silentAgain = again.body.items.find((x: { id: string }) => x.id === silent!.id);
    expect(silentAgain.devices.find((d: { deviceId: string }) => d.deviceId === cluster2.id)).toEqual({ deviceId: cluster2.id, name: 'Cụm loa thôn Bản Dền', outcome: 'partial' });
  });

  it('takes "unchanged" beats as a sign of life that keeps the last full heartbeat, and asks for a full one when it has none', async () => {
    const fresh = await createStation(s, '02003', 'Đài xã Sử Pán');
    const none = await call(fresh.token, 'POST', STATION_HEARTBEAT_PATH, { same: true });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('HEARTBEAT_FULL_NEEDED');
    const view = async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${fresh.id}`)).body.devices[0].health;
    expect((await call(fresh.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat({ pendingReports: 7 }))).status).toBe(200);
    await s.rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '5 minutes', online = false WHERE station_id = $1`, [fresh.id]);
    expect((await view()).online).toBe(false);
    const same = await call(fresh.token, 'POST', STATION_HEARTBEAT_PATH, { same: true });
    expect(same.status).toBe(204);
    expect(same.body).toBeNull();
    const h = await view();
    expect(h).toMatchObject({ online: true, pendingReports: 7 });
    expect(Date.now() - Date.parse(h.lastSeenAt)).toBeLessThan(10_000);
  });
});

// The one place a short interval is used: waiting for two real 60-s intervals would take four minutes.
describe('a device that goes quiet (DEVICE_HEARTBEAT_SEC=10, presence sweep every second, postgres)', () => {
  let s: Suite;
  let station: { id: string; token: string };
  let deviceId: string;

  beforeAll(async () => {
    s = await startSuite('postgres', { DEVICE_HEARTBEAT_SEC: '10', PRESENCE_CRON: '* * * * * *' });
    station = await createStation(s, '03001', 'Đài xã Nậm Cang');
    deviceId = (await s.call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}/devices`)).body.items[0].id;
  });

  afterAll(async () => {
    await s?.close();
  });

  const health = async () => (await s.call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}`)).body.devices[0].health;
  const history = async () => (await s.call(ADMIN_TOKEN, 'GET', `/api/v1/devices/${deviceId}/presence`)).body.items as { at: string; online: boolean }[];

  it('shows offline within two heartbeat intervals and keeps the online → offline → online history', async () => {
    expect((await s.call(station.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).body.heartbeatSec).toBe(10);
    const on = await health();
    expect(on.online).toBe(true);
    expect((await history()).map((h) => h.online)).toEqual([true]);

    // Silence. The view turns offline two intervals (20 s) after the last sign of life, not later.
    // (The heartbeat's own request also counts as a sign of life, written a moment after it: read the last one here.)
    const off = await waitFor(async () => {
      const h = await health();
      return h.online ? undefined : { h, at: Date.now() };
    }, { timeoutMs: 60_000, intervalMs: 250, what: 'device shown offline' });
    const lastSeen = Date.parse(off.h.lastSeenAt);
    expect(lastSeen - Date.parse(on.lastSeenAt)).toBeLessThan(2000);
    expect(off.at - lastSeen).toBeGreaterThanOrEqual(19_000);
    expect(off.at - lastSeen).toBeLessThan(20_000 + 5_000);
    expect(off.h.since).toBe(off.h.lastSeenAt);
    expect(off.h.channel).toBe('closed');

    // The sweep writes the transition, dated when the device went quiet.
    const swept = await waitFor(async () => {
      const h = await history();
      return h.length === 2 ? h : undefined;
    }, { timeoutMs: 30_000, what: 'offline transition recorded' });
    expect(swept[0]).toEqual({ at: off.h.lastSeenAt, online: false });
    const flag = await s.rt.db.query<{ online: boolean; online_since: Date }>('SELECT online, online_since FROM devices WHERE id = $1', [deviceId]);
    expect(flag.rows[0]!.online).toBe(false);
    expect(new Date(flag.rows[0]!.online_since).toISOString()).toBe(off.h.lastSeenAt);
    // Sweeping again, from several schedulers at once, writes nothing more.
    const sweeps = await Promise.all([0, 1, 2].map(() => deviceService({ db: s.rt.db, config: s.rt.config }).sweepPresence()));
    expect(sweeps.reduce((n, r) => n + r.offline, 0)).toBe(0);
    expect(await history()).toHaveLength(2);

    // Back: the next heartbeat brings it online again, with a new transition.
    expect((await s.call(station.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(200);
    const back = await health();
    expect(back.online).toBe(true);
    expect(Date.parse(back.since)).toBeGreaterThan(lastSeen + 19_000);
    expect(Date.parse(back.since)).toBeLessThanOrEqual(Date.parse(back.lastSeenAt));
    const h = await history();
    expect(h.map((x) => x.online)).toEqual([true, false, true]);
    expect(h[0]!.at).toBe(back.since);
    expect(Date.parse(h[0]!.at)).toBeGreaterThan(Date.parse(h[1]!.at));
  });

  it('marks a device offline exactly once when several sweeps race for it', async () => {
    const created = await s.call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${station.id}/devices`, { name: 'Cụm loa 2' });
    expect((await s.call(created.body.token, 'POST', STATION_HEARTBEAT_PATH, heartbeat())).status).toBe(200);
    // Pretend it has been silent for a minute, then let the scheduler and three more sweepers race.
    await s.rt.db.query(`UPDATE devices SET last_seen_at = now() - interval '1 minute', online_since = now() - interval '2 minutes' WHERE id = $1`, [created.body.id]);
    await Promise.all([0, 1, 2].map(() => deviceService({ db: s.rt.db, config: s.rt.config }).sweepPresence()));
    await waitFor(async () => (await s.rt.db.query('SELECT 1 FROM devices WHERE id = $1 AND NOT online', [created.body.id])).rowCount === 1, { what: 'swept' });
    const rows = await s.rt.db.query<{ online: boolean }>('SELECT online FROM device_presence WHERE device_id = $1', [created.body.id]);
    expect(rows.rows.filter((r) => !r.online)).toHaveLength(1);
    expect(rows.rows).toHaveLength(2);
  });
});
