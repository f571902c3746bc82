import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceSecret } from '../../src/db/secrets-repo.js';
import { mediaLinkPath } from '../../src/domain/media-links.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';

const NUL = '\u0000';
const WAV = fs.readFileSync(path.join(FIXTURES, 'speech-stereo-44k.wav'));
const OGG = fs.readFileSync(path.join(FIXTURES, 'speech.ogg'));

/**
 * Server-side TCP connections on this port that still hold a socket (established, or closed by the peer only);
 * with `peers`, only those coming from these client ports.
 */
function serverSockets(port: number, peers?: readonly (number | undefined)[]): number {
  const hex = (p: number) => `:${p.toString(16).toUpperCase().padStart(4, '0')}`;
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => {
      const f = line.trim().split(/\s+/);
      if (!f[1]?.endsWith(hex(port)) || (f[3] !== '01' && f[3] !== '08')) return false;
      return !peers || peers.some((p) => p !== undefined && f[2]!.endsWith(hex(p)));
    }).length;
}

const portOf = (rt: Runtime) => Number(new URL(rt.url!).port);

/** Bytes the server process has not read yet from its side of connections on this port. */
function serverUnread(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(hex) && f[3] === '01')
    .reduce((n, f) => n + parseInt(f[4]!.split(':')[1]!, 16), 0);
}

/** A raw connection that writes `head` and then whatever the test says; `closed` resolves when it closes. */
function rawClient(rt: Runtime, head: string | Buffer) {
  const socket = net.connect(portOf(rt), '127.0.0.1');
  let received = '';
  let localPort: number | undefined;
  socket.once('connect', () => (localPort = socket.localPort));
  socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
  socket.on('error', () => undefined);
  const opened = Date.now();
  const closed = new Promise<{ afterMs: number; answer: string }>((resolve) => socket.once('close', () => resolve({ afterMs: Date.now() - opened, answer: received })));
  socket.write(head);
  return { socket, closed, answer: () => received, localPort: () => localPort };
}

function multipartHead(token: string, boundary: string, contentLength: number, title = 'Chậm') {
  const preamble =
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="slow.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
  const headers =
    `POST /api/v1/episodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${contentLength}\r\n\r\n`;
  return { headers, preamble };
}

const rows = async (rt: Runtime, sql: string, params: unknown[] = []) => (await rt.db.query<{ n: number }>(sql, params)).rows[0]!.n;

function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
}

let s3: Awaited<ReturnType<typeof startTestS3>>;
// PGlite with every default (the 30 s body-idle rule is exercised as shipped) and its log captured.
let lite: Runtime;
// PostgreSQL with short HTTP timeouts, so the slow-client checks take seconds.
let pgRt: Runtime;
let pgDb: Awaited<ReturnType<typeof createPgDatabase>>;
const logLines: Record<string, unknown>[] = [];
const SHORT = { HTTP_HEADERS_TIMEOUT_SEC: '2', HTTP_BODY_IDLE_TIMEOUT_SEC: '1', HTTP_REQUEST_TIMEOUT_SEC: '4', CHANNEL_HEARTBEAT_SEC: '5' };

beforeAll(async () => {
  s3 = await startTestS3();
  pgDb = await createPgDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const liteConfig = testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } });
  [lite, pgRt] = await Promise.all([
    startRuntime(liteConfig, pino({ level: 'info' }, sink)),
    startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: pgDb.url, env: { PUSH_CRON: '0 0 1 1 *', ...SHORT } })),
  ]);
}, 60_000);

afterAll(async () => {
  for (const rt of [lite, pgRt]) {
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
  }
  await pgDb?.drop();
  await s3?.close();
});

