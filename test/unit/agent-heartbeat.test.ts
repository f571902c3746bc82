import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../src/agent/config.js';
import { Contact } from '../../src/agent/contact.js';
import { buildHeartbeat, HEARTBEAT_UPCOMING, heartbeatBody, heartbeatKey, HeartbeatSender, type HeartbeatInput } from '../../src/agent/heartbeat.js';
import { agentVersion } from '../../src/agent/version.js';
import { FULL_HEARTBEAT_EVERY_SEC, type WireHeartbeat } from '../../src/wire/station-protocol.js';
import { airing, sec } from '../helpers/agent-airings.js';
import pkg from '../../package.json' with { type: 'json' };

const played = airing('a0', -600, { file: 'a', durSec: 300 });
const playing = airing('a1', -30, { file: 'a' });
const next = airing('a2', 3600, { file: 'b' });
const later = airing('a3', 7200, { file: 'c' });

const input = (over: Partial<HeartbeatInput> = {}): HeartbeatInput => ({
  now: sec(0),
  agentVersion: '1.2.3',
  agentStartedAt: new Date(sec(-90.5)),
  manifest: { station: { id: 's', code: '01234', name: 'Tả Van', timezone: 'Asia/Ho_Chi_Minh' }, version: 'v1', airings: [played, playing, next, later] },
  started: new Set(['a0', 'a1']),
  lateStartMs: 600_000,
  isReady: (f) => f !== later.file,
  nowPlaying: { airingId: 'a1', episodeId: 'ep-a', title: playing.title, startedAt: new Date(sec(-30)).toISOString() },
  cacheBytes: 123_456,
  freeDiskBytes: 9_000_000_000,
  pendingReports: 2,
  lastPlayer: { at: new Date(sec(-400)).toISOString(), exitCode: 0, signal: null, error: null },
  problems: [null, { at: sec(-20), message: 'cache: c: network: ECONNRESET' }, { at: sec(-50), message: 'reports: server unreachable' }],
  clockOffsetMs: -1_500,
  channelOpen: true,
  ...over,
});

describe('health heartbeat', () => {
  it('says what plays now, what comes next and whether its file is verified, and the rest of the health facts', () => {
    const h: WireHeartbeat = buildHeartbeat(input());
    expect(h).toEqual({
      agentVersion: '1.2.3',
      startedAt: new Date(sec(-90.5)).toISOString(),
      uptimeSec: 90,
      nowPlaying: { airingId: 'a1', episodeId: 'ep-a', title: playing.title, startedAt: new Date(sec(-30)).toISOString() },
      nextAiring: { airingId: 'a2', title: next.title, startsAt: next.startsAtLocal, fileReady: true },
      upcoming: [
        { airingId: 'a2', startsAt: next.startsAtLocal, fileReady: true },
        { airingId: 'a3', startsAt: later.startsAtLocal, fileReady: false },
      ],
      cacheBytes: 123_456,
      freeDiskBytes: 9_000_000_000,
      pendingReports: 2,
      lastPlayer: { at: new Date(sec(-400)).toISOString(), exitCode: 0, signal: null, error: null },
      // The newest current problem.
      lastError: 'cache: c: network: ECONNRESET',
      clockOffsetMs: -1_500,
      channel: 'open',
    });
  });

  it('works before any manifest, with nothing wrong and the channel down', () => {
    const h = buildHeartbeat(input({ manifest: null, nowPlaying: null, problems: [null], lastPlayer: null, channelOpen: false, freeDiskBytes: null, clockOffsetMs: null }));
    expect(h).toMatchObject({ nowPlaying: null, nextAiring: null, upcoming: [], lastError: null, lastPlayer: null, channel: 'closed', freeDiskBytes: null, clockOffsetMs: null });
  });

  it('lists at most 20 upcoming airings, soonest first, leaving out those already started or too late to start', () => {
    const many = Array.from({ length: 30 }, (_, i) => airing(`n${String(i).padStart(2, '0')}`, 60 * (i + 1), { file: 'b' }));
    const tooLate = airing('late', -700, { file: 'b', durSec: 3600 });
    const h = buildHeartbeat(input({ manifest: { station: input().manifest!.station, version: 'v2', airings: [tooLate, ...many] } }));
    expect(h.upcoming).toHaveLength(HEARTBEAT_UPCOMING);
    expect(h.upcoming.map((u) => u.airingId)).toEqual(many.slice(0, 20).map((a) => a.id));
    expect(h.nextAiring?.airingId).toBe('n00');
  });

  it('carries the version from package.json', () => {
    expect(agentVersion()).toBe(pkg.version);
  });
});

