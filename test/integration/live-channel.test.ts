import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { parseAgentConfig } from '../../src/agent/config.js';
import { Contact } from '../../src/agent/contact.js';
import { HeartbeatSender } from '../../src/agent/heartbeat.js';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import type { WireHeartbeat } from '../../src/wire/station-protocol.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, REDIS_URL, clearQueuePrefix, createPgDatabase, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';
import { recordingPlayer } from '../helpers/agent-player.js';
import { AgentProcess, daytimeZone, readJsonLines, readStatus, type AgentLogLine } from '../helpers/agent-process.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import pkg from '../../package.json' with { type: 'json' };

/**
 * The live channel end to end: real agents (own processes, recording players, the DEFAULT 60 s poll interval)
 * against the real service (PostgreSQL, S3, Redis, workers). Emergencies must reach the loudspeakers in seconds
 * over the channel; when the API restarts or Redis fails, nothing may be lost.
 */
const TZ = daytimeZone();
const GRID = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', durationMin: 60 }];
const DEFAULT_POLL_SEC = 60;

interface Agent {
  readonly name: string;
  readonly dir: string;
  readonly token: string;
  readonly player: ReturnType<typeof recordingPlayer>;
  proc: AgentProcess;
}

describe('live channel: real agents, real service, default poll interval', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let redisProxy: TcpProxy;
  let speechId: string;
  let speechSec: number;
  let toneId: string;
  let stationA: { id: string; token: string };
  let stationB: { id: string; token: string };
  let device2: { id: string; token: string };
  let a1: Agent;
  let a2: Agent;
  let b1: Agent;
  const agents: Agent[] = [];
  const runtimes: Runtime[] = [];
  const measured: Record<string, number> = {};
  const today = () => DateTime.now().setZone(TZ).toISODate()!;
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);

  const configOn = (port: number, prefix?: string) =>
    testConfig({
      s3Endpoint: s3.endpoint,
      bucket: s3.bucket,
      databaseUrl: db.url,
      // The service's Redis goes through a proxy the test can cut; pushes stay out of the way.
      env: { PUSH_CRON: '0 0 1 1 *', REDIS_URL: redisProxy.url('redis'), PORT: String(port), ...(prefix ? { QUEUE_PREFIX: prefix } : {}) },
    });

  function startAgent(name: string, token: string, opts: { dir?: string; playerCommand?: string } = {}): Agent {
    const dir = opts.dir ?? tempDir(`loaxa-live-${name}-`);
    // The recording player "plays" each file for as long as the bulletin lasts.
    const player = recordingPlayer(tempDir('loaxa-live-player-'), speechSec);
    // No --poll-sec: the default interval is the one a real station runs with.
    const proc = new AgentProcess(['--server', rt.url!, '--dir', dir, '--player', opts.playerCommand ?? player.command], { LOAXA_TOKEN: token, LOAXA_LOG_LEVEL: 'debug' });
    const agent = { name, dir, token, player, proc };
    agents.push(agent);
    return agent;
  }

  const logTime = (l: AgentLogLine | undefined) => (l ? Date.parse(String(l.time)) : NaN);
  const journal = (a: Agent) => readJsonLines(path.join(a.dir, 'journal', 'plays.jsonl'));
  const startOf = (a: Agent, airingId: string) => journal(a).find((r) => r.t === 'start' && r.airingId === airingId);
  const endOf = (a: Agent, airingId: string) => {
    const s = startOf(a, airingId);
    return s && journal(a).find((r) => r.t === 'end' && r.eventId === s.eventId);
  };
  const playNowEvent = (a: Agent, airingId: string) => a.proc.find('channel: event', (l) => l.type === 'play-now' && (l.data as { airingId?: string })?.airingId === airingId);
  const opens = (a: Agent) => a.proc.logs.filter((l) => l.msg === 'channel: open');

  async function playNow(episodeId: string, stationIds: string[], via: Runtime = rt) {
    const sentAt = Date.now();
    const res = await api(via.url!, ADMIN_TOKEN, 'POST', '/api/v1/play-now', { episodeId, stationIds });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const airingOf = (stationId: string) => (res.body.stations as Array<{ stationId: string; airingId: string }>).find((s) => s.stationId === stationId)!.airingId;
    return { id: res.body.id as string, sentAt, answeredAt: Date.now(), airingOf };
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    db = await createPgDatabase();
    const redis = new URL(REDIS_URL);
    redisProxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    rt = await startRuntime(configOn(0));
    runtimes.push(rt);

    // A ~21 s bulletin, and a 100 s tone with noise for the emergency that must span a poll.
    const tone = path.join(tempDir('loaxa-tone-'), 'tone-100s.wav');
    execFileSync(resolveMediaBinaries({}).ffmpeg, [
      '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=100', '-f', 'lavfi', '-i', 'anoisesrc=duration=100:amplitude=0.05',
      '-filter_complex', 'amix=inputs=2:duration=shortest', '-ac', '1', '-ar', '16000', tone,
    ]);
    const speech = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Tin khẩn: lũ quét' });
    const toneUp = await uploadFile(rt.url!, ADMIN_TOKEN, tone, { title: 'Thông báo khẩn: sạt lở đất' });
    expect(speech.status, JSON.stringify(speech.body)).toBe(202);
    expect(toneUp.status, JSON.stringify(toneUp.body)).toBe(202);
    speechId = speech.body.id;
    toneId = toneUp.body.id;
    const ready = async (id: string) =>
      waitFor(
        async () => {
          const ep = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${id}`)).body;
          return ep.status === 'ready' && ep;
        },
        { timeoutMs: 120_000, what: `episode ${id} ready` },
      );
    speechSec = (await ready(speechId)).renditions.find((r: { name: string }) => r.name === 'mp3').durationSec;
    await ready(toneId);

    const mkStation = async (code: string, name: string) => {
      const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code, name, timezone: TZ, grid: GRID });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; token: string };
    };
    stationA = await mkStation('04101', 'Đài xã Tả Van');
    stationB = await mkStation('04102', 'Đài xã Bản Hồ');
    const dev = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${stationA.id}/devices`, { name: 'Cụm loa 2 — thôn Giàng Tả Chải' });
    expect(dev.status, JSON.stringify(dev.body)).toBe(201);
    expect(dev.body.token).toMatch(/^lxs_/);
    device2 = dev.body;

    a1 = startAgent('a1', stationA.token);
    a2 = startAgent('a2', device2.token);
    b1 = startAgent('b1', stationB.token);
    await Promise.all([a1, a2, b1].map((a) => waitFor(() => a.proc.find('channel: open'), { timeoutMs: 30_000, what: `${a.name} channel open` })));
  }, 240_000);

  afterAll(async () => {
    for (const a of agents) await a.proc.kill().catch(() => undefined);
    for (const r of runtimes) await r.close().catch(() => undefined);
    await redisProxy?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
    await db?.drop();
    // eslint-disable-next-line no-console
    console.log('live channel measurements (ms):', JSON.stringify(measured));
  });

  it('runs at the default poll interval, with the channel carrying changes', () => {
    for (const a of [a1, a2, b1]) {
      expect(a.proc.find('agent started')).toMatchObject({ pollSec: DEFAULT_POLL_SEC, pollSecLive: 300 });
      expect(opens(a)[0]).toMatchObject({ fanout: 'ok' });
    }
  });

  it('each device\'s heartbeat reaches the service: its health is stored and shown per device', { timeout: 60_000 }, async () => {
    const rows = await waitFor(
      async () => {
        const r = await rt.db.query<{ id: string; health: any }>('SELECT id, health FROM devices WHERE station_id = $1 ORDER BY created_at', [stationA.id]);
        // The first beat goes out at start, the next one right after the channel opened.
        return r.rows.length === 2 && r.rows.every((d) => d.health?.agentVersion && d.health.channel === 'open') && r.rows;
      },
      { timeoutMs: 30_000, what: 'heartbeats stored' },
    );
    for (const d of rows) {
      expect(d.health).toMatchObject({ agentVersion: pkg.version, channel: 'open', pendingReports: 0, nowPlaying: null });
      expect(d.health.freeDiskBytes).toBeGreaterThan(0);
      expect(d.health.uptimeSec).toBeGreaterThanOrEqual(0);
    }
    const list = await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationA.id}/devices`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    for (const d of list.body.items) expect(d.health).toMatchObject({ online: true, pendingReports: 0, lastError: null });

    // A full schedule's beat goes compressed: the real service takes it as it is.
    const parsed = parseAgentConfig(['--server', rt.url!, '--token', device2.token, '--dir', a2.dir], {});
    if (parsed.help) throw new Error('help');
    const upcoming = Array.from({ length: 20 }, (_, i) => ({ airingId: crypto.randomUUID(), startsAt: new Date(Date.now() + (i + 1) * 3_600_000).toISOString(), fileReady: i % 2 === 0 }));
    const beat = { ...(rows[1]!.health as WireHeartbeat), upcoming };
    const sender = new HeartbeatSender({ config: parsed.config, log: pino({ level: 'silent' }), contact: new Contact(), build: async () => beat });
    await sender.sendOnce();
    expect(sender.lastSentAt).not.toBeNull();
    expect(sender.lastBytes).toBeLessThan(Buffer.byteLength(JSON.stringify(beat)) / 2);
    const stored = await rt.db.query<{ health: WireHeartbeat }>('SELECT health FROM devices WHERE id = $1', [device2.id]);
    expect(stored.rows[0]!.health.upcoming).toEqual(upcoming);
  });

  it('(a) a 20 s emergency plays on both of the station\'s devices within 5 s of approval', { timeout: 90_000 }, async () => {
    const pn = await playNow(speechId, [stationA.id]);
    const airingId = pn.airingOf(stationA.id);
    for (const a of [a1, a2]) {
      const playing = await waitFor(() => a.proc.find('playout: playing', (l) => l.airingId === airingId), { timeoutMs: 15_000, what: `${a.name} playing the emergency` });
      const delay = Date.parse(startOf(a, airingId).startedAt) - pn.sentAt;
      measured[`a_${a.name}_approval_to_playing`] = delay;
      expect(delay).toBeLessThan(5_000);
      expect(logTime(playing) - pn.sentAt).toBeLessThan(5_000);
      // Heard over the channel, not at a poll (the next one is minutes away).
      expect(playNowEvent(a, airingId)).toBeTruthy();
      // And the player itself was started on the verified file (node takes a moment to come up on a busy machine).
      await waitFor(() => a.player.events().some((e) => e.event === 'start'), { timeoutMs: 10_000, what: `${a.name} player started` });
    }
    // The other station's device heard nothing of it and played nothing.
    expect(playNowEvent(b1, airingId)).toBeUndefined();
    expect(startOf(b1, airingId)).toBeUndefined();
    measured.speechSec = Math.round(speechSec * 1000);
  });

  it('(d) two devices of one station playing the same airing count it once', { timeout: 90_000 }, async () => {
    const pn = (await call(ADMIN_TOKEN, 'GET', '/api/v1/play-now')).body.items[0];
    const detail = (await call(ADMIN_TOKEN, 'GET', `/api/v1/play-now/${pn.id}`)).body;
    const airingId = detail.stations.find((s: { stationId: string }) => s.stationId === stationA.id).airingId;
    for (const a of [a1, a2]) await waitFor(() => endOf(a, airingId), { timeoutMs: 60_000, what: `${a.name} finished the emergency` });
    const rows = await waitFor(
      async () => {
        const r = await rt.db.query<{ device_id: string | null; kind: string }>('SELECT device_id, kind FROM plays WHERE airing_id = $1', [airingId]);
        return r.rows.length === 2 && r.rows;
      },
      { timeoutMs: 30_000, what: 'both devices reported' },
    );
    expect(new Set(rows.map((r) => r.device_id)).size).toBe(2);
    expect(rows.map((r) => r.kind)).toEqual(['rebroadcast', 'rebroadcast']);
    const stats = await call(ADMIN_TOKEN, 'GET', `/api/v1/stats/rebroadcasts?from=${today()}&to=${today()}&groupBy=station`);
    expect(stats.status).toBe(200);
    expect(stats.body.rows.find((r: { stationId: string }) => r.stationId === stationA.id)).toMatchObject({ aired: 1 });
    // Nothing was missed and nothing is left to report.
    for (const a of [a1, a2]) {
      await waitFor(() => readStatus(a.dir)?.reports.pending === 0, { what: `${a.name} reports settled` });
      expect(journal(a).filter((r) => r.t === 'missed')).toEqual([]);
    }
  });

  it('(e) a device token cannot read another station', async () => {
    for (const url of [`/api/v1/stations/${stationB.id}`, `/api/v1/stations/${stationB.id}/devices`]) {
      const res = await api(rt.url!, device2.token, 'GET', url);
      expect([403, 404], `${url} → ${res.status}`).toContain(res.status);
    }
    // Its own manifest names its own station only.
    const own = await api(rt.url!, device2.token, 'GET', '/api/v1/station/manifest');
    expect(own.status).toBe(200);
    expect(own.body.station.id).toBe(stationA.id);
  });

  it('an airing a device could not play is journalled once and reported as missed with its reason', { timeout: 90_000 }, async () => {
    const dev = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${stationB.id}/devices`, { name: 'Cụm loa 2 — loa hỏng' });
    expect(dev.status).toBe(201);
    // A cluster whose player is gone (a broken install): nothing can go on air there.
    let b2 = startAgent('b2', dev.body.token, { playerCommand: '/nonexistent/loa-xa-player {file}' });
    await waitFor(() => b2.proc.find('channel: open'), { timeoutMs: 30_000, what: 'b2 channel open' });
    const pn = await playNow(speechId, [stationB.id]);
    const airingId = pn.airingOf(stationB.id);
    const miss = await waitFor(
      async () => {
        const r = await rt.db.query<{ device_id: string; reason: string; scheduled_at: Date; event_id: string }>('SELECT device_id, reason, scheduled_at, event_id FROM airing_misses WHERE airing_id = $1', [airingId]);
        return r.rows.length > 0 && r.rows;
      },
      { timeoutMs: 30_000, what: 'missed airing reported' },
    );
    expect(miss).toHaveLength(1);
    expect(miss[0]).toMatchObject({ device_id: dev.body.id, reason: 'player_failed' });
    const missed = journal(b2).filter((r) => r.t === 'missed');
    expect(missed).toMatchObject([{ airingId, reason: 'player_failed', eventId: miss[0]!.event_id }]);
    // Reported at the airing's scheduled start, with nothing aired.
    const airing = await rt.db.query<{ starts_at: Date }>('SELECT starts_at FROM airings WHERE id = $1', [airingId]);
    expect(miss[0]!.scheduled_at.getTime()).toBe(airing.rows[0]!.starts_at.getTime());
    expect(await rt.db.query('SELECT 1 FROM plays WHERE airing_id = $1 AND device_id = $2', [airingId, dev.body.id]).then((r) => r.rows)).toEqual([]);
    // The other device of the station played it.
    await waitFor(() => b1.proc.find('playout: playing', (l) => l.airingId === airingId), { timeoutMs: 15_000, what: 'b1 played it' });
    await waitFor(() => readStatus(b2.dir)?.reports.pending === 0, { what: 'b2 miss acked' });

    // Restarted: the saved schedule still lists the airing; it is neither journalled nor reported again.
    await b2.proc.stop();
    b2 = startAgent('b2', dev.body.token, { dir: b2.dir, playerCommand: '/nonexistent/loa-xa-player {file}' });
    await waitFor(() => b2.proc.find('channel: open'), { timeoutMs: 30_000, what: 'b2 back' });
    await waitFor(() => readStatus(b2.dir)?.agent?.pid === b2.proc.pid, { what: 'b2 status written' });
    expect(journal(b2).filter((r) => r.t === 'missed')).toHaveLength(1);
    expect((await rt.db.query('SELECT 1 FROM airing_misses WHERE airing_id = $1', [airingId])).rows).toHaveLength(1);
    await b2.proc.stop();
  });

  it('"stop" from the service ends the emergency on the device at once', { timeout: 60_000 }, async () => {
    const pn = await playNow(toneId, [stationA.id]);
    const airingId = pn.airingOf(stationA.id);
    await waitFor(() => a1.proc.find('playout: playing', (l) => l.airingId === airingId), { timeoutMs: 15_000, what: 'tone playing' });
    // The player runs its own length: make it outlast the stop.
    const stopAt = Date.now();
    const res = await call(ADMIN_TOKEN, 'POST', `/api/v1/play-now/${pn.id}/stop`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const end = await waitFor(() => endOf(a1, airingId), { timeoutMs: 15_000, what: 'stopped' });
    measured.stop_to_ended = Date.parse(end.endedAt) - stopAt;
    expect(end.outcome).toBe('stopped');
    expect(Date.parse(end.endedAt) - stopAt).toBeLessThan(5_000);
    expect(a1.proc.find('channel: event', (l) => l.type === 'stop')).toBeTruthy();
  });

  it('(f) a revoked device token\'s open channel is closed within 5 s, and it is refused after', { timeout: 60_000 }, async () => {
    const before = a2.proc.logs.length;
    const revokedAt = Date.now();
    const res = await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${stationA.id}/devices/${device2.id}/revoke`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const closed = await waitFor(() => a2.proc.logs.slice(before).find((l) => l.msg === 'channel: closed'), { timeoutMs: 10_000, what: 'revoked channel closed' });
    measured.revoke_to_closed = logTime(closed) - revokedAt;
    expect(logTime(closed) - revokedAt).toBeLessThan(5_000);
    await waitFor(() => a2.proc.logs.slice(before).find((l) => l.msg.includes('refuses this device token') && l.level === 50), { timeoutMs: 15_000, what: 'refused after revocation' });
    // The other device of the station is untouched.
    expect(a1.proc.logs.filter((l) => l.msg === 'channel: closed')).toHaveLength(0);
    await a2.proc.stop();
  });

  it('(b) the API restarts in the middle: the agent reconnects with Last-Event-ID and misses no event', { timeout: 120_000 }, async () => {
    const port = Number(new URL(rt.url!).port);
    const prefix = rt.config.redis.prefix;
    const lastIdBefore = opens(a1).length;
    const closedBefore = a1.proc.logs.filter((l) => l.msg === 'channel: closed').length;
    await rt.close();
    await waitFor(() => a1.proc.logs.filter((l) => l.msg === 'channel: closed').length > closedBefore, { timeoutMs: 10_000, what: 'channel closed by the restart' });
    const failedBefore = a1.proc.logs.filter((l) => /channel: (cannot connect|reconnecting)/.test(l.msg)).length;
    await waitFor(() => a1.proc.logs.filter((l) => /channel: (cannot connect|reconnecting)/.test(l.msg)).length > failedBefore, { timeoutMs: 10_000, what: 'agent trying to reconnect' });
    rt = await startRuntime(configOn(port, prefix));
    runtimes.push(rt);
    // Published at once, before the agent (backing off) is back.
    const pn = await playNow(speechId, [stationA.id]);
    const airingId = pn.airingOf(stationA.id);
    await waitFor(() => opens(a1).length > lastIdBefore, { timeoutMs: 30_000, what: 'channel open again' });
    const reopened = opens(a1)[lastIdBefore]!;
    // It came back asking for what it missed since the last event it saw.
    expect(reopened.lastEventId).toEqual(expect.any(String));
    const heard = await waitFor(() => playNowEvent(a1, airingId), { timeoutMs: 30_000, what: 'play-now event received after reconnecting' });
    const playing = await waitFor(() => a1.proc.find('playout: playing', (l) => l.airingId === airingId), { timeoutMs: 30_000, what: 'played after the restart' });
    measured.b_approval_to_event = logTime(heard) - pn.sentAt;
    measured.b_approval_to_playing = logTime(playing) - pn.sentAt;
    measured.b_reopen_after_approval = logTime(reopened) - pn.sentAt;
    // Heard at the reconnect, not at the 60 s poll.
    expect(logTime(playing) - pn.sentAt).toBeLessThan(20_000);
    await waitFor(() => endOf(a1, airingId), { timeoutMs: 60_000, what: 'played out' });
  });

  it('(c) Redis down: the agent falls back to polling and an emergency approved on another API process still gets through within one poll interval', { timeout: 240_000 }, async () => {
    // A second API process: with Redis down, what it publishes cannot reach the process the agent is connected to,
    // so only the agent's own polling can bring the emergency in.
    const other = await startRuntime(configOn(0, rt.config.redis.prefix));
    runtimes.push(other);
    const before = a1.proc.logs.length;
    redisProxy.down();
    // The service says fan-out is degraded (or the channel drops): either way the agent polls at the short interval.
    await waitFor(() => readStatus(a1.dir)?.channel?.pollSec === DEFAULT_POLL_SEC, { timeoutMs: 60_000, what: 'agent back on the 60 s poll' });
    expect(a1.proc.logs.slice(before).find((l) => l.msg === 'channel: service fan-out state changed' && l.fanout === 'degraded')).toBeTruthy();
    const pn = await playNow(toneId, [stationA.id], other);
    const airingId = pn.airingOf(stationA.id);
    const playing = await waitFor(() => a1.proc.find('playout: playing', (l) => l.airingId === airingId), {
      timeoutMs: DEFAULT_POLL_SEC * 1.2 * 1000 + 30_000,
      what: 'emergency played with Redis down',
    });
    const delay = Date.parse(startOf(a1, airingId).startedAt) - pn.sentAt;
    measured.c_approval_to_playing = delay;
    // Found by a poll: no channel event carried it.
    expect(playNowEvent(a1, airingId)).toBeUndefined();
    const poll = a1.proc.logs.slice(before).find((l) => l.msg === 'manifest: new schedule' && logTime(l) >= pn.sentAt);
    expect(poll).toBeTruthy();
    expect(logTime(poll)).toBeLessThanOrEqual(logTime(playing));
    // One poll interval (60 s, jittered ±20%: at most 72 s) plus the download and a busy machine's timers.
    expect(delay).toBeLessThan(DEFAULT_POLL_SEC * 1.2 * 1000 + 8_000);
    redisProxy.up();
    await waitFor(() => a1.proc.logs.slice(before).find((l) => l.msg === 'channel: service fan-out state changed' && l.fanout === 'ok'), { timeoutMs: 60_000, what: 'fan-out back' });
  });
});