describe.each(['pglite', 'postgres'] as const)('U+0000 is refused where it comes in, naming the field (%s)', (backend) => {
  const rt = () => (backend === 'pglite' ? lite : pgRt);
  const call = (token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) => api(rt().url!, token, method, url, body, headers);
  const code = backend === 'pglite' ? '03001' : '03002';
  let station: { id: string; token: string };
  let operator: string;

  beforeAll(async () => {
    station = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code, name: 'Đài xã Tả Van', timezone: 'Asia/Ho_Chi_Minh' })).body;
    operator = (await createUserWithToken(rt().db, { name: `op ${backend}`, role: 'operator', stationId: station.id })).token;
  });

  const expectNul = (res: { status: number; body: any }, field: string, place: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0]).toMatchObject({ field, in: place, rule: 'no_nul' });
    expect(res.body.error.message).toContain(`«${field}»`);
    expect(res.body.error.message).toContain('NUL (U+0000)');
  };

  it('in JSON bodies: station name, webhook URL, a key, nested fields', async () => {
    const before = await rows(rt(), 'SELECT count(*)::int AS n FROM stations');
    expectNul(await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03099', name: `Đài${NUL}xã` }), 'name', 'body');
    expectNul(await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03099', name: 'Đài xã', webhookUrl: `https://example.vn/h${NUL}` }), 'webhookUrl', 'body');
    expectNul(await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${station.id}`, { name: `X${NUL}` }), 'name', 'body');
    expectNul(await call(ADMIN_TOKEN, 'PATCH', `/api/v1/stations/${station.id}`, { grid: [{ days: [1], start: `06${NUL}00`, durationMin: 30 }] }), 'grid.0.start', 'body');
    expect(await rows(rt(), 'SELECT count(*)::int AS n FROM stations')).toBe(before);
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${station.id}`)).body.name).toBe('Đài xã Tả Van');
  });

  it('in query strings and paths', async () => {
    expectNul(await call(ADMIN_TOKEN, 'GET', '/api/v1/stations?limit=1%00'), 'limit', 'query');
    expectNul(await call(ADMIN_TOKEN, 'GET', '/api/v1/episodes/%00'), '(path)', 'path');
  });

  it('in multipart form fields (episode title, description) and the file name, leaving no object or row', async () => {
    const before = await rows(rt(), 'SELECT count(*)::int AS n FROM episodes');
    expectNul(await uploadFile(rt().url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: `Bản tin${NUL}` }), 'title', 'form');
    expectNul(await uploadFile(rt().url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Bản tin', description: `a${NUL}b` }), 'description', 'form');
    // A NUL written raw in a part header is malformed multipart (busboy refuses it); percent-encoded (RFC 5987) it decodes.
    const boundary = 'nul-filename';
    const raw = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBản tin\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename*=UTF-8''a%00.ogg\r\nContent-Type: audio/ogg\r\n\r\n`),
      OGG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${rt().url}/api/v1/episodes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: raw });
    expectNul({ status: res.status, body: await res.json() }, 'audio.filename', 'form');
    expect(await rows(rt(), 'SELECT count(*)::int AS n FROM episodes')).toBe(before);
  });

  it('in tus upload metadata', async () => {
    const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/uploads/tus', undefined, {
      'tus-resumable': '1.0.0',
      'upload-length': String(OGG.length),
      'upload-metadata': tusMetadata({ title: `Bản tin${NUL}` }),
    });
    expectNul(res, 'title', 'metadata');
  });

  it('in a plays batch: that event alone is rejected with its reason, the rest is stored (200, nothing to retry)', async () => {
    const up = await uploadFile(rt().url!, operator, path.join(FIXTURES, 'speech.ogg'), { title: 'Chương trình của xã' });
    expect(up.status).toBe(202);
    // Started just now: a play cannot start before its episode existed.
    const play = { episodeId: up.body.id, startedAt: new Date(Date.now() + 1000).toISOString(), durationSec: 30 };
    const good = crypto.randomUUID();
    const res = await call(station.token, 'POST', '/api/v1/station/plays', {
      plays: [{ ...play, eventId: `ev${NUL}1` }, { ...play, eventId: good }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', reason: 'malformed', message: expect.stringContaining('eventId: must not contain the NUL character') });
    expect(res.body.results[1], JSON.stringify(res.body.results[1])).toMatchObject({ eventId: good, status: 'accepted' });
    expect(await rows(rt(), 'SELECT count(*)::int AS n FROM plays WHERE station_id = $1', [station.id])).toBe(1);
    // A missed-airing report carrying one is refused the same way.
    const miss = await call(station.token, 'POST', '/api/v1/station/plays', {
      plays: [{ outcome: 'missed', eventId: `m${NUL}`, episodeId: up.body.id, airingId: crypto.randomUUID(), startedAt: play.startedAt, reason: 'not_running' }],
    });
    expect(miss.status).toBe(200);
    expect(miss.body.results[0]).toMatchObject({ status: 'rejected' });
  });
});

describe('requests refused cleanly (PGlite, defaults)', () => {
  const call = (token: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) => api(lite.url!, token, method, url, body, headers);

  it('a multipart upload without a boundary: 400 naming the missing boundary', async () => {
    const res = await fetch(`${lite.url}/api/v1/episodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'multipart/form-data' },
      body: OGG,
    });
    const body = (await res.json()) as any;
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('BAD_MULTIPART');
    expect(body.error.message).toContain('boundary');
    expect(body.error.details[0]).toMatchObject({ field: 'Content-Type', rule: 'boundary' });
  });

  it('JSON nested deeper than 64 levels: 400 JSON_TOO_DEEP, even at 900,000 levels; over 2 MB: 413', async () => {
    const deep = '['.repeat(900_000) + ']'.repeat(900_000);
    const t0 = Date.now();
    const tooDeep = await fetch(`${lite.url}/api/v1/stations`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: deep });
    const body = (await tooDeep.json()) as any;
    expect(tooDeep.status).toBe(400);
    expect(body.error).toMatchObject({ code: 'JSON_TOO_DEEP', details: [{ rule: 'max_depth', limit: 64 }] });
    expect(body.error.message).toContain('64 cấp');
    expect(Date.now() - t0).toBeLessThan(5000);
    // 64 levels still parse (and reach the route's own validation).
    const at64 = { code: '03003', name: 'Đài', grid: JSON.parse('['.repeat(63) + ']'.repeat(63)) };
    expect((await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', at64)).status).toBe(422);
    const big = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03003', name: 'x'.repeat(2.1 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'BODY_TOO_LARGE', details: [{ rule: 'max_bytes' }] });
    expect(big.body.error.message).toContain('2 MB');
  });

  it('a Vietnamese file name sent as raw UTF-8 is stored as sent', async () => {
    const boundary = 'loaxa-utf8-boundary';
    const filename = 'Chương trình tháng 12.wav';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nChương trình tháng 12\r\n`, 'utf8'),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="${filename}"\r\nContent-Type: audio/wav\r\n\r\n`, 'utf8'),
      WAV,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${lite.url}/api/v1/episodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const row = (await lite.db.query<{ original_filename: string }>('SELECT original_filename FROM episodes WHERE id = $1', [id])).rows[0]!;
    expect(row.original_filename).toBe(filename);
  });

  it('a client hanging up mid-upload is logged once, at info, without a stack; nothing is kept', async () => {
    const before = await rows(lite, 'SELECT count(*)::int AS n FROM episodes');
    const mark = logLines.length;
    const { headers, preamble } = multipartHead(ADMIN_TOKEN, 'hangup', 10 * 1024 * 1024, 'Bỏ giữa chừng');
    const { socket, closed } = rawClient(lite, headers + preamble);
    socket.write(WAV.subarray(0, 256 * 1024));
    // Hang up once the server is reading the file (it has taken every byte sent so far).
    await waitFor(() => serverSockets(portOf(lite)) > 0 && serverUnread(portOf(lite)) === 0 && socket.writableLength === 0, { what: 'the bytes read by the server' });
    socket.destroy();
    await closed;
    const mine = await waitFor(() => {
      const found = logLines.slice(mark).filter((l) => l.msg === 'client closed the upload');
      return found.length > 0 ? found : undefined;
    }, { what: 'the hang-up logged' });
    expect(mine).toHaveLength(1);
    expect(mine[0]!.level).toBe(30);
    const loud = logLines.slice(mark).filter((l) => (l.level as number) >= 40);
    expect(loud, JSON.stringify(loud)).toEqual([]);
    expect(logLines.slice(mark).some((l) => JSON.stringify(l).includes('"stack"'))).toBe(false);
    expect(await rows(lite, 'SELECT count(*)::int AS n FROM episodes')).toBe(before);
  });

  it('a body that stops after 64 KB is dropped after the default 30 s without a byte; sockets back to baseline', async () => {
    const port = portOf(lite);
    const baseline = serverSockets(port);
    const before = await rows(lite, 'SELECT count(*)::int AS n FROM episodes');
    const { headers, preamble } = multipartHead(ADMIN_TOKEN, 'stall', 10 * 1024 * 1024);
    const { socket, closed, localPort } = rawClient(lite, headers + preamble);
    socket.write(WAV.subarray(0, 64 * 1024));
    await waitFor(() => serverSockets(port, [localPort()]) === 1, { what: 'the connection open' });
    const { afterMs } = await closed;
    expect(afterMs).toBeGreaterThanOrEqual(29_000);
    expect(afterMs).toBeLessThan(40_000);
    await waitFor(() => serverSockets(port, [localPort()]) === 0, { what: 'the server side closed' });
    await waitFor(() => logLines.some((l) => l.msg === 'upload dropped: the client stopped sending' && l.level === 30), { what: 'the drop logged at info' });
    // Other (kept-alive) connections from earlier tests may have closed meanwhile, never opened.
    expect(serverSockets(port)).toBeLessThanOrEqual(baseline);
    expect(await rows(lite, 'SELECT count(*)::int AS n FROM episodes')).toBe(before);
  }, 60_000);
});