describe('heartbeat sender', () => {
  it('posts the beat with the device token, compressing a large one, and falls back to plain JSON on 415', { timeout: 20_000 }, async () => {
    const seen: Array<{ encoding: string | undefined; auth: string | undefined; body: WireHeartbeat }> = [];
    let refuseGzip = false;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = req.headers['content-encoding'];
        if (encoding === 'gzip' && refuseGzip) {
          res.writeHead(415).end();
          return;
        }
        const text = encoding === 'gzip' ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        seen.push({ encoding, auth: req.headers.authorization, body: JSON.parse(text) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"serverTime":"2026-12-01T00:00:00Z","heartbeatSec":60}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const parsed = parseAgentConfig(['--server', `http://127.0.0.1:${port}`, '--token', 'lxs_dev', '--dir', '/tmp/x'], {});
      if (parsed.help) throw new Error('help');
      let beat = buildHeartbeat(input());
      const sender = new HeartbeatSender({ config: parsed.config, log: pino({ level: 'silent' }), contact: new Contact(), build: async () => beat });
      expect(await sender.sendOnce()).toBeGreaterThan(50_000);
      const many = Array.from({ length: 20 }, (_, i) => airing(`n${i}`, 60 * (i + 1), { file: 'b' }));
      beat = buildHeartbeat(input({ manifest: { ...input().manifest!, airings: many } }));
      await sender.sendOnce();
      const gzipped = beat;
      refuseGzip = true;
      // Changed, so the next beat is a full one again (an unchanged one would be a few bytes of "same").
      beat = { ...beat, pendingReports: beat.pendingReports + 1 };
      await sender.sendOnce();
      await sender.sendOnce();
      expect(seen.map((s) => s.encoding)).toEqual([undefined, 'gzip', undefined]);
      expect(seen.every((s) => s.auth === 'Bearer lxs_dev')).toBe(true);
      expect(seen[1]!.body).toEqual(gzipped);
      expect(seen[2]!.body.upcoming).toHaveLength(20);
      expect(sender.lastSentAt).not.toBeNull();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('unchanged heartbeats', () => {
  const full = buildHeartbeat(input());
  const at = Date.parse('2026-12-01T03:00:00Z');

  it('say only "same" while nothing that matters changed; uptime and small clock or disk wobbles do not count', () => {
    const last = { key: heartbeatKey(full), at };
    const wobble = { ...full, uptimeSec: full.uptimeSec + 600, clockOffsetMs: (full.clockOffsetMs ?? 0) + 300, freeDiskBytes: (full.freeDiskBytes ?? 0) + 1024 * 1024 };
    expect(heartbeatBody(wobble, last, at + 60_000)).toEqual({ same: true });
    expect(heartbeatBody({ ...full, pendingReports: full.pendingReports + 1 }, last, at + 60_000)).toMatchObject({ pendingReports: full.pendingReports + 1 });
    expect(heartbeatBody({ ...full, channel: full.channel === 'open' ? 'closed' : 'open' }, last, at + 60_000)).toHaveProperty('agentVersion');
    expect(heartbeatBody(full, null, at)).toBe(full);
  });

  it('are full again once the last full one is half an hour old', () => {
    const last = { key: heartbeatKey(full), at };
    expect(heartbeatBody(full, last, at + FULL_HEARTBEAT_EVERY_SEC * 1000 - 1)).toEqual({ same: true });
    expect(heartbeatBody(full, last, at + FULL_HEARTBEAT_EVERY_SEC * 1000)).toBe(full);
  });

  it('send a full heartbeat at once when the service answers 409 (it holds none of this device)', { timeout: 20_000 }, async () => {
    const bodies: unknown[] = [];
    let forget = false;
    const server = http.createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8').on('data', (c: string) => (text += c));
      req.on('end', () => {
        const body = JSON.parse(text) as { same?: boolean };
        bodies.push(body);
        if (body.same && forget) {
          forget = false;
          res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":{"code":"HEARTBEAT_FULL_NEEDED"}}');
          return;
        }
        res.writeHead(body.same ? 204 : 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const parsed = parseAgentConfig(['--server', `http://127.0.0.1:${port}`, '--token', 'lxs_dev', '--dir', '/tmp/x'], {});
      if (parsed.help) throw new Error('help');
      const sender = new HeartbeatSender({ config: parsed.config, log: pino({ level: 'silent' }), contact: new Contact(), build: async () => full });
      await sender.sendOnce();
      await sender.sendOnce();
      forget = true;
      expect(await sender.sendOnce()).toBeLessThanOrEqual(1_000);
      await sender.sendOnce();
      expect(bodies.map((b) => ((b as { same?: boolean }).same ? 'same' : 'full'))).toEqual(['full', 'same', 'same', 'full']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
