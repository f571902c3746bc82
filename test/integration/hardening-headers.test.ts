import http from 'node:http';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../helpers/env.js';

const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [
  { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 60 },
];

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A GET with headers fetch() will not send as given (Host), from this machine (loopback). */
function rawGet(base: string, urlPath: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, { method: 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function cspOf(value: string | null | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (value ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

describe('hardening: security headers, forwarded headers, the host in media links', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  // direct: the default (trusts no proxy). proxied: the same service behind a proxy on this machine (TRUST_PROXY=loopback).
  let direct: Runtime;
  let proxied: Runtime;
  let stationToken: string;
  let port: string;

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    dropDb = db.drop;
    direct = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { PUSH_CRON: '0 0 1 1 *' } }));
    // An API process of the same deployment: same database, so the same station and schedule.
    proxied = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { ROLE: 'api', TRUST_PROXY: 'loopback' } }));
    port = new URL(direct.url!).port;

    const up = await uploadFile(direct.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Chuyển đổi số — số 11' });
    expect(up.status).toBe(202);
    await waitFor(async () => (await api(direct.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${up.body.id}`)).body.status === 'ready', { timeoutMs: 60_000, what: 'episode ready' });
    const station = await api(direct.url!, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '04321', name: 'Đài xã Tả Van', grid: GRID });
    expect(station.status).toBe(201);
    stationToken = station.body.token;
    const today = DateTime.now().setZone(TZ).toISODate()!;
    const to = DateTime.now().setZone(TZ).plus({ days: 5 }).toISODate()!;
    const plan = await api(direct.url!, ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId: up.body.id, stationIds: [station.body.id], airingsPerStation: 2, from: today, to });
    expect(plan.status).toBe(201);
    expect((await api(direct.url!, ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
  }, 90_000);

  afterAll(async () => {
    await proxied?.close();
    await direct?.close();
    if (direct) await clearQueuePrefix(direct.config.redis.prefix);
    if (proxied) await clearQueuePrefix(proxied.config.redis.prefix);
    await s3?.close();
    await dropDb?.();
  });

  describe('security headers on every answer', () => {
    const expectHardened = (headers: Headers, what: string) => {
      const csp = cspOf(headers.get('content-security-policy'));
      expect(csp.get('default-src'), what).toEqual(["'self'"]);
      expect(csp.get('script-src'), what).toEqual(["'self'"]);
      expect(csp.get('style-src'), what).toEqual(["'self'"]);
      expect(csp.get('connect-src'), what).toEqual(["'self'"]);
      expect(csp.get('img-src'), what).toEqual(["'self'", 'data:', 'blob:']);
      // Audio from the service, and from the storage's public origin where presigned links point.
      expect(csp.get('media-src'), what).toEqual(["'self'", 'blob:', new URL(s3.endpoint).origin]);
      expect(csp.get('object-src'), what).toEqual(["'none'"]);
      expect(csp.get('base-uri'), what).toEqual(["'none'"]);
      expect(csp.get('form-action'), what).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
      expect(csp.has('upgrade-insecure-requests'), what).toBe(false);
      expect(headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(headers.get('referrer-policy'), what).toBe('no-referrer');
      expect(headers.get('x-frame-options'), what).toBe('DENY');
      // Over plain http a deployment must not be pinned to https by us.
      expect(headers.get('strict-transport-security'), what).toBeNull();
    };

    it('on an API route', async () => {
      const res = await api(direct.url!, ADMIN_TOKEN, 'GET', '/api/v1/me');
      expect(res.status).toBe(200);
      expectHardened(res.headers, 'GET /api/v1/me');
    });

    it('on the dashboard page and its scripts (the policy lives in the header now, not in a meta tag)', async () => {
      const page = await fetch(`${direct.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).not.toMatch(/http-equiv="Content-Security-Policy"/i);
      expectHardened(page.headers, 'GET /');
      const script = await fetch(`${direct.url}/js/main.js`);
      expect(script.status).toBe(200);
      expectHardened(script.headers, 'GET /js/main.js');
    });

    it('on error answers', async () => {
      const missing = await api(direct.url!, ADMIN_TOKEN, 'GET', '/api/v1/no-such-thing');
      expect(missing.status).toBe(404);
      expectHardened(missing.headers, '404');
      // On the other process: a failed sign-in here would count towards the limiter test below.
      const unauthenticated = await api(proxied.url!, null, 'GET', '/api/v1/episodes');
      expect(unauthenticated.status).toBe(401);
      expectHardened(unauthenticated.headers, '401');
      const badJson = await api(direct.url!, ADMIN_TOKEN, 'POST', '/api/v1/stations', undefined, { 'content-type': 'application/json' });
      expect(badJson.status).toBeGreaterThanOrEqual(400);
      expect(badJson.status).toBeLessThan(500);
      expectHardened(badJson.headers, String(badJson.status));
    });
  });

  describe('media links in manifests', () => {
    const manifest = (rt: Runtime, headers: Record<string, string>) =>
      rawGet(rt.url!, '/api/v1/station/manifest', { authorization: `Bearer ${stationToken}`, ...headers });
    const linksOf = (a: RawAnswer): string[] => (JSON.parse(a.text) as { airings: { media: { url: string } }[] }).airings.map((x) => x.media.url);

    it('keep one cached manifest per station while 500 Host headers come in, each answered with links on its own host', async () => {
      const before = direct.manifests!.cachedStations();
      // 20 clients at a time.
      for (let batch = 0; batch < 500; batch += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async (_, j) => {
            const host = `h${batch + j}.example.vn:${port}`;
            const res = await manifest(direct, { host });
            expect(res.status, host).toBe(200);
            const links = linksOf(res);
            expect(links.length).toBeGreaterThan(0);
            for (const link of links) expect(link.startsWith(`http://${host}/api/v1/station/media/`), link).toBe(true);
          }),
        );
      }
      expect(direct.manifests!.cachedStations()).toBe(Math.max(before, 1));
      expect(direct.manifests!.cachedStations()).toBeLessThanOrEqual(1);
    });

    it('ignore X-Forwarded-Proto and -Host from a client that is not a trusted proxy', async () => {
      const res = await manifest(direct, { host: `127.0.0.1:${port}`, 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example' });
      expect(res.status).toBe(200);
      for (const link of linksOf(res)) expect(link.startsWith(`http://127.0.0.1:${port}/api/v1/station/media/`), link).toBe(true);
      expect(res.text).not.toContain('javascript');
      expect(res.text).not.toContain('evil.example');
    });

    it('can be fetched by a player on any origin (a media link answers with the security headers too)', async () => {
      const res = await manifest(direct, { host: `127.0.0.1:${port}` });
      const file = await fetch(linksOf(res)[0]!, { headers: { range: 'bytes=0-99' } });
      expect(file.status).toBe(206);
      expect(file.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(cspOf(file.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'none'"]);
      await file.arrayBuffer();
      // Everything else stays same-origin.
      expect((await api(direct.url!, ADMIN_TOKEN, 'GET', '/api/v1/me')).headers.get('cross-origin-resource-policy')).toBe('same-origin');
    });

    it('refuse a Host that is not a plain host name, in every station feed', async () => {
      for (const host of ['evil.example/x?', 'user@evil.example', 'evil.example:99999', 'a b']) {
        for (const feed of ['/api/v1/station/manifest', '/api/v1/station/schedule.ics', '/api/v1/station/today.m3u']) {
          const res = await rawGet(direct.url!, feed, { authorization: `Bearer ${stationToken}`, host });
          expect(res.status, `${feed} Host: ${host}`).toBe(400);
          expect(JSON.parse(res.text).error.code).toBe('BAD_HOST');
          expect(res.text).not.toContain('/api/v1/station/media/');
        }
      }
    });

    it('behind a trusted proxy: honour its forwarded https and host, refuse a forged scheme', async () => {
      const ok = await manifest(proxied, { host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'loaxa.example.vn' });
      expect(ok.status).toBe(200);
      for (const link of linksOf(ok)) expect(link.startsWith('https://loaxa.example.vn/api/v1/station/media/'), link).toBe(true);

      for (const proto of ['javascript', 'data', 'https://evil.example']) {
        const forged = await manifest(proxied, { host: 'internal:8080', 'x-forwarded-proto': proto });
        expect(forged.status, proto).toBe(400);
        expect(JSON.parse(forged.text).error.code).toBe('BAD_HOST');
        expect(forged.text).not.toContain('javascript:');
      }
      const forgedHost = await manifest(proxied, { host: 'internal:8080', 'x-forwarded-host': 'evil.example"><script>' });
      expect(forgedHost.status).toBe(400);
    });
  });

  describe('the failed-sign-in limiter', () => {
    const badSignIn = (rt: Runtime, forwardedFor: string) => rawGet(rt.url!, '/api/v1/me', { authorization: 'Bearer lxs_not-a-real-token-000000000000', 'x-forwarded-for': forwardedFor });

    it('by default, ignores X-Forwarded-For: a loopback client cannot spread its failures over made-up addresses', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await badSignIn(direct, `198.51.100.${i + 1}`)).status);
      expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
      expect(statuses[60]).toBe(429);
      // A fresh forwarded address does not reset it either.
      expect((await badSignIn(direct, '192.0.2.200')).status).toBe(429);
    });

    it('with TRUST_PROXY=loopback, counts per forwarded client address', async () => {
      // 61 different clients through the proxy: one failure each, none limited.
      for (let i = 0; i < 61; i++) expect((await badSignIn(proxied, `198.51.100.${i + 1}`)).status).toBe(401);
      // One client failing 61 times is limited; another client behind the same proxy is not.
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await badSignIn(proxied, '203.0.113.7')).status);
      expect(statuses.every((s) => s === 401)).toBe(true);
      expect((await badSignIn(proxied, '203.0.113.7')).status).toBe(429);
      expect((await badSignIn(proxied, '203.0.113.8')).status).toBe(401);
    });
  });
});