describe('slow clients (PostgreSQL, headers 2 s, body idle 1 s, request 4 s)', () => {
  it('twenty uploads that stop after 64 KB: each closed after the idle timeout, no connection left open', async () => {
    const port = portOf(pgRt);
    const baseline = serverSockets(port);
    const clients = Array.from({ length: 20 }, (_, i) => {
      const { headers, preamble } = multipartHead(ADMIN_TOKEN, `stall${i}`, 10 * 1024 * 1024);
      const c = rawClient(pgRt, headers + preamble);
      c.socket.write(WAV.subarray(0, 64 * 1024));
      return c;
    });
    const peers = () => clients.map((c) => c.localPort());
    await waitFor(() => serverSockets(port, peers()) === clients.length, { what: 'all connections open' });
    const results = await Promise.all(clients.map((c) => c.closed));
    for (const r of results) expect(r.afterMs).toBeLessThan(3500);
    await waitFor(() => serverSockets(port, peers()) === 0, { what: 'no connection left on the server' });
    expect(serverSockets(port)).toBeLessThanOrEqual(baseline);
  });

  it('a body shorter than its Content-Length is not waited on for ever', async () => {
    const { headers, preamble } = multipartHead(ADMIN_TOKEN, 'short', 5000);
    const { socket, closed } = rawClient(pgRt, headers + preamble);
    socket.write(WAV.subarray(0, 1000));
    const { afterMs } = await closed;
    expect(afterMs).toBeLessThan(3500);
  });

  it('a slow upload that keeps moving succeeds though it lasts longer than the idle timeout', async () => {
    const boundary = 'slow-but-moving';
    const tail = `\r\n--${boundary}--\r\n`;
    const { headers, preamble } = multipartHead(ADMIN_TOKEN, boundary, 0, 'Tải chậm qua 3G');
    const length = Buffer.byteLength(preamble) + OGG.length + tail.length;
    const { socket, closed, answer } = rawClient(pgRt, headers.replace('Content-Length: 0', `Content-Length: ${length}`) + preamble);
    const t0 = Date.now();
    const pieces = 10;
    const size = Math.ceil(OGG.length / pieces);
    for (let i = 0; i < pieces; i++) {
      await new Promise((r) => setTimeout(r, 250));
      socket.write(OGG.subarray(i * size, (i + 1) * size));
    }
    socket.write(tail);
    const answered = await waitFor(() => (/\r\n\r\n\{/.test(answer()) ? answer() : undefined), { what: 'the answer' });
    expect(Date.now() - t0).toBeGreaterThan(2000);
    expect(answered).toMatch(/^HTTP\/1\.1 202/);
    socket.destroy();
    await closed;
  });

  it('headers that trickle in are cut at the headers timeout (408)', async () => {
    const { socket, closed } = rawClient(pgRt, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    const { afterMs, answer } = await closed;
    clearInterval(timer);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(1900);
    expect(afterMs).toBeLessThan(4000);
  });

  it('a body that keeps moving but never ends is cut at the request timeout', async () => {
    const { headers, preamble } = multipartHead(ADMIN_TOKEN, 'forever', 10 * 1024 * 1024);
    const { socket, closed } = rawClient(pgRt, headers + preamble + WAV.subarray(0, 4096).toString('latin1'));
    const timer = setInterval(() => socket.write(Buffer.alloc(512, 1)), 200);
    const { afterMs } = await closed;
    clearInterval(timer);
    expect(afterMs).toBeGreaterThanOrEqual(3900);
    expect(afterMs).toBeLessThan(7000);
  });

  it('the live channel (SSE) outlives the idle and request timeouts', async () => {
    const station = (await api(pgRt.url!, ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03010', name: 'Đài xã Lao Chải' })).body as { token: string };
    const res = await fetch(`${pgRt.url}/api/v1/station/events`, { headers: { authorization: `Bearer ${station.token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const t0 = Date.now();
    let text: string;
    // The first heartbeat comes after 5 s: past the 1 s idle and the 4 s request timeouts.
    // Heartbeats go out on one clock for all channels: wait for one past 4.5 s (there is one at most 5 s later).
    for (;;) {
      const { value, done } = await reader.read();
      expect(done, 'the channel was closed').toBe(false);
      text = new TextDecoder().decode(value);
      if (text.includes(': hb') && Date.now() - t0 > 4500) break;
    }
    await reader.cancel();
  });
});

describe('messages instead of raw errors', () => {
  it('a media link without its signature names the missing part; Range bytes=-N beyond the file sends it whole', async () => {
    const call = (token: string | null, method: string, url: string, body?: unknown) => api(lite.url!, token, method, url, body);
    const station = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03020', name: 'Đài xã Bản Hồ' })).body as { id: string };
    const up = await uploadFile(lite.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Bản tin Range' });
    const ep = await waitFor(async () => {
      const e = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${up.body.id}`)).body;
      return e.status === 'ready' ? e : undefined;
    }, { timeoutMs: 60_000, what: 'episode ready' });
    const planId = crypto.randomUUID();
    await lite.db.query(
      `INSERT INTO plans (id, episode_id, status, priority, airings_per_station, from_date, to_date, min_gap_sec, all_stations) VALUES ($1, $2, 'approved', 'normal', 1, current_date, current_date, 0, false)`,
      [planId, ep.id],
    );
    await lite.db.query(
      `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status) VALUES ($1, $2, $3, $4, now() + interval '1 hour', now() + interval '2 hours', 'normal', 'live')`,
      [crypto.randomUUID(), planId, station.id, ep.id],
    );
    const secret = await serviceSecret(lite.db, 'media_links');
    const link = mediaLinkPath(secret, { stationId: station.id, episodeId: ep.id, rendition: 'mp3', expires: Math.floor(Date.now() / 1000) + 3600 });

    const unsigned = await call(null, 'GET', link.replace(/&sig=[^&]+/, ''));
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.error).toMatchObject({ code: 'INCOMPLETE_LINK', details: [{ field: 'sig', rule: 'required' }] });
    expect(unsigned.body.error.message).toContain('«sig» (chữ ký)');
    expect(unsigned.body.error.messageEn).not.toMatch(/NaN|Invalid input/);
    const bare = await call(null, 'GET', link.split('?')[0]!);
    expect(bare.body.error.details.map((d: { field: string }) => d.field)).toEqual(['exp', 'sig']);

    const size = (await fetch(`${lite.url}${link}`, { method: 'HEAD' })).headers.get('content-length');
    const whole = await fetch(`${lite.url}${link}`, { headers: { range: `bytes=-${Number(size) + 5000}` } });
    expect(whole.status).toBe(206);
    expect(whole.headers.get('content-range')).toBe(`bytes 0-${Number(size) - 1}/${size}`);
    expect((await whole.arrayBuffer()).byteLength).toBe(Number(size));
    const beyond = await fetch(`${lite.url}${link}`, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();
  }, 90_000);

  it('user:create --station with a commune code no station has, or with neither code nor id: a clear message, no stack trace', async () => {
    const dataDir = tempDir('loaxa-cli-');
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'src/cli/index.ts', ...args], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      }).then(
        (r) => ({ code: 0, stderr: r.stderr }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const bad = await run(['user:create', '--name', 'Cán bộ xã', '--role', 'operator', '--station', '10279']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('No station has the commune code 10279');
    expect(bad.stderr).toContain('Không có đài nào có mã xã 10279');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const neither = await run(['user:create', '--name', 'Cán bộ xã', '--role', 'operator', '--station', 'abc']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--station must be the commune code, 5 digits (e.g. 10279), or the station\'s id');
    expect(neither.stderr).not.toMatch(/\n\s+at /);
    // A well-formed id that names no station: refused before the insert (no foreign-key error).
    await expect(createUserWithToken(lite.db, { name: 'Cán bộ xã', role: 'operator', stationId: crypto.randomUUID() })).rejects.toThrow(/no station has the id/);
    const unknown = await run(['user:create', '--name', 'Cán bộ xã', '--stations', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--stations'");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
