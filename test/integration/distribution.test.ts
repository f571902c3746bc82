import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [
  { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '11:00', durationMin: 30 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 60 },
];

describe('stations, plans, manifests, pushes and media for stations', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const secrets = new Map<string, string>();
  let episodeId: string;
  let stationA: { id: string; token: string; webhookSecret: string };
  let stationB: { id: string; token: string; webhookSecret: string };
  let editorToken: string;
  let operatorB: string;
  const today = DateTime.now().setZone(TZ).toISODate()!;
  const inDays = (n: number) => DateTime.now().setZone(TZ).plus({ days: n }).toISODate()!;

  const call = (token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    api(rt.url!, token, method, url, body, headers);

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    dropDb = db.drop;
    receiver = await startWebhookReceiver((p) => secrets.get(p));
    rt = await startRuntime(
      testConfig({
        s3Endpoint: s3.endpoint,
        bucket: s3.bucket,
        databaseUrl: db.url,
        // The test drives the push tick itself; cron stays out of the way.
        env: { PUSH_CRON: '0 0 1 1 *', PUSH_BACKOFF_MS: '200', PUSH_MAX_BACKOFF_MS: '500', PUSH_RETRY_HOURS: '0.02', PUSH_TIMEOUT_MS: '2000' },
      }),
    );
    editorToken = (await createUserWithToken(rt.db, { name: 'biên tập', role: 'editor' })).token;
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Chuyển đổi số — số 11' });
    episodeId = up.body.id;
    await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body.status === 'ready', { timeoutMs: 60_000, what: 'episode ready' });
  });

  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await receiver?.close();
    await s3?.close();
    await dropDb?.();
  });

  it('creates stations (token and whsec_ secret shown once) and refuses grids that break the rules', async () => {
    const a = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '01234', name: 'Đài xã Tả Van', webhookUrl: receiver.url('/a'), grid: GRID });
    expect(a.status).toBe(201);
    expect(a.body.token).toMatch(/^lxs_/);
    expect(a.body.webhookSecret).toMatch(/^whsec_/);
    expect(a.body.timezone).toBe(TZ);
    stationA = a.body;
    secrets.set('/a', a.body.webhookSecret);
    const b = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '01235', name: 'Đài xã Bản Hồ', webhookUrl: receiver.url('/b'), grid: GRID, rendition: 'opus' });
    expect(b.status).toBe(201);
    stationB = b.body;
    secrets.set('/b', b.body.webhookSecret);

    const read = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}`);
    expect(read.body.token).toBeUndefined();
    expect(read.body.webhookSecret).toBeUndefined();
    // The station token is held, hashed, by the station's first loudspeaker cluster.
    const row = await rt.db.query<{ token_hash: string }>('SELECT token_hash FROM devices WHERE station_id = $1 AND is_primary', [stationA.id]);
    expect(row.rows[0]!.token_hash).toBe(crypto.createHash('sha256').update(stationA.token).digest('hex'));

    const dup = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '01234', name: 'x', grid: [] });
    expect(dup.status).toBe(409);
    const badCode = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '1234', name: 'x' });
    expect(badCode.status).toBe(422);
    const quiet = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '09999', name: 'x', grid: [{ days: [1], start: '21:30', durationMin: 60 }] });
    expect(quiet.status).toBe(422);
    expect(quiet.body.error.code).toBe('GRID_RULE_VIOLATED');
    expect(quiet.body.error.details[0]).toMatchObject({ slotIndex: 0, rule: 'quiet_hours' });
    const overlap = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', {
      code: '09999',
      name: 'x',
      grid: [{ days: [1], start: '06:00', durationMin: 60 }, { days: [1], start: '06:30', durationMin: 30 }],
    });
    expect(overlap.status).toBe(422);
    expect(overlap.body.error.details.map((d: { rule: string }) => d.rule)).toContain('overlap');
    const long = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '09999', name: 'x', grid: [{ days: [1], start: '06:00', durationMin: 600 }] });
    expect(long.status).toBe(422);
    expect(long.body.error.details.map((d: { rule: string }) => d.rule)).toContain('max_session');
    const badInputs: [unknown, string][] = [
      [{ code: '09997', name: 'x', timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ code: '09997', name: 'x', webhookUrl: 'ftp://example.vn/hook' }, 'webhookUrl'],
      [{ code: '09997', name: '' }, 'name'],
      [{ code: '09997', name: 'x', grid: [{ days: [8], start: '06:00', durationMin: 30 }] }, 'grid'],
      [{ code: '09997', name: 'x', grid: [{ days: [1], start: '25:00', durationMin: 30 }] }, 'grid'],
      [{ code: '09997', name: 'x', rendition: 'flac' }, 'rendition'],
    ];
    for (const [body, field] of badInputs) {
      const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details[0].field).toMatch(new RegExp(`^${field}`));
    }
    const unknownField = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${stationA.id}`, { code: '99999' });
    expect(unknownField.status).toBe(422);
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}`)).body.code).toBe('01234');
    const asEditor = await call(editorToken, 'POST', '/api/v1/stations', { code: '09998', name: 'x' });
    expect(asEditor.status).toBe(403);
    expect((await rt.db.query('SELECT 1 FROM stations')).rowCount).toBe(2);

    operatorB = (await createUserWithToken(rt.db, { name: 'cán bộ Bản Hồ', role: 'operator', stationId: stationB.id })).token;
  });

  let planId: string;

  it('plans airings into each station\'s free slot time as a draft; only approval makes them reach the station', async () => {
    const res = await call(editorToken, 'POST', '/api/v1/plans', {
      episodeId,
      stationIds: [stationA.id, stationB.id],
      airingsPerStation: 3,
      from: today,
      to: inDays(6),
    });
    expect(res.status).toBe(201);
    expect(res.body.plan.status).toBe('draft');
    planId = res.body.plan.id;
    for (const s of res.body.stations) {
      expect(s.placed).toBe(3);
      expect(s.shortfall).toBeNull();
      const starts = s.airings.map((a: { startsAt: string }) => DateTime.fromISO(a.startsAt, { zone: TZ }));
      // In a slot, in the station's zone, at least a day apart, all in the future.
      for (const st of starts) {
        expect(['06', '11', '17']).toContain(st.toFormat('HH'));
        expect(st.toMillis()).toBeGreaterThan(Date.now());
      }
      for (let i = 1; i < starts.length; i++) expect(starts[i]!.diff(starts[i - 1]!, 'hours').hours).toBeGreaterThanOrEqual(24);
      expect(s.airings[0].startsAt).toMatch(/\+07:00$/);
    }
    const manifest = await call(stationA.token, 'GET', '/api/v1/station/manifest');
    expect(manifest.status).toBe(200);
    expect(manifest.body.airings).toEqual([]);

    expect((await call(editorToken, 'POST', `/api/v1/plans/${planId}/approve`)).status).toBe(403);
    const approved = await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${planId}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.plan.status).toBe('approved');
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${planId}/approve`)).status).toBe(409);
  });

  it('reports a shortfall with its reason when a station cannot fit them all', async () => {
    const res = await call(editorToken, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationA.id], airingsPerStation: 10, from: inDays(1), to: inDays(2) });
    expect(res.status).toBe(201);
    const s = res.body.stations[0];
    // Two days with airings at least 24 h apart: two fit, and the reason says why in both languages.
    expect(s.placed).toBe(2);
    expect(s.shortfall).toMatchObject({ missing: 8, reason: 'period_too_short' });
    expect(s.shortfall.messageVi).toMatch(/^Chỉ xếp được 2\/10/);
    expect((await call(editorToken, 'GET', `/api/v1/plans/${res.body.plan.id}`)).body.stations[0].shortfall).toEqual(s.shortfall);
    expect((await call(editorToken, 'POST', `/api/v1/plans/${res.body.plan.id}/cancel`)).body.plan.status).toBe('cancelled');
    const bad = await call(editorToken, 'POST', '/api/v1/plans', { episodeId, stationIds: [crypto.randomUUID()], from: today, to: today });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('UNKNOWN_STATIONS');
    const backwards = await call(editorToken, 'POST', '/api/v1/plans', { episodeId, stationIds: 'all', from: inDays(3), to: today });
    expect(backwards.status).toBe(422);
  });

  let version: string;

  it('serves the manifest with ETag and 304, and the same schedule as iCalendar and M3U', async () => {
    const res = await call(stationA.token, 'GET', '/api/v1/station/manifest');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.station).toEqual({ id: stationA.id, code: '01234', name: 'Đài xã Tả Van', timezone: TZ });
    expect(doc.airings).toHaveLength(3);
    const a = doc.airings[0];
    expect(a).toMatchObject({ episodeId, title: 'Chuyển đổi số — số 11', priority: 'normal' });
    expect(a.media.format).toBe('mp3');
    expect(a.media.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.media.durationSec).toBeGreaterThan(20);
    expect(res.headers.get('etag')).toBe(`"${doc.version}"`);
    version = doc.version;
    const again = await call(stationA.token, 'GET', '/api/v1/station/manifest', undefined, { 'if-none-match': `"${doc.version}"` });
    expect(again.status).toBe(304);
    const stale = await call(stationA.token, 'GET', '/api/v1/station/manifest', undefined, { 'if-none-match': '"old"' });
    expect(stale.status).toBe(200);

    const b = await call(stationB.token, 'GET', '/api/v1/station/manifest');
    expect(b.body.airings.every((x: { media: { format: string } }) => x.media.format === 'ogg')).toBe(true);

    const ics = await fetch(`${rt.url}/api/v1/station/schedule.ics`, { headers: { authorization: `Bearer ${stationA.token}` } });
    expect(ics.headers.get('content-type')).toMatch(/text\/calendar/);
    const text = await ics.text();
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(text).toContain(`UID:${doc.airings[0].id}@loa-xa`);
    const m3u = await fetch(`${rt.url}/api/v1/station/today.m3u`, { headers: { authorization: `Bearer ${stationA.token}` } });
    expect((await m3u.text()).startsWith('#EXTM3U')).toBe(true);
  });

  it('pushes the manifest to the station webhook, signed the Standard Webhooks way', async () => {
    const r = await rt.push.scheduleDue();
    expect(r.queued).toBe(2);
    const got = await waitFor(() => receiver.received.find((p) => p.body.station.id === stationA.id), { what: 'push to A' });
    expect(got.verified).toBe(true);
    expect(got.body.version).toBe(version);
    expect(got.headers['webhook-id']).toBeTruthy();
    // Nothing changed: another tick queues nothing.
    // The receiver has the request before the service records the answer: wait for both records.
    for (const s of [stationA, stationB]) {
      await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${s.id}`)).body.lastPush?.deliveredVersion, { what: 'delivery recorded' });
    }
    expect((await rt.push.scheduleDue()).queued).toBe(0);
    const view = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}`);
    expect(view.body.lastPush).toMatchObject({ result: 'ok', statusCode: 204, deliveredVersion: version });
  });

  it('retries while the station is down and delivers the latest version once it is back', async () => {
    receiver.setDown(true);
    const before = receiver.received.length;
    const manifest = await call(stationA.token, 'GET', '/api/v1/station/manifest');
    const first = manifest.body.airings[0];
    // Change the schedule twice while the station is down: only the newest version matters.
    expect((await call(editorToken, 'POST', `/api/v1/airings/${first.id}/cancel`)).body.status).toBe('cancelled');
    await rt.push.scheduleDue([stationA.id]);
    await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}`)).body.lastPush?.statusCode === 503, { what: 'a failed attempt recorded' });
    const second = manifest.body.airings[1];
    // Within the same slot (every slot starts on the hour): a move must stay inside the grid.
    const original = DateTime.fromISO(second.startsAt, { zone: TZ });
    const moved = original.set({ minute: original.minute === 10 ? 20 : 10 });
    const mv = await call(editorToken, 'PATCH', `/api/v1/airings/${second.id}`, { startsAt: moved.toISO() });
    expect(mv.status).toBe(200);
    await rt.push.scheduleDue([stationA.id]);
    const latest = (await call(stationA.token, 'GET', '/api/v1/station/manifest')).body.version;
    expect(latest).not.toBe(version);
    receiver.setDown(false);
    const got = await waitFor(() => receiver.received.slice(before).find((p) => p.body.station.id === stationA.id), { timeoutMs: 30_000, what: 'push after recovery' });
    expect(got.verified).toBe(true);
    expect(got.body.version).toBe(latest);
    expect(got.body.airings).toHaveLength(2);
    // The superseded version never arrives after the station is back.
    await waitFor(async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}`)).body.lastPush?.deliveredVersion === latest, { what: 'delivered' });
    expect(receiver.received.slice(before).filter((p) => p.body.station.id === stationA.id).every((p) => p.body.version === latest)).toBe(true);
  });

  it('refuses a move into quiet hours or onto another airing', async () => {
    const doc = (await call(stationA.token, 'GET', '/api/v1/station/manifest')).body;
    const [x, y] = doc.airings;
    const night = DateTime.fromISO(x.startsAt, { zone: TZ }).set({ hour: 23, minute: 0 });
    const q = await call(editorToken, 'PATCH', `/api/v1/airings/${x.id}`, { startsAt: night.toISO() });
    expect(q.status).toBe(422);
    expect(q.body.error.code).toBe('QUIET_HOURS');
    const clash = await call(editorToken, 'PATCH', `/api/v1/airings/${x.id}`, { startsAt: y.startsAt });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details.conflictingAiringId).toBe(y.id);
  });

  it('serves media through the manifest link with Range, and counts a download once, not probes', async () => {
    const doc = (await call(stationA.token, 'GET', '/api/v1/station/manifest')).body;
    const { url, sizeBytes, sha256 } = doc.airings[0].media;
    const probe = await fetch(url, { headers: { range: 'bytes=0-1' } });
    expect(probe.status).toBe(206);
    await probe.arrayBuffer();
    const deliveries = async () => (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}/deliveries`)).body.items;
    const head = await fetch(url, { headers: { range: 'bytes=0-49999' } });
    expect(head.status).toBe(206);
    const part1 = Buffer.from(await head.arrayBuffer());
    // Overlapping resume: 40000- re-sends 10000 bytes already received.
    const rest = await fetch(url, { headers: { range: 'bytes=40000-' } });
    expect(rest.status).toBe(206);
    const part2 = Buffer.from(await rest.arrayBuffer());
    const whole = Buffer.concat([part1, part2.subarray(10_000)]);
    expect(whole.length).toBe(sizeBytes);
    expect(crypto.createHash('sha256').update(whole).digest('hex')).toBe(sha256);
    const d = await waitFor(async () => (await deliveries()).find((x: { completedAt: string | null }) => x.completedAt), { what: 'delivery complete' });
    expect(d.ranges).toEqual([{ start: 0, end: sizeBytes - 1 }]);
    expect(d.bytesServed).toBe(50_000 + (sizeBytes - 40_000));
    // A resume whose validator no longer matches gets the whole (new) file instead of a mismatched piece.
    const stale = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': '"not-this-file"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(sizeBytes);
    const fresh = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': `"${sha256}"` } });
    expect(fresh.status).toBe(206);
    await fresh.arrayBuffer();
    const outside = await fetch(url, { headers: { range: `bytes=${sizeBytes}-` } });
    expect(outside.status).toBe(416);
    await outside.arrayBuffer();
    // Downloading again does not make a second delivery.
    await (await fetch(url)).arrayBuffer();
    await waitFor(async () => (await deliveries())[0].bytesServed === d.bytesServed + 2 * sizeBytes + 10, { what: 'later downloads counted in bytes' });
    expect(await deliveries()).toHaveLength(1);
    expect((await deliveries())[0].completedAt).toBe(d.completedAt);
  });

  it('never lets one station read another station\'s manifest, media or data', async () => {
    const docA = (await call(stationA.token, 'GET', '/api/v1/station/manifest')).body;
    const docB = (await call(stationB.token, 'GET', '/api/v1/station/manifest')).body;
    expect(docB.station.id).toBe(stationB.id);
    expect(docB.airings.every((a: { id: string }) => !docA.airings.some((x: { id: string }) => x.id === a.id))).toBe(true);
    // A link for A, re-addressed to B: the signature no longer matches.
    const link = new URL(docA.airings[0].media.url);
    const forged = link.toString().replace(stationA.id, stationB.id);
    expect((await fetch(forged)).status).toBe(403);
    const tampered = new URL(link);
    tampered.searchParams.set('exp', String(Number(link.searchParams.get('exp')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    // Station tokens only open the station feed; operators only their own station.
    expect((await call(stationB.token, 'GET', `/api/v1/stations/${stationA.id}`)).status).toBe(403);
    expect((await call(stationB.token, 'GET', '/api/v1/episodes')).status).toBe(403);
    expect((await call(operatorB, 'GET', `/api/v1/stations/${stationA.id}`)).status).toBe(403);
    expect((await call(operatorB, 'GET', `/api/v1/stations/${stationA.id}/airings`)).status).toBe(403);
    expect((await call(operatorB, 'GET', `/api/v1/stations/${stationB.id}/airings`)).status).toBe(200);
    expect((await call(operatorB, 'GET', `/api/v1/airings/${docA.airings[0].id}`)).status).toBe(403);
    expect((await call(operatorB, 'GET', '/api/v1/station/manifest')).status).toBe(403);
    expect((await call(null, 'GET', '/api/v1/station/manifest')).status).toBe(401);
    // A rotated token stops working at once.
    const rotated = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${stationB.id}/rotate-token`);
    expect((await call(stationB.token, 'GET', '/api/v1/station/manifest')).status).toBe(401);
    expect((await call(rotated.body.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);
  });

  it('an emergency goes out at once, pre-empting what is in its way, and is pushed without waiting for a tick', async () => {
    const before = receiver.received.length;
    const plan = await call(editorToken, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationA.id], from: today, to: today, priority: 'emergency' });
    expect(plan.status).toBe(201);
    const approved = await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
    expect(approved.status).toBe(200);
    const airing = approved.body.stations[0].airings[0];
    expect(airing.priority).toBe('emergency');
    expect(Math.abs(Date.parse(airing.startsAt) - Date.now())).toBeLessThan(10_000);
    const got = await waitFor(() => receiver.received.slice(before).find((p) => p.body.airings.some((a: { priority: string }) => a.priority === 'emergency')), {
      what: 'emergency push',
    });
    expect(got.verified).toBe(true);
  });
});
