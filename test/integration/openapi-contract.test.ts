import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../src/api/app.js';
import { serviceSecret } from '../../src/db/secrets-repo.js';
import { episodeLinkPath } from '../../src/domain/episode-links.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile, type ApiResponse } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';
import { launchChromium, openPage } from '../helpers/browser.js';

/**
 * The contract: GET /api/v1/openapi.json documents every route of the app, and every documented operation, called
 * for real, answers what the document says (status, content type, and for JSON the body against its schema).
 * Refusals are checked the same way: every 4xx is the error envelope.
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', durationMin: 60 }];
const MP3 = path.join(FIXTURES, 'speech-128k.mp3');

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** "METHOD /path/{param}" for every route the express app really has, found by walking its routers. */
function appRoutes(app: Express): string[] {
  const found = new Set<string>();
  type Layer = { rawPath?: unknown; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const full = (prefix + layer.route.path).replace(/\/$/, '') || '/';
        const openapi = full.replace(/:(\w+)/g, '{$1}');
        for (const [m, on] of Object.entries(layer.route.methods)) if (on) found.add(`${m === '_all' ? 'ALL' : m.toUpperCase()} ${openapi}`);
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...found].sort();
}

describe('OpenAPI contract: every route documented, every answer as documented', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  let doc: Doc;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateSchema: false }));
  /** Operations answered with a success at least once, and every (operation, status) seen. */
  const succeeded = new Set<string>();
  const seen: string[] = [];

  const inDays = (n: number) => DateTime.now().setZone(TZ).plus({ days: n }).toISODate()!;
  const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

  /**
   * Calls `template` (an OpenAPI path) and checks the answer against the document: the status is documented
   * (exactly, or by its range 4XX/5XX), the content type is one the document lists, a JSON body matches its schema,
   * and an answer documented without content has none.
   */
  async function call(
    method: Method,
    template: string,
    opts: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: Buffer } = {},
  ): Promise<ApiResponse & { text: string; bytes: number }> {
    const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(opts.params?.[name] ?? `missing-${name}`)) + (opts.query ? `?${new URLSearchParams(opts.query)}` : '');
    const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
    const isForm = opts.body instanceof FormData;
    const res = await fetch(rt.url! + url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opts.body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.raw ?? (opts.body === undefined ? undefined : isForm ? (opts.body as FormData) : JSON.stringify(opts.body)),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const text = buf.toString('utf8');
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    let body: unknown = text;
    if (type === 'application/json' && text) body = JSON.parse(text);

    const op = doc.paths[template]?.[method.toLowerCase()];
    const where = `${method} ${url} → ${res.status} ${type}`;
    expect(op, `${method} ${template} is not in the document`).toBeDefined();
    const status = String(res.status);
    const key = status in op!.responses ? status : `${status[0]}XX` in op!.responses ? `${status[0]}XX` : 'default';
    const documented = op!.responses[key];
    expect(documented, `${where}: status not documented`).toBeDefined();
    const content = documented!.content;
    if (!content || method === 'HEAD') {
      expect(buf.length, `${where}: documented without a body`).toBe(0);
    } else {
      expect(Object.keys(content), `${where}: content type not documented`).toContain(type);
      if (type === 'application/json') {
        const validate = ajv.compile({ $ref: `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', key, 'content', type, 'schema')}` });
        if (!validate(body)) throw new Error(`${where}: body does not match the document: ${JSON.stringify(validate.errors)}\n${text.slice(0, 1500)}`);
      }
    }
    if (res.status < 400) succeeded.add(`${method} ${template}`);
    seen.push(`${method} ${template} ${status}`);
    return { status: res.status, body, headers: res.headers, text, bytes: buf.length };
  }

  /** A refusal: 4xx with the error envelope (checked by call) and the expected code. */
  async function refused(expected: number, code: string, ...args: Parameters<typeof call>) {
    const res = await call(...args);
    expect(res.status, res.text).toBe(expected);
    if (args[0] !== 'HEAD') expect((res.body as { error: { code: string } }).error.code).toBe(code);
  }

  const ids: Record<string, string> = {};
  let stationToken: string;

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    dropDb = db.drop;
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { PUSH_CRON: '0 0 1 1 *' } }));
    doc = (await api(rt.url!, null, 'GET', '/api/v1/openapi.json')).body as Doc;
    ajv.addSchema(doc as object, 'openapi.json');
  });
  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
    await dropDb?.();
  });

  it('documents every route of the app, and nothing it does not have', () => {
    // Built with the runtime's config: routers only close over their dependencies, none is called here.
    const deps = new Proxy({} as AppDeps, { get: (_t, k) => (k === 'config' ? rt.config : k === 'logger' ? rt.logger : k === 'readiness' ? [] : {}) });
    const routes = appRoutes(createApp(deps)).filter((r) => r !== 'GET /vendor/tus.min.js' && !r.startsWith('GET /docs/'));
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    const documentedPaths = new Set(Object.keys(doc.paths));
    for (const r of routes) {
      const [method, p] = r.split(' ') as [string, string];
      // tus routes take every method (the router answers 405 for those outside tus): documented by path.
      if (method === 'ALL') expect(documentedPaths, r).toContain(p);
      else expect(documented, `${r} is served but not documented`).toContain(r);
    }
    const served = new Set(routes.map((r) => r.split(' ')[1]));
    for (const d of documented) expect(served, `${d} is documented but not served`).toContain(d.split(' ')[1]);
    expect(routes.length).toBeGreaterThan(40);
  });

  it('is public and an OpenAPI 3.1 document with security schemes and the error envelope', async () => {
    const res = await call('GET', '/api/v1/openapi.json', { token: null });
    expect(res.status).toBe(200);
    const body = res.body as Doc & { openapi: string; components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> } };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.components.securitySchemes).sort()).toEqual(['stationToken', 'userToken']);
    expect(body.components.schemas.Error).toBeDefined();
  });

  it('answers every documented operation as documented', { timeout: 180_000 }, async () => {
    // ── Public ──
    expect((await call('GET', '/healthz', { token: null })).status).toBe(200);
    expect((await call('GET', '/readyz', { token: null })).status).toBe(200);
    expect((await call('GET', '/api/v1/openapi.json', { token: null })).status).toBe(200);
    expect((await call('GET', '/api/v1/me')).status).toBe(200);

    // ── Signing in: the first admin (ADMIN_TOKEN, once), a cookie session, one's own password and tokens ──
    const password = 'mật khẩu hợp đồng 2026';
    expect((await call('POST', '/api/v1/setup', { body: { login: 'hopdong', displayName: 'Quản trị Hợp Đồng', password } })).status).toBe(201);
    const signedIn = await call('POST', '/api/v1/session', { token: null, body: { login: 'hopdong', password } });
    expect(signedIn.status, signedIn.text).toBe(204);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = ((await call('GET', '/api/v1/me', { token: null, headers: { cookie } })).body as { csrfToken: string }).csrfToken;
    const session = { token: null, headers: { cookie, 'x-csrf-token': csrf } };
    const personal = await call('POST', '/api/v1/me/tokens', { ...session, body: { label: 'tập lệnh' } });
    expect(personal.status, personal.text).toBe(201);
    expect((await call('GET', '/api/v1/me/tokens', session)).status).toBe(200);
    expect((await call('DELETE', '/api/v1/me/tokens/{id}', { ...session, params: { id: (personal.body as { id: string }).id } })).status).toBe(204);
    expect((await call('POST', '/api/v1/me/password', { ...session, body: { currentPassword: password, newPassword: 'mật khẩu mới của Hợp Đồng' } })).status).toBe(204);
    expect((await call('DELETE', '/api/v1/session', session)).status).toBe(204);

    // ── Stations and devices ──
    const created = await call('POST', '/api/v1/stations', { body: { code: '07001', name: 'Đài xã Hợp Đồng', timezone: TZ, grid: GRID } });
    expect(created.status, created.text).toBe(201);
    const station = created.body as { id: string; token: string };
    ids.station = station.id;
    stationToken = station.token;
    const other = await call('POST', '/api/v1/stations', { body: { code: '07002', name: 'Đài xã Tả Phìn', timezone: TZ, grid: GRID } });
    ids.other = (other.body as { id: string }).id;
    expect((await call('GET', '/api/v1/stations', { query: { limit: '10' } })).status).toBe(200);
    expect((await call('GET', '/api/v1/stations/{id}', { params: { id: station.id } })).status).toBe(200);
    expect((await call('PATCH', '/api/v1/stations/{id}', { params: { id: station.id }, body: { name: 'Đài xã Hợp Đồng (mới)' } })).status).toBe(200);
    expect((await call('POST', '/api/v1/stations/{id}/rotate-webhook-secret', { params: { id: station.id } })).status).toBe(200);
    expect((await call('POST', '/api/v1/stations/grid-check', { body: { grid: [...GRID, { days: [1], start: '23:00', durationMin: 30 }], timezone: TZ } })).status).toBe(200);

    // ── Areas and users ──
    const province = await call('POST', '/api/v1/areas', { body: { name: 'Tỉnh Lào Cai', code: '10' } });
    expect(province.status, province.text).toBe(201);
    ids.province = (province.body as { id: string }).id;
    const commune = await call('POST', '/api/v1/areas', { body: { name: 'Xã Hợp Đồng', code: '07001', parentId: ids.province } });
    expect(commune.status, commune.text).toBe(201);
    ids.commune = (commune.body as { id: string }).id;
    expect((await call('GET', '/api/v1/areas')).status).toBe(200);
    expect((await call('GET', '/api/v1/areas', { query: { shape: 'tree' } })).status).toBe(200);
    expect((await call('GET', '/api/v1/areas/{id}', { params: { id: ids.commune } })).status).toBe(200);
    expect((await call('PATCH', '/api/v1/areas/{id}', { params: { id: ids.commune }, body: { name: 'Xã Hợp Đồng (mới)' } })).status).toBe(200);
    expect((await call('PATCH', '/api/v1/stations/{id}', { params: { id: station.id }, body: { areaId: ids.commune } })).status).toBe(200);
    const user = await call('POST', '/api/v1/users', { body: { login: 'nguyen.van.a', displayName: 'Nguyễn Văn A', password: 'mat-khau-2026-dai', role: 'operator', areaId: ids.commune, stationId: station.id } });
    expect(user.status, user.text).toBe(201);
    ids.user = (user.body as { id: string }).id;
    expect((await call('GET', '/api/v1/users', { query: { limit: '10' } })).status).toBe(200);
    expect((await call('GET', '/api/v1/users/{id}', { params: { id: ids.user } })).status).toBe(200);
    expect((await call('PATCH', '/api/v1/users/{id}', { params: { id: ids.user }, body: { displayName: 'Nguyễn Văn An' } })).status).toBe(200);
    expect((await call('POST', '/api/v1/users/{id}/reset-password', { params: { id: ids.user }, body: { password: 'tam-thoi-2026-dai' } })).status).toBe(200);
    expect((await call('POST', '/api/v1/users/{id}/tokens', { params: { id: ids.user }, body: { label: 'máy đài' } })).status).toBe(201);

    const device = await call('POST', '/api/v1/stations/{id}/devices', { params: { id: station.id }, body: { name: 'Cụm loa chợ' } });
    expect(device.status, device.text).toBe(201);
    const deviceId = (device.body as { id: string }).id;
    expect((await call('GET', '/api/v1/stations/{id}/devices', { params: { id: station.id } })).status).toBe(200);
    expect((await call('GET', '/api/v1/stations/{id}/devices', { params: { id: station.id }, token: stationToken })).status).toBe(200);
    expect((await call('PATCH', '/api/v1/stations/{id}/devices/{deviceId}', { params: { id: station.id, deviceId }, body: { name: 'Cụm loa chợ mới' } })).status).toBe(200);
    expect((await call('POST', '/api/v1/stations/{id}/devices/{deviceId}/rotate-token', { params: { id: station.id, deviceId } })).status).toBe(200);
    expect((await call('POST', '/api/v1/stations/{id}/devices/{deviceId}/revoke', { params: { id: station.id, deviceId } })).status).toBe(200);
    expect((await call('GET', '/api/v1/devices/{id}/presence', { params: { id: deviceId } })).status).toBe(200);

    // ── The station's device speaks ──
    const now = new Date().toISOString();
    const beat = {
      agentVersion: '1.0.0',
      startedAt: now,
      uptimeSec: 5,
      nowPlaying: null,
      nextAiring: null,
      upcoming: [],
      cacheBytes: 0,
      freeDiskBytes: 1_000_000,
      pendingReports: 0,
      lastPlayer: null,
      lastError: null,
      clockOffsetMs: 0,
      channel: 'closed',
    };
    expect((await call('POST', '/api/v1/station/heartbeat', { token: stationToken, body: beat })).status).toBe(200);
    expect((await call('POST', '/api/v1/station/heartbeat', { token: stationToken, body: { same: true } })).status).toBe(204);
    expect((await call('GET', '/api/v1/fleet')).status).toBe(200);
    expect((await call('GET', '/api/v1/me', { token: stationToken })).status).toBe(200);

    // ── Episodes: a multipart upload, a text bulletin, a resumable upload ──
    const form = new FormData();
    form.append('title', 'Chuyển đổi số — số 12');
    form.append('audio', await fs.openAsBlob(MP3), 'speech-128k.mp3');
    const up = await call('POST', '/api/v1/episodes', { body: form });
    expect(up.status, up.text).toBe(202);
    ids.episode = (up.body as { id: string }).id;

    // Speech synthesis takes seconds: it runs while the resumable upload goes on.
    const speech = Promise.all([
      call('POST', '/api/v1/bulletins', { body: { title: 'Thông báo họp', text: 'Mời bà con dự họp lúc tám giờ sáng mai.' } }),
      call('POST', '/api/v1/bulletins/preview', { body: { text: 'Xin chào bà con.' } }),
    ]);

    const size = fs.statSync(MP3).size;
    const meta = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
    const tus = { 'tus-resumable': '1.0.0' };
    expect((await call('OPTIONS', '/api/v1/uploads/tus', { headers: tus })).status).toBe(204);
    const createdUpload = await call('POST', '/api/v1/uploads/tus', { headers: { ...tus, 'upload-length': String(size), 'upload-metadata': meta({ title: 'Tải lên tiếp tục', filename: 'speech-128k.mp3' }) } });
    expect(createdUpload.status, createdUpload.text).toBe(201);
    const uploadId = createdUpload.headers.get('location')!.split('/').pop()!;
    expect((await call('HEAD', '/api/v1/uploads/tus/{id}', { params: { id: uploadId }, headers: tus })).status).toBe(200);
    expect((await call('OPTIONS', '/api/v1/uploads/tus/{id}', { params: { id: uploadId }, headers: tus })).status).toBe(204);
    const patched = await call('PATCH', '/api/v1/uploads/tus/{id}', {
      params: { id: uploadId },
      headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      raw: fs.readFileSync(MP3),
    });
    expect(patched.status, patched.text).toBe(204);
    const abandoned = await call('POST', '/api/v1/uploads/tus', { headers: { ...tus, 'upload-length': String(size), 'upload-metadata': meta({ title: 'Bỏ dở' }) } });
    expect((await call('DELETE', '/api/v1/uploads/tus/{id}', { params: { id: abandoned.headers.get('location')!.split('/').pop()! }, headers: tus })).status).toBe(204);

    const [bulletin, preview] = await speech;
    expect(bulletin.status, bulletin.text).toBe(202);
    expect(preview.status).toBe(200);
    expect(preview.bytes).toBeGreaterThan(1000);

    await waitFor(async () => (await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${ids.episode}`)).body.status === 'ready', { what: 'episode ready', timeoutMs: 40_000 });
    expect((await call('GET', '/api/v1/episodes', { query: { limit: '10' } })).status).toBe(200);
    expect((await call('GET', '/api/v1/episodes/{id}', { params: { id: ids.episode } })).status).toBe(200);
    const whole = await call('GET', '/api/v1/episodes/{id}/renditions/{name}', { params: { id: ids.episode, name: 'mp3' } });
    expect(whole.status).toBe(200);
    expect((await call('GET', '/api/v1/episodes/{id}/renditions/{name}', { params: { id: ids.episode, name: 'mp3' }, headers: { range: 'bytes=0-99' } })).bytes).toBe(100);
    const listen = await call('GET', '/api/v1/episodes/{id}/renditions/{name}/link', { params: { id: ids.episode, name: 'mp3' }, query: { use: 'listen' } });
    expect(listen.status, listen.text).toBe(200);
    // The embedded storage checks its own presigned links; the service's signed link is for storages that do not.
    const signed = episodeLinkPath(await serviceSecret(rt.db, 'media_links'), { episodeId: ids.episode, rendition: 'mp3', disposition: 'inline', expires: Math.floor(Date.now() / 1000) + 600 });
    const listenUrl = new URL(signed, rt.url);
    const episodeMedia = { params: { file: listenUrl.pathname.split('/').pop()! }, query: Object.fromEntries(listenUrl.searchParams), token: null };
    expect((await call('GET', '/api/v1/episode-media/{file}', episodeMedia)).status).toBe(200);
    expect((await call('GET', '/api/v1/episode-media/{file}', { ...episodeMedia, headers: { range: 'bytes=0-9' } })).status).toBe(206);

    // ── Plans, airings, the manifest and its media ──
    const plan = await call('POST', '/api/v1/plans', { body: { episodeId: ids.episode, stationIds: [station.id], airingsPerStation: 3, from: inDays(1), to: inDays(6), minGapHours: 0 } });
    expect(plan.status, plan.text).toBe(201);
    const planId = (plan.body as { plan: { id: string } }).plan.id;
    expect((await call('GET', '/api/v1/plans')).status).toBe(200);
    expect((await call('GET', '/api/v1/plans/{id}', { params: { id: planId } })).status).toBe(200);
    const approved = await call('POST', '/api/v1/plans/{id}/approve', { params: { id: planId } });
    expect(approved.status, approved.text).toBe(200);
    const airings = (approved.body as { stations: { airings: { id: string; startsAt: string }[] }[] }).stations[0]!.airings;
    expect(airings.length).toBe(3);
    const [first, second, third] = airings as [{ id: string; startsAt: string }, { id: string; startsAt: string }, { id: string }];
    expect((await call('GET', '/api/v1/airings/{id}', { params: { id: first.id } })).status).toBe(200);
    const moved = DateTime.fromISO(second.startsAt, { zone: TZ }).plus({ minutes: 5 }).toISO({ suppressMilliseconds: true })!;
    const move = await call('PATCH', '/api/v1/airings/{id}', { params: { id: second.id }, body: { startsAt: moved } });
    expect(move.status, move.text).toBe(200);
    expect((await call('POST', '/api/v1/airings/{id}/cancel', { params: { id: third.id } })).status).toBe(200);
    // Marked by hand as aired now (its slot is days ahead): off schedule, but recorded; the second time refused.
    const airedNow = { startedAt: new Date().toISOString(), durationSec: 21 };
    const aired = await call('POST', '/api/v1/airings/{id}/aired', { params: { id: first.id }, body: airedNow });
    expect(aired.status, aired.text).toBe(201);
    await refused(409, 'ALREADY_RECORDED', 'POST', '/api/v1/airings/{id}/aired', { params: { id: first.id }, body: airedNow });
    expect((await call('GET', '/api/v1/stations/{id}/airings', { params: { id: station.id }, query: { from: inDays(0), to: inDays(7) } })).status).toBe(200);

    const manifest = await call('GET', '/api/v1/station/manifest', { token: stationToken });
    expect(manifest.status).toBe(200);
    expect((await call('GET', '/api/v1/station/manifest', { token: stationToken, headers: { 'if-none-match': manifest.headers.get('etag')! } })).status).toBe(304);
    expect((await call('GET', '/api/v1/station/schedule.ics', { token: stationToken })).status).toBe(200);
    expect((await call('GET', '/api/v1/station/today.m3u', { token: stationToken })).status).toBe(200);
    const link = new URL((manifest.body as { airings: { media: { url: string } }[] }).airings[0]!.media.url);
    const [, , , , , mediaStation, file] = link.pathname.split('/') as string[];
    const media = { params: { stationId: mediaStation!, file: file! }, query: Object.fromEntries(link.searchParams), token: null };
    expect((await call('GET', '/api/v1/station/media/{stationId}/{file}', media)).status).toBe(200);
    expect((await call('GET', '/api/v1/station/media/{stationId}/{file}', { ...media, headers: { range: 'bytes=0-9' } })).status).toBe(206);
    expect((await call('GET', '/api/v1/stations/{id}/deliveries', { params: { id: station.id } })).status).toBe(200);

    const plays = await call('POST', '/api/v1/station/plays', {
      token: stationToken,
      body: { plays: [{ eventId: 'contract-1', episodeId: ids.episode, airingId: first.id, startedAt: first.startsAt, durationSec: 21, source: 'auto' }, { eventId: 'contract-2' }] },
    });
    expect(plays.status, plays.text).toBe(200);

    // The live channel: its first bytes, then hang up.
    const ac = new AbortController();
    const sse = await fetch(`${rt.url}/api/v1/station/events`, { headers: { authorization: `Bearer ${stationToken}` }, signal: ac.signal });
    expect(sse.status).toBe(200);
    expect(Object.keys(doc.paths['/api/v1/station/events']!.get!.responses['200']!.content!)).toContain(sse.headers.get('content-type')!.split(';')[0]);
    const reader = sse.body!.getReader();
    let received = '';
    while (!received.includes('event: hello')) received += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    succeeded.add('GET /api/v1/station/events');

    // The PDF is rendered by Chromium (seconds): it runs while the rest goes on. Where Chromium is missing: a 503 in
    // the error envelope, checked against the document all the same.
    const period = { from: inDays(-40), to: inDays(7) };
    const pdf = call('GET', '/api/v1/reports/compliance', { query: { ...period, format: 'pdf' } });

    const cancelledPlan = await call('POST', '/api/v1/plans/{id}/cancel', { params: { id: planId } });
    expect(cancelledPlan.status, cancelledPlan.text).toBe(200);

    // ── Play now ──
    const pn = await call('POST', '/api/v1/play-now', { body: { episodeId: ids.episode, stationIds: [ids.other] } });
    expect(pn.status, pn.text).toBe(201);
    const pnId = (pn.body as { id: string }).id;
    expect((await call('GET', '/api/v1/play-now')).status).toBe(200);
    expect((await call('GET', '/api/v1/play-now/{id}', { params: { id: pnId } })).status).toBe(200);
    expect((await call('POST', '/api/v1/play-now/{id}/stop', { params: { id: pnId } })).status).toBe(200);

    // ── Counts and reports, in every format ──
    for (const groupBy of ['station', 'episode', 'month']) expect((await call('GET', '/api/v1/stats/rebroadcasts', { query: { ...period, groupBy } })).status).toBe(200);
    expect((await call('GET', '/api/v1/stats/rebroadcasts', { query: { preset: 'year', year: inDays(0).slice(0, 4) } })).status).toBe(200);
    for (const format of ['json', 'csv', 'xlsx']) expect((await call('GET', '/api/v1/reports/compliance', { query: { ...period, format } })).status).toBe(200);

    expect((await call('GET', '/api/v1/alerts', { query: { status: 'all' } })).status).toBe(200);

    // Last: these end the station's current token and service.
    const rotated = await call('POST', '/api/v1/stations/{id}/rotate-token', { params: { id: station.id } });
    expect(rotated.status).toBe(200);
    stationToken = (rotated.body as { token: string }).token;
    expect((await call('POST', '/api/v1/stations/{id}/deactivate', { params: { id: ids.other } })).status).toBe(200);

    expect([200, 503]).toContain((await pdf).status);

    // ── The audit log, of everything above ──
    expect((await call('GET', '/api/v1/audit', { query: { action: 'station', limit: '5' } })).status).toBe(200);
    expect((await call('GET', '/api/v1/audit.csv', { query: { action: 'plan' } })).status).toBe(200);

    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.filter((op) => !succeeded.has(op))).toEqual([]);
  });

  it('answers refusals of every family with the documented error envelope', async () => {
    const random = '00000000-0000-4000-8000-000000000000';
    await refused(401, 'UNAUTHENTICATED', 'GET', '/api/v1/me', { token: null });
    await refused(403, 'FORBIDDEN', 'GET', '/api/v1/fleet', { token: stationToken });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/episodes/{id}', { params: { id: 'abc' } });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/episodes', { query: { limit: '0' } });
    await refused(404, 'NOT_FOUND', 'GET', '/api/v1/episodes/{id}/renditions/{name}', { params: { id: random, name: 'mp3' } });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/bulletins', { body: {} });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/stations', { body: { code: '1' } });
    await refused(404, 'NOT_FOUND', 'GET', '/api/v1/stations/{id}', { params: { id: random } });
    await refused(422, 'VALIDATION_FAILED', 'PATCH', '/api/v1/stations/{id}/devices/{deviceId}', { params: { id: ids.station!, deviceId: random }, body: { nickname: 'x' } });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/devices/{id}/presence', { params: { id: 'nope' } });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/plans', { body: { episodeId: random } });
    await refused(404, 'NOT_FOUND', 'GET', '/api/v1/airings/{id}', { params: { id: random } });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/play-now', { body: { episodeId: random, stationIds: [] } });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/station/plays', { token: stationToken, body: { plays: [] } });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/station/heartbeat', { token: stationToken, body: { agentVersion: 7 } });
    await refused(403, 'BAD_SIGNATURE', 'GET', '/api/v1/station/media/{stationId}/{file}', { token: null, params: { stationId: ids.station!, file: `${ids.episode}.mp3` }, query: { exp: '9999999999', sig: 'x'.repeat(43) } });
    await refused(403, 'BAD_SIGNATURE', 'GET', '/api/v1/episode-media/{file}', { token: null, params: { file: `${ids.episode}.mp3` }, query: { dl: '0', exp: '9999999999', sig: 'x'.repeat(43) } });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/reports/compliance', { query: { from: '2026-13-01', to: '2026-12-31' } });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/stats/rebroadcasts', { query: { from: '2026-12-31', to: '2026-01-01' } });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/alerts', { query: { status: 'bogus' } });
    await refused(404, 'NOT_FOUND', 'GET', '/api/v1/play-now/{id}', { params: { id: random } });
    await refused(409, 'CODE_TAKEN', 'POST', '/api/v1/areas', { body: { name: 'Trùng mã', code: '10' } });
    await refused(404, 'NOT_FOUND', 'PATCH', '/api/v1/areas/{id}', { params: { id: random }, body: { name: 'x' } });
    await refused(422, 'VALIDATION_FAILED', 'POST', '/api/v1/users', { body: { login: 'ab', displayName: 'X', password: 'mat-khau-2026-dai', role: 'viewer', areaId: ids.province! } });
    await refused(404, 'NOT_FOUND', 'GET', '/api/v1/users/{id}', { params: { id: random } });
    await refused(422, 'TOO_SHORT', 'POST', '/api/v1/users/{id}/reset-password', { params: { id: ids.user! }, body: { password: 'ngan' } });
    await refused(422, 'VALIDATION_FAILED', 'GET', '/api/v1/audit', { query: { from: 'hôm qua' } });
    await refused(404, 'NOT_FOUND', 'PATCH', '/api/v1/uploads/tus/{id}', {
      params: { id: random },
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      raw: Buffer.alloc(10),
    });
    await refused(404, 'NOT_FOUND', 'HEAD', '/api/v1/uploads/tus/{id}', { params: { id: random }, headers: { 'tus-resumable': '1.0.0' } });
    expect(seen.filter((s) => / 4\d\d$/.test(s)).length).toBeGreaterThanOrEqual(20);
  });

  it('serves the docs page and its own files under a strict CSP, with no inline script', async () => {
    const page = await fetch(`${rt.url}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attrs, inline] of scripts) {
      expect(attrs).toMatch(/\bsrc="/);
      expect(inline!.trim()).toBe('');
    }
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui/swagger-ui.css', '/docs/swagger-ui/swagger-ui-bundle.js', '/docs/init.js']));
    for (const asset of assets) {
      const res = await fetch(rt.url + asset);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type'), asset).toMatch(/javascript|css|png/);
      if (asset === '/docs/init.js') expect(await res.text()).toContain("url: '/api/v1/openapi.json'");
      else await res.arrayBuffer();
    }
    // swagger-ui's own page (with its inline script and the petstore URL) is not served.
    expect((await fetch(`${rt.url}/docs/swagger-ui/index.html`)).status).toBe(404);
  });

  it('renders the document in Chromium with no CSP violation or page error', async () => {
    const browser = await launchChromium();
    try {
      const watched = await openPage(browser, { width: 1280, height: 900, baseURL: rt.url! });
      await watched.page.goto('/docs/');
      await watched.page.locator('.opblock-summary-path', { hasText: '/api/v1/stations/{id}/airings' }).first().waitFor({ timeout: 15_000 });
      expect(await watched.page.locator('.opblock').count()).toBe(Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0));
      expect(watched.problems).toEqual([]);
      await watched.context.close();
    } finally {
      await browser.close();
    }
  });
});
