import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';
import { startFlakyLink, type FlakyLink } from '../helpers/agent-link.js';
import { recordingPlayer } from '../helpers/agent-player.js';
import { AgentProcess, daytimeZone, readJsonLines, readStatus, slotAroundNow } from '../helpers/agent-process.js';

/**
 * The station agent end to end: the real service (PostgreSQL, S3, workers) on one side, the agent as its own
 * process on the other, and between them a link that cuts connections mid-transfer and goes away for a while.
 */
const TZ = daytimeZone();
// Airings are moved to "soon", and a move must stay inside the grid.
const GRID = [slotAroundNow(TZ)];
// The recording player is a node script: on a busy test machine node itself takes a moment to come up.
const PLAYER_BOOT_MS = 3_000;
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('station agent against the running service, over a flaky link', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let dropDb: () => Promise<void>;
  let episodeId: string;
  let durationSec: number;
  const agents: AgentProcess[] = [];
  const links: FlakyLink[] = [];
  const today = () => DateTime.now().setZone(TZ).toISODate()!;
  const inDays = (n: number) => DateTime.now().setZone(TZ).plus({ days: n }).toISODate()!;
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);

  const serverAddress = () => {
    const u = new URL(rt.url!);
    return { host: u.hostname, port: Number(u.port) };
  };

  async function createStation(code: string, name: string) {
    const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code, name, timezone: TZ, grid: GRID });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string };
  }

  /** Approved airings for a station, placed days ahead (then moved to "soon" by the test where it needs them). */
  async function planAirings(stationId: string, count: number): Promise<string[]> {
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationId], airingsPerStation: count, from: inDays(1), to: inDays(6), minGapHours: 0 });
    expect(plan.status).toBe(201);
    expect(plan.body.stations[0].placed).toBe(count);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
    return plan.body.stations[0].airings.map((a: { id: string }) => a.id);
  }

  async function moveAiring(id: string, startsAt: number) {
    const iso = DateTime.fromMillis(Math.ceil(startsAt / 1000) * 1000, { zone: TZ }).toISO({ suppressMilliseconds: true })!;
    const res = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/airings/${id}`, { startsAt: iso });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return Date.parse(res.body.startsAt);
  }

  function startAgent(dir: string, link: FlakyLink, token: string, extra: string[] = []) {
    const agent = new AgentProcess(['--server', link.url, '--dir', dir, '--poll-sec', '0.5', '--http-timeout-sec', '5', ...extra], { LOAXA_TOKEN: token, LOAXA_LOG_LEVEL: 'debug' });
    agents.push(agent);
    return agent;
  }

  const statusOf = (dir: string, airingId: string) => readStatus(dir)?.nextAirings?.find((a: { airingId: string }) => a.airingId === airingId);
  const playsIn = async (stationId: string) =>
    (await rt.db.query<{ event_id: string; airing_id: string | null; kind: string; duration_sec: number }>('SELECT event_id, airing_id, kind, duration_sec FROM plays WHERE station_id = $1 ORDER BY started_at', [stationId])).rows;

  beforeAll(async () => {
    s3 = await startTestS3();
    const db = await createPgDatabase();
    dropDb = db.drop;
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { PUSH_CRON: '0 0 1 1 *' } }));
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech-128k.mp3'), { title: 'Chuyển đổi số — số 12' });
    episodeId = up.body.id;
    const ready = await waitFor(
      async () => {
        const ep = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body;
        return ep.status === 'ready' && ep;
      },
      { timeoutMs: 60_000, what: 'episode ready' },
    );
    durationSec = ready.renditions.find((r: { name: string }) => r.name === 'mp3').durationSec;
  });

  afterAll(async () => {
    for (const a of agents) await a.kill().catch(() => undefined);
    for (const l of links) await l.close();
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
    await dropDb?.();
  });

  describe('one station through a day on a flaky link', () => {
    let station: { id: string; token: string };
    let airingIds: string[];
    let link: FlakyLink;
    let agent: AgentProcess;
    let player: ReturnType<typeof recordingPlayer>;
    const dir = tempDir('loaxa-agent-');
    const starts = new Map<string, number>();
    let manifestSha: string;
    let emergencyId: string;

    const playerStarts = () => player.events().filter((e) => e.event === 'start');
    /** When the agent started an airing's play, from its journal (the player's own record adds node's start-up time). */
    const journalStart = (airingId: string) => Date.parse(readJsonLines(path.join(dir, 'journal', 'plays.jsonl')).find((r) => r.t === 'start' && r.airingId === airingId)?.startedAt);

    beforeAll(async () => {
      station = await createStation('04001', 'Đài xã Tả Van');
      airingIds = await planAirings(station.id, 4);
      link = await startFlakyLink(serverAddress());
      links.push(link);
      player = recordingPlayer(tempDir('loaxa-player-'), durationSec);
    });

    it('completes and verifies every download through cuts and refusals, then plays each airing at its time', { timeout: 150_000 }, async () => {
      link.down();
      agent = startAgent(dir, link, station.token, ['--player', player.command]);
      await waitFor(() => agent.find(/server unreachable/), { what: 'agent notices the link is down' });
      expect(link.stats.refused).toBeGreaterThan(0);

      const t0 = Date.now();
      starts.set(airingIds[0]!, await moveAiring(airingIds[0]!, t0 + 25_000));
      starts.set(airingIds[1]!, await moveAiring(airingIds[1]!, t0 + 25_000 + (durationSec + 5) * 1000));

      // Up, but slow and cut every 40 kB; then down again in the middle of the download.
      link.throttle(64_000);
      link.cutEvery(40_000);
      link.up();
      await waitFor(() => link.stats.bytesDown > 60_000, { what: 'download under way' });
      link.down();
      await new Promise((r) => setTimeout(r, 2_000)); // the link stays away for a while
      link.up();

      const first = await waitFor(() => statusOf(dir, airingIds[0]!)?.fileState === 'ready' && statusOf(dir, airingIds[0]!), { timeoutMs: 60_000, what: 'file ready' });
      const cached = path.join(dir, 'media', first.file);
      manifestSha = first.file.split('.')[0];
      expect(sha256(cached)).toBe(manifestSha);
      expect(link.stats.cuts).toBeGreaterThan(0);
      const mediaRequests = link.requests.filter((r) => r.path.startsWith('/api/v1/station/media/'));
      expect(mediaRequests.some((r) => r.range !== null && /^bytes=[1-9]\d*-$/.test(r.range))).toBe(true);
      expect(agent.find('cache: downloaded and verified')).toBeTruthy();
      expect(fs.readdirSync(path.join(dir, 'media')).filter((f) => f.endsWith('.part'))).toEqual([]);
      link.throttle(null);

      await waitFor(() => player.events().filter((e) => e.event === 'end').length >= 2, { timeoutMs: 90_000, what: 'both airings played' });
      const played = playerStarts();
      expect(played).toHaveLength(2);
      for (const [i, id] of airingIds.slice(0, 2).entries()) {
        // Started on time, and the player got the verified file.
        expect(Math.abs(journalStart(id) - starts.get(id)!)).toBeLessThan(1_000);
        expect(Math.abs(played[i]!.at - starts.get(id)!)).toBeLessThan(PLAYER_BOOT_MS);
        expect(played[i]!.sha256).toBe(manifestSha);
        expect(played[i]!.file).toBe(cached);
      }
    });

    it('offline for the whole airing window, still plays from the cache and reports once the link returns', { timeout: 90_000 }, async () => {
      const id = airingIds[2]!;
      starts.set(id, await moveAiring(id, Date.now() + 6_000));
      await waitFor(() => Date.parse(statusOf(dir, id)?.startsAt) === starts.get(id) && statusOf(dir, id).fileState === 'ready', { what: 'agent knows the moved airing' });
      link.down();
      const endsAt = starts.get(id)! + durationSec * 1000;
      await waitFor(() => player.events().filter((e) => e.event === 'end').length >= 3 && Date.now() > endsAt + 1_000, { timeoutMs: 60_000, what: 'offline play' });
      const played = playerStarts()[2]!;
      expect(Math.abs(journalStart(id) - starts.get(id)!)).toBeLessThan(1_000);
      expect(Math.abs(played.at - starts.get(id)!)).toBeLessThan(PLAYER_BOOT_MS);
      const st = await waitFor(() => readStatus(dir)?.reports.pending >= 1 && readStatus(dir), { what: 'pending report while offline' });
      expect(st.link.online).toBe(false);
      expect((await playsIn(station.id)).map((p) => p.airing_id)).not.toContain(id);

      link.up();
      await waitFor(async () => (await playsIn(station.id)).some((p) => p.airing_id === id), { what: 'offline play reported' });
      await waitFor(() => readStatus(dir)?.reports.pending === 0, { what: 'nothing pending' });
    });

    it('an emergency interrupts what is playing', { timeout: 90_000 }, async () => {
      const id = airingIds[3]!;
      starts.set(id, await moveAiring(id, Date.now() + 5_000));
      await waitFor(() => playerStarts().length >= 4, { timeoutMs: 30_000, what: 'fourth airing playing' });
      const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [station.id], from: today(), to: today(), priority: 'emergency' });
      expect(plan.status).toBe(201);
      const approvedAt = Date.now();
      const approved = await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
      expect(approved.status).toBe(200);
      emergencyId = approved.body.stations[0].airings[0].id;
      await waitFor(() => playerStarts().length >= 5, { timeoutMs: 20_000, what: 'emergency playing' });
      const events = player.events();
      const normal = events.filter((e) => e.pid === playerStarts()[3]!.pid);
      expect(normal.map((e) => e.event)).toEqual(['start', 'stopped']);
      const emergency = playerStarts()[4]!;
      // Heard of at the next poll (0.5 s) and started at once.
      expect(journalStart(emergencyId) - approvedAt).toBeLessThan(3_000);
      expect(emergency.at - approvedAt).toBeLessThan(3_000 + PLAYER_BOOT_MS);
      expect(agent.find('playout: interrupting the current play')).toMatchObject({ interrupted: id, by: emergencyId });
      await waitFor(() => events.length < player.events().length && player.events().some((e) => e.pid === emergency.pid && e.event === 'end'), { timeoutMs: 40_000, what: 'emergency played out' });
    });

    it('reports every play exactly once, counted by the stats endpoint, even when acks are lost and the batch is sent again', { timeout: 90_000 }, async () => {
      // The emergency's end reaches the journal a moment after the player exits: wait until the server has all five.
      const rows = await waitFor(async () => {
        const r = await playsIn(station.id);
        return r.length === 5 && readStatus(dir)?.reports.pending === 0 ? r : undefined;
      }, { timeoutMs: 30_000, what: 'all reported' });
      const journal = readJsonLines(path.join(dir, 'journal', 'plays.jsonl'));
      const eventIds = journal.filter((r) => r.t === 'start').map((r) => r.eventId);
      expect(eventIds).toHaveLength(5);
      expect(rows.map((r) => r.event_id).sort()).toEqual([...eventIds].sort());
      expect(rows.map((r) => r.airing_id)).toEqual([...airingIds, emergencyId]);
      expect(rows.map((r) => r.kind)).toEqual(['rebroadcast', 'rebroadcast', 'rebroadcast', 'partial', 'rebroadcast']);

      const stats = async () => {
        const res = await call(ADMIN_TOKEN, 'GET', `/api/v1/stats/rebroadcasts?from=${today()}&to=${today()}&groupBy=station`);
        expect(res.status).toBe(200);
        return res.body.rows.find((r: { stationId: string }) => r.stationId === station.id);
      };
      const before = await stats();
      expect(before).toMatchObject({ aired: 4, partial: 1 });

      // A crash after the server stored the plays but before the agent wrote the acks: the agent sends them all
      // again with the same eventIds, the server calls them duplicates, and nothing counts twice.
      await agent.stop();
      fs.writeFileSync(path.join(dir, 'journal', 'acks.jsonl'), '');
      agent = startAgent(dir, link, station.token, ['--player', player.command]);
      const answered = await waitFor(() => agent.find('reports: batch answered'), { what: 're-sent batch answered' });
      expect(answered).toMatchObject({ sent: 5, accepted: 0, duplicate: 5, rejected: 0 });
      await waitFor(() => readStatus(dir)?.reports.pending === 0, { what: 'settled again' });
      expect(await playsIn(station.id)).toHaveLength(5);
      expect(await stats()).toEqual(before);
      // No airing is played a second time after the restart.
      expect(playerStarts()).toHaveLength(5);
      await agent.stop();
    });
  });

  describe('a second station: restart mid-download, corruption, offline restart, removal', () => {
    let station: { id: string; token: string };
    let airingId: string;
    let link: FlakyLink;
    const dir = tempDir('loaxa-agent-b-');

    beforeAll(async () => {
      station = await createStation('04002', 'Đài xã Bản Hồ');
      [airingId] = await planAirings(station.id, 1) as [string];
      link = await startFlakyLink(serverAddress());
      links.push(link);
    });

    it('a restart in the middle of a download resumes with Range instead of starting over', { timeout: 90_000 }, async () => {
      link.throttle(12_000);
      let agent = startAgent(dir, link, station.token);
      const media = path.join(dir, 'media');
      const partOf = () => fs.readdirSync(media).find((f) => f.endsWith('.part'));
      await waitFor(() => partOf() && fs.statSync(path.join(media, partOf()!)).size >= 40_000, { timeoutMs: 30_000, what: 'half a download' });
      await agent.kill();
      const part = partOf()!;
      const have = fs.statSync(path.join(media, part)).size;
      const name = part.replace(/\.part$/, '');
      const mediaGets = () => link.requests.filter((r) => r.path.startsWith('/api/v1/station/media/'));
      expect(mediaGets().map((r) => r.range)).toEqual([null]);
      const seen = mediaGets().length;
      link.resetStats();

      link.throttle(null);
      agent = startAgent(dir, link, station.token);
      await waitFor(() => fs.existsSync(path.join(media, name)), { timeoutMs: 30_000, what: 'download completed after restart' });
      const after = mediaGets();
      expect(seen).toBe(1);
      expect(after.map((r) => r.range)).toEqual([`bytes=${have}-`]);
      const size = fs.statSync(path.join(media, name)).size;
      expect(sha256(path.join(media, name))).toBe(name.split('.')[0]);
      // Only the rest of the file crossed the link again (plus headers and a manifest or two).
      expect(link.stats.bytesDown).toBeLessThan(size - have + 20_000);
      await agent.stop();
    });

    it('a corrupted cached file is detected and replaced', { timeout: 60_000 }, async () => {
      const agent = startAgent(dir, link, station.token);
      const media = path.join(dir, 'media');
      const name = fs.readdirSync(media).find((f) => !f.endsWith('.part'))!;
      const file = path.join(media, name);
      await waitFor(() => readStatus(dir)?.cache?.neededReady === 1, { what: 'agent verified its cache' });
      link.resetStats();
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.from('not what the server sent'), 0, 24, 10_000);
      fs.closeSync(fd);
      await waitFor(() => agent.find('cache: file does not match its SHA-256; deleting it to fetch it again'), { what: 'corruption detected' });
      await waitFor(() => fs.existsSync(file) && sha256(file) === name.split('.')[0], { what: 'file replaced' });
      expect(link.requests.filter((r) => r.path.includes(`/api/v1/station/media/`)).length).toBeGreaterThanOrEqual(1);
      await agent.stop();
    });

    it('restarted while offline, it still knows the schedule; once back, it removes a file no airing needs', { timeout: 60_000 }, async () => {
      link.down();
      let agent = startAgent(dir, link, station.token, ['--keep-unneeded-hours', '0']);
      const st = await waitFor(
        () => {
          const status = readStatus(dir);
          return status?.agent.pid === agent.pid && status.link.online === false && status.nextAirings.length === 1 && status;
        },
        { what: 'status from the saved manifest' },
      );
      expect(st.nextAirings[0]).toMatchObject({ airingId, fileState: 'ready' });
      expect(st.link.online).toBe(false);
      const name = st.nextAirings[0].file;
      expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/airings/${airingId}/cancel`)).status).toBe(200);
      link.up();
      await waitFor(() => !fs.existsSync(path.join(dir, 'media', name)), { what: 'unneeded file removed' });
      expect(agent.find('cache: removed', (l) => l.file === name && l.reason === 'unneeded')).toBeTruthy();
      await agent.stop();
      // A clean stop leaves nothing behind that would block the next start.
      expect(fs.existsSync(path.join(dir, 'agent.lock'))).toBe(false);
      agent = startAgent(dir, link, station.token);
      await waitFor(() => agent.find('agent started'), { what: 'start again' });
      await agent.stop();
    });
  });
});
