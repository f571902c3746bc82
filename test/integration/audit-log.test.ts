import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../src/services/audit-service.js';
import { createPostgresDatabase } from '../../src/db/postgres.js';
import { migrate } from '../../src/db/migrate.js';
import type { Queryable } from '../../src/db/database.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api } from '../helpers/api.js';
import { usersRepo } from '../../src/db/users-repo.js';
import { hashToken, newToken } from '../../src/domain/tokens.js';
import { tusUpload } from '../helpers/tus-client.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';

/**
 * The audit log: every kind of change leaves one entry with who, when, from which address, which request, and
 * what (before and after for edits, never a secret); admins read it filtered, paged and as CSV, narrowed to their
 * area; and nothing — no route, no SQL — edits or removes an entry.
 */
const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', durationMin: 60 }];
const MP3 = path.join(FIXTURES, 'speech-128k.mp3');

// Before and after are whatever the change held: read loosely here.
type Entry = Omit<AuditEntryView, 'before' | 'after'> & { before: any; after: any };

describe('audit log: a trace of every change', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const started = new Date(Date.now() - 1000);
  let n = 0;
  /** Every call carries its own request id, so each entry can be matched to the request that made it. */
  const call = async (token: string | null, method: string, url: string, body?: unknown) => {
    const requestId = `audit-test-${++n}`;
    const res = await api(rt.url!, token, method, url, body, { 'x-request-id': requestId });
    return { ...res, requestId };
  };
  const admin = (method: string, url: string, body?: unknown) => call(ADMIN_TOKEN, method, url, body);
  const log = async (query: Record<string, string> = {}, token = ADMIN_TOKEN): Promise<Entry[]> => {
    const res = await api(rt.url!, token, 'GET', `/api/v1/audit?${new URLSearchParams({ limit: '500', ...query })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Entry[];
  };
  const only = async (action: string, targetId: string): Promise<Entry> => {
    const found = (await log({ action })).filter((e) => e.targetId === targetId);
    expect(found, `${action} ${targetId}`).toHaveLength(1);
    return found[0]!;
  };
  const ids: Record<string, string> = {};
  const secrets: string[] = [];
  let editor: { userId: string; token: string };

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    editor = await createUserWithToken(rt.db, { name: 'Biên tập viên nhật ký', role: 'editor' });
  });
  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('records station changes with who, when, address, request and before/after, and never a secret', async () => {
    const created = await admin('POST', '/api/v1/stations', { code: '07001', name: 'Đài xã Hợp Đồng', timezone: TZ, grid: GRID });
    expect(created.status).toBe(201);
    ids.station = created.body.id;
    secrets.push(created.body.token, created.body.webhookSecret);
    const entry = await only('station.create', ids.station!);
    expect(entry).toMatchObject({ actorName: 'ADMIN_TOKEN', actorRole: 'admin', actorId: null, requestId: created.requestId, targetType: 'station' });
    expect(entry.ip).toMatch(/127\.0\.0\.1/);
    expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(started.getTime());
    expect(entry.after).toMatchObject({ code: '07001', name: 'Đài xã Hợp Đồng' });

    const patched = await admin('PATCH', `/api/v1/stations/${ids.station!}`, { name: 'Đài xã Hợp Đồng mới', rendition: 'opus' });
    expect(patched.status).toBe(200);
    const update = await only('station.update', ids.station!);
    expect(update.before).toEqual({ name: 'Đài xã Hợp Đồng', rendition: 'mp3' });
    expect(update.after).toEqual({ name: 'Đài xã Hợp Đồng mới', rendition: 'opus' });
    expect(update.requestId).toBe(patched.requestId);

    const rotated = await admin('POST', `/api/v1/stations/${ids.station!}/rotate-token`);
    secrets.push(rotated.body.token);
    await only('station.rotate_token', ids.station!);
    const secret = await admin('POST', `/api/v1/stations/${ids.station!}/rotate-webhook-secret`);
    secrets.push(secret.body.webhookSecret);
    await only('station.rotate_webhook_secret', ids.station!);
  });

  it('records device changes', async () => {
    const device = await admin('POST', `/api/v1/stations/${ids.station!}/devices`, { name: 'Cụm loa chợ' });
    expect(device.status).toBe(201);
    secrets.push(device.body.token);
    const id = device.body.id as string;
    expect((await only('device.create', id)).after).toMatchObject({ name: 'Cụm loa chợ', stationId: ids.station! });
    await admin('PATCH', `/api/v1/stations/${ids.station!}/devices/${id}`, { name: 'Cụm loa chợ mới' });
    const renamed = await only('device.update', id);
    expect(renamed.before).toEqual({ name: 'Cụm loa chợ' });
    expect(renamed.after).toEqual({ name: 'Cụm loa chợ mới' });
    secrets.push((await admin('POST', `/api/v1/stations/${ids.station!}/devices/${id}/rotate-token`)).body.token);
    await only('device.rotate_token', id);
    await admin('POST', `/api/v1/stations/${ids.station!}/devices/${id}/revoke`);
    await only('device.revoke', id);
  });

  it('records uploads (multipart, tus, text bulletins), plans and airings', { timeout: 90_000 }, async () => {
    const form = new FormData();
    form.append('title', 'Chuyển đổi số — số 12');
    form.append('audio', await fs.openAsBlob(MP3), 'speech-128k.mp3');
    const up = await call(editor.token, 'POST', '/api/v1/episodes', form);
    expect(up.status).toBe(202);
    ids.episode = up.body.id;
    const uploaded = await only('episode.create', ids.episode!);
    expect(uploaded).toMatchObject({ actorId: editor.userId, actorName: 'Biên tập viên nhật ký', actorRole: 'editor', requestId: up.requestId });
    expect(uploaded.after).toMatchObject({ title: 'Chuyển đổi số — số 12', via: 'multipart' });

    const tus = await tusUpload(rt.url!, ADMIN_TOKEN, fs.readFileSync(MP3), { title: 'Tải lên tiếp tục', filename: 'speech-128k.mp3' });
    expect((await only('episode.create', tus.episodeId)).after).toMatchObject({ title: 'Tải lên tiếp tục', via: 'tus' });

    const bulletin = await call(editor.token, 'POST', '/api/v1/bulletins', { title: 'Thông báo họp', text: 'Mời bà con dự họp lúc tám giờ sáng mai.' });
    expect(bulletin.status, JSON.stringify(bulletin.body)).toBe(202);
    expect((await only('episode.create', bulletin.body.id)).after).toMatchObject({ title: 'Thông báo họp', via: 'bulletin' });

    await waitFor(async () => (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${ids.episode!}`)).body.status === 'ready', { what: 'episode ready', timeoutMs: 60_000 });
    const inDays = (d: number) => DateTime.now().setZone(TZ).plus({ days: d }).toISODate()!;
    const plan = await call(editor.token, 'POST', '/api/v1/plans', { episodeId: ids.episode!, stationIds: [ids.station!], airingsPerStation: 3, from: inDays(1), to: inDays(6), minGapHours: 0 });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    const planId = plan.body.plan.id as string;
    expect((await only('plan.create', planId)).after).toMatchObject({ episodeId: ids.episode!, stationIds: [ids.station!] });
    const approved = await admin('POST', `/api/v1/plans/${planId}/approve`);
    expect(approved.status).toBe(200);
    await only('plan.approve', planId);
    const [first, second, third] = approved.body.stations[0].airings as { id: string; startsAt: string }[];

    const moved = DateTime.fromISO(second!.startsAt, { zone: TZ }).plus({ minutes: 5 }).toISO({ suppressMilliseconds: true })!;
    expect((await call(editor.token, 'PATCH', `/api/v1/airings/${second!.id}`, { startsAt: moved })).status).toBe(200);
    const move = await only('airing.move', second!.id);
    expect(new Date(move.before.startsAt).getTime()).toBe(new Date(second!.startsAt).getTime());
    expect(new Date(move.after.startsAt).getTime()).toBe(new Date(moved).getTime());
    expect(move.areaPath).toMatch(/^\/00000000-0000-4000-8000-000000000001\//);

    expect((await admin('POST', `/api/v1/airings/${third!.id}/cancel`)).status).toBe(200);
    await only('airing.cancel', third!.id);
    expect((await admin('POST', `/api/v1/airings/${first!.id}/aired`, { startedAt: new Date().toISOString(), durationSec: 21 })).status).toBe(201);
    await only('airing.mark_aired', first!.id);
    expect((await admin('POST', `/api/v1/plans/${planId}/cancel`)).status).toBe(200);
    await only('plan.cancel', planId);

    const pn = await admin('POST', '/api/v1/play-now', { episodeId: ids.episode!, stationIds: [ids.station!] });
    expect(pn.status).toBe(201);
    await only('play_now.start', pn.body.id);
    await admin('POST', `/api/v1/play-now/${pn.body.id}/stop`);
    await only('play_now.stop', pn.body.id);
  });

  it('records area and user changes, and never a password or hash', async () => {
    const province = await admin('POST', '/api/v1/areas', { name: 'Tỉnh Lào Cai', code: '10' });
    ids.province = province.body.id;
    expect((await only('area.create', ids.province!)).after).toMatchObject({ name: 'Tỉnh Lào Cai', code: '10', kind: 'province' });
    const other = await admin('POST', '/api/v1/areas', { name: 'Tỉnh Yên Bái', code: '15' });
    const commune = await admin('POST', '/api/v1/areas', { name: 'Xã Hợp Đồng', code: '02833', parentId: ids.province! });
    ids.commune = commune.body.id;
    await admin('PATCH', `/api/v1/areas/${ids.commune!}`, { name: 'Xã Hợp Đồng (mới)' });
    const renamed = await only('area.update', ids.commune!);
    expect(renamed).toMatchObject({ before: { name: 'Xã Hợp Đồng' }, after: { name: 'Xã Hợp Đồng (mới)' } });
    await admin('PATCH', `/api/v1/areas/${ids.commune!}`, { parentId: other.body.id });
    const move = await only('area.move', ids.commune!);
    expect(move.before.parentId).toBe(ids.province!);
    expect(move.after.parentId).toBe(other.body.id);
    await admin('PATCH', `/api/v1/areas/${ids.commune!}`, { parentId: ids.province! });
    await admin('PATCH', `/api/v1/stations/${ids.station!}`, { areaId: ids.commune! });
    expect((await log({ action: 'station.update' })).find((e) => e.targetId === ids.station! && e.after.areaId === ids.commune!)?.before.areaId).toBe('00000000-0000-4000-8000-000000000001');

    const password = 'mat-khau-rat-bi-mat-1';
    secrets.push(password, 'mat-khau-moi-bi-mat-2');
    const user = await admin('POST', '/api/v1/users', { login: 'nguyen.van.a', displayName: 'Nguyễn Văn A', password, role: 'viewer', areaId: ids.province! });
    expect(user.status).toBe(201);
    const id = user.body.id as string;
    expect((await only('user.create', id)).after).toMatchObject({ login: 'nguyen.van.a', role: 'viewer', areaId: ids.province! });
    await admin('PATCH', `/api/v1/users/${id}`, { role: 'editor' });
    expect(await only('user.update', id)).toMatchObject({ before: { role: 'viewer' }, after: { role: 'editor' } });
    await admin('POST', `/api/v1/users/${id}/reset-password`, { password: 'mat-khau-moi-bi-mat-2' });
    expect((await only('user.reset_password', id)).after).toMatchObject({ mustChangePassword: true });
    await admin('PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect(await only('user.disable', id)).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
    await admin('PATCH', `/api/v1/users/${id}`, { disabled: false });
    await only('user.enable', id);

    const everything = JSON.stringify(await log({ limit: '500' }));
    for (const s of secrets) expect(everything).not.toContain(s);
    expect(everything).not.toContain('$argon2');
    const stored = (await rt.db.query<{ t: string }>('SELECT string_agg(coalesce(before::text, \'\') || coalesce(after::text, \'\'), \' \') AS t FROM audit_log')).rows[0]!.t;
    for (const s of secrets) expect(stored).not.toContain(s);
  });

  it('records station deactivation last (it ends the station)', async () => {
    await admin('POST', `/api/v1/stations/${ids.station!}/deactivate`);
    expect((await only('station.deactivate', ids.station!)).after).toEqual({ active: false });
  });

  it('filters by action family, actor, and time; pages newest first', async () => {
    const stations = await log({ action: 'station' });
    expect(stations.length).toBeGreaterThanOrEqual(5);
    expect(stations.every((e) => e.action.startsWith('station.'))).toBe(true);
    expect((await log({ action: 'station.update' })).every((e) => e.action === 'station.update')).toBe(true);
    const byEditor = await log({ actor: editor.userId });
    expect(byEditor.length).toBeGreaterThanOrEqual(4);
    expect(byEditor.every((e) => e.actorId === editor.userId)).toBe(true);
    expect((await log({ actor: 'biên tập' })).map((e) => e.id)).toEqual(byEditor.map((e) => e.id));

    const all = await log();
    const order = all.map((e) => Number(e.id));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    const page = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/audit?limit=2&offset=1');
    expect(page.body.total).toBe(all.length);
    expect(page.body.items.map((e: Entry) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id));

    const today = DateTime.now().setZone(TZ).toISODate()!;
    expect((await log({ from: today, to: today })).length).toBe(all.length);
    expect(await log({ to: DateTime.now().setZone(TZ).minus({ days: 1 }).toISODate()! })).toEqual([]);
    const middle = all[Math.floor(all.length / 2)]!;
    expect((await log({ from: middle.at })).every((e) => new Date(e.at) >= new Date(middle.at))).toBe(true);
    const bad = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/audit?from=2026-13-40');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'from', location: 'query' });
  });

  it('is for admins, narrowed to their area', async () => {
    expect((await api(rt.url!, editor.token, 'GET', '/api/v1/audit')).status).toBe(403);
    expect((await api(rt.url!, editor.token, 'GET', '/api/v1/audit.csv')).status).toBe(403);
    const provinceAdmin = await createUserWithToken(rt.db, { name: 'Quản trị tỉnh', role: 'admin', areaId: ids.province! });
    const seen = await log({}, provinceAdmin.token);
    expect(seen.length).toBeGreaterThan(0);
    const provincePath = (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/areas/${ids.province!}`)).body.path as string;
    expect(seen.every((e) => e.areaPath?.startsWith(provincePath))).toBe(true);
    // The commune's rename and the user made in the province are there; the root's station history is not.
    expect(seen.map((e) => e.action)).toEqual(expect.arrayContaining(['area.update', 'user.create']));
    expect(seen.map((e) => e.action)).not.toContain('station.create');
  });

  it('exports CSV with the same filters, Vietnamese headings, and cells that cannot run as formulas', async () => {
    // A person whose name reads as a formula makes a change: the name is the first cell of its own.
    const named = await admin('POST', '/api/v1/users', { login: 'cong.thuc', displayName: '=HYPERLINK("http://x.invalid","bấm")', password: 'mat-khau-cong-thuc-1', role: 'admin', areaId: ids.province! });
    expect(named.status).toBe(201);
    const token = newToken();
    await usersRepo(rt.db).addToken({ id: crypto.randomUUID(), userId: named.body.id, tokenHash: hashToken(token), label: null });
    const evil = await api(rt.url!, token, 'POST', '/api/v1/areas', { name: '@SUM(1+1)', parentId: ids.province!, kind: 'grouping' });
    expect(evil.status, JSON.stringify(evil.body)).toBe(201);
    const res = await fetch(`${rt.url}/api/v1/audit.csv?action=area`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?nhat-ky-thao-tac-\d{8}-\d{4}\.csv"?/);
    const bytes = Buffer.from(await res.arrayBuffer());
    // A BOM first, so spreadsheet programs read UTF-8 (fetch's text() would drop it).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('Thời điểm (giờ Việt Nam),Người thực hiện,')).toBe(true);
    const lines = text.trim().split('\n');
    expect(lines.length - 1).toBe((await log({ action: 'area' })).length);
    expect(text).toContain(`,"'=HYPERLINK(""http://x.invalid"",""bấm"")",${named.body.id},admin,`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(text).toContain('""name"":""@SUM(1+1)""');
    expect(lines.slice(1).every((l) => /,area\.(create|update|move|deactivate),area,/.test(l))).toBe(true);
  });

  it('has no route that edits or removes an entry', async () => {
    const [latest] = await log({ limit: '1' });
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      expect((await admin(method, `/api/v1/audit/${latest!.id}`)).status).toBe(404);
      expect((await admin(method, '/api/v1/audit')).status).toBe(404);
    }
    expect((await log({ limit: '1' }))[0]).toEqual(latest);
  });
});

describe.each(['pglite', 'postgres'] as const)('audit log is append-only in the database (%s)', (backend) => {
  let db: Queryable & { close(): Promise<void> };
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (backend === 'postgres') {
      const pg = await createPgDatabase();
      const conn = createPostgresDatabase(pg.url, 2);
      await migrate(conn);
      db = conn;
      cleanup = async () => {
        await conn.close();
        await pg.drop();
      };
    } else {
      const s3 = await startTestS3();
      const rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
      expect(rt.db.kind).toBe('pglite');
      db = { query: rt.db.query.bind(rt.db), exec: rt.db.exec.bind(rt.db), close: async () => undefined };
      cleanup = async () => {
        await rt.close();
        await clearQueuePrefix(rt.config.redis.prefix);
        await s3.close();
      };
    }
    await db.query(`INSERT INTO audit_log (actor_name, action, target_type, target_id) VALUES ('test', 'test.append', 'test', $1)`, [crypto.randomUUID()]);
  });
  afterAll(async () => cleanup?.());

  it('refuses UPDATE, DELETE and TRUNCATE; appending still works', async () => {
    await expect(db.query("UPDATE audit_log SET action = 'test.forged'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.exec('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const rows = await db.query<{ action: string }>('SELECT action FROM audit_log');
    expect(rows.rows.map((r) => r.action)).toContain('test.append');
    expect(rows.rows.map((r) => r.action)).not.toContain('test.forged');
    await db.query(`INSERT INTO audit_log (actor_name, action) VALUES ('test', 'test.append2')`);
    expect((await db.query('SELECT 1 FROM audit_log')).rowCount).toBe(rows.rowCount + 1);
  });
});
