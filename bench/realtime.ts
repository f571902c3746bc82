/**
 * Live channel benchmark (`npm run bench:realtime`): issue 8's "Benchmark" section.
 *
 * The service runs as `npm start` would run it in a split deployment: compiled API processes
 * (`node dist/src/main.js api`) against this machine's PostgreSQL (a fresh database) and Redis (a unique
 * QUEUE_PREFIX). Stations, their first device and a ready episode are written straight into the database and bucket.
 * Simulated devices (bench/realtime-lib/devices.ts) run in BENCH_LOADGENS child processes of their own, so the API
 * process is measured alone; they speak the agent's protocol over node:http with keep-alive agents.
 *
 * 1. BENCH_DEVICES (2,000) devices on ONE API process, then on TWO sharing Redis (split evenly, the approval sent to
 *    the first): an emergency plan for their stations is approved; from the moment the approval is sent until each
 *    device (a) has the event and (b) has fetched a manifest (200) carrying the emergency airing — p50/p95/max.
 *    Targets p95 < 2 s, max < 5 s. Baseline in the same run: a bare node:http SSE server (no DB, no auth) writing
 *    one event to as many connections (and, for two processes, two such servers fed by one Redis PUBLISH), the
 *    same devices fetching a constant manifest from it.
 * 2. BENCH_AGENTS (20) real agents (dist/src/agent/main.js, own --dir and device token, default 60 s poll,
 *    a recording player): approval → player started, p50/p95/max. Target p95 < 5 s.
 * 3. Idle cost: bytes read by each device's channel socket over BENCH_IDLE_SEC (60 s = 3 heartbeats at the default
 *    CHANNEL_HEARTBEAT_SEC of 20 s) scaled to an hour, plus an estimate of TCP/IP overhead. Target < 30 KB/h.
 *    Beside them, one real agent at its defaults through a byte-counting link: everything it sends and gets.
 *    API memory per 1,000 open channels: RSS (and V8 heap) of the single API process after a forced GC (through
 *    its inspector port) with 0 and with BENCH_DEVICES channels. Target < 30 MB.
 * 4. Fan-out of one change (an emergency for all stations) to BENCH_FANOUT_DEVICES (10,000) connected devices over
 *    BENCH_FANOUT_APIS (2) API processes: time until the last device is told (target < 5 s), and until each has
 *    its manifest. Compared with today's webhook push of 10,000 manifests: quoted from bench:distribution
 *    (45–85 s), or with BENCH_WEBHOOK_PUSH=1 measured here for one more emergency for all (a worker process
 *    delivering to bench/distribution-lib/receiver.ts; adds a minute or two).
 *
 * Human-readable results on stdout ending with one JSON line; progress on stderr. Exit 0 even when a target is
 * missed, non-zero on errors. Everything is on 127.0.0.1 and removed afterwards (database, Redis keys, temp dirs).
 *
 * Knobs (environment): BENCH_DEVICES (2000), BENCH_AGENTS (20), BENCH_FANOUT_DEVICES (10000), BENCH_FANOUT_APIS (2),
 * BENCH_FANOUT_FETCH (1; 0: devices do not fetch the manifest in part 4), BENCH_LOADGENS (2), BENCH_CONNECT_RATE
 * (devices connected per second, 400), BENCH_IDLE_SEC (60), BENCH_ROUND_TIMEOUT_SEC (60), BENCH_PLAYER_SEC (3),
 * BENCH_SIM_EMERGENCY_SEC (600: how long the simulated devices' emergency lasts; the agents get the real 21 s file),
 * BENCH_WEBHOOK_PUSH (1: re-run the webhook push of part 4), BENCH_PUSH_TIMEOUT_SEC (240),
 * BENCH_TRIGGER (plan: create an emergency plan, time its approval; play-now: time POST /api/v1/play-now),
 * BENCH_SKIP (comma list: baseline, single, two, agents, idle, fanout), BENCH_DATABASE_URL (admin connection;
 * default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL, BENCH_API_CPU_PROF (a directory: API children
 * run with --cpu-prof and leave their .cpuprofile there), BENCH_DIST_DIR (the compiled service, default dist).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { Redis } from 'ioredis';
import { recordingPlayer } from '../test/helpers/agent-player.js';
import { startFlakyLink, type FlakyLink } from '../test/helpers/agent-link.js';
import { Cleanup } from './lib/cleanup.js';
import { benchScratch, clearRedisPrefix, serviceEnv } from './lib/scratch.js';
import { envNumber, freePort, procStatusBytes } from './lib/proc.js';
import { busyNeighbours, cpuMeter, httpJson, ipcCall, loadAverage, ROOT, round, sleep, spawnTs, waitForMessage, type Child } from './distribution-lib/util.js';
import { connectInspector, type Inspector } from './realtime-lib/inspector-client.js';
import { seedEpisode, seedStations, TZ, type SeededStation } from './realtime-lib/seed.js';
import { fmtSpread, median, spread, sum, type Spread } from './realtime-lib/stats.js';
import { printVerdicts, runBench } from './lib/finish.js';
import { startNodeFlags } from './lib/start-flags.js';

const started = Date.now();
const log = (m: string) => process.stderr.write(`[bench:realtime ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'target met' : 'target missed');

const TARGETS = { p95Ms: 2000, maxMs: 5000, agentP95Ms: 5000, idleBytesPerHour: 30_000, mbPer1000: 30, fanoutLastMs: 5000 } as const;
// bench:distribution's published figure for the webhook push of 10,000 manifests on this machine.
const WEBHOOK_PUSH_10K_SEC = { low: 45, high: 85 } as const;
const DEFAULT_CHANNEL_HEARTBEAT_SEC = 20;
const FIXTURE = path.resolve(ROOT, '../shared/fixtures/audio/speech-128k.mp3');
const ADMIN_TOKEN = `bench-admin-${crypto.randomBytes(12).toString('hex')}`;

const knobs = {
  devices: Math.round(envNumber('BENCH_DEVICES', 2000)),
  agents: Math.round(envNumber('BENCH_AGENTS', 20)),
  fanoutDevices: Math.round(envNumber('BENCH_FANOUT_DEVICES', 10_000)),
  fanoutApis: Math.min(2, Math.round(envNumber('BENCH_FANOUT_APIS', 2))),
  fanoutFetch: process.env.BENCH_FANOUT_FETCH !== '0',
  loadgens: Math.round(envNumber('BENCH_LOADGENS', 2)),
  connectRate: envNumber('BENCH_CONNECT_RATE', 400),
  idleSec: envNumber('BENCH_IDLE_SEC', 3 * DEFAULT_CHANNEL_HEARTBEAT_SEC),
  roundTimeoutSec: envNumber('BENCH_ROUND_TIMEOUT_SEC', 60),
  playerSec: envNumber('BENCH_PLAYER_SEC', 3),
  simEmergencySec: envNumber('BENCH_SIM_EMERGENCY_SEC', 600),
  webhookPush: process.env.BENCH_WEBHOOK_PUSH === '1',
  pushTimeoutSec: envNumber('BENCH_PUSH_TIMEOUT_SEC', 240),
  trigger: (process.env.BENCH_TRIGGER ?? 'plan') as 'plan' | 'play-now',
  skip: new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  adminDatabaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  apiCpuProf: process.env.BENCH_API_CPU_PROF ? path.resolve(process.env.BENCH_API_CPU_PROF) : undefined,
  // Where the compiled service is (npm run build writes dist/); another directory inside the project also works.
  distDir: path.resolve(ROOT, process.env.BENCH_DIST_DIR ?? 'dist'),
};
if (knobs.trigger !== 'plan' && knobs.trigger !== 'play-now') throw new Error('BENCH_TRIGGER: plan or play-now');
if (Math.max(knobs.fanoutDevices, knobs.devices + knobs.agents) > 89_999) throw new Error('at most 89999 stations (codes are 5 digits)');

/** The soft limit on open files this process (and so every child) has. */
function openFileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

interface Api {
  name: string;
  base: string;
  child: Child;
  inspector: Inspector | null;
}

interface LoadGen {
  child: Child;
}

interface DeviceTarget {
  base: string;
  token: string;
  eventsPath?: string;
  manifestPath?: string;
}

interface LoadResults {
  told: number[];
  manifest: number[];
  staleAnswers: number;
  devicesWithStale: number;
  airingOver: number;
  reconnects: number;
  types: Record<string, number>;
  errors: number;
  firstError: string | null;
}

/** The devices spread over the load generators; `placement[g]` lists the global index of each of g's devices. */
class Fleet {
  placement: number[][] = [];
  constructor(private readonly gens: LoadGen[]) {}

  async connect(targets: DeviceTarget[], initialFetch = true): Promise<{ connected: number; failed: number; sec: number; firstError: string | null }> {
    this.placement = this.gens.map(() => []);
    const per: DeviceTarget[][] = this.gens.map(() => []);
    targets.forEach((t, i) => {
      per[i % this.gens.length]!.push(t);
      this.placement[i % this.gens.length]!.push(i);
    });
    const t0 = performance.now();
    const replies = await Promise.all(
      this.gens.map((g, i) =>
        ipcCall<{ connected: number; failed: number; firstError: string | null }>(g.child, { type: 'connect', devices: per[i], ratePerSec: knobs.connectRate / this.gens.length, initialFetch }, 10 * 60_000),
      ),
    );
    return {
      connected: sum(replies.map((r) => r.connected)),
      failed: sum(replies.map((r) => r.failed)),
      sec: round((performance.now() - t0) / 1000, 1),
      firstError: replies.find((r) => r.firstError)?.firstError ?? null,
    };
  }

  async arm(): Promise<void> {
    await Promise.all(this.gens.map((g) => ipcCall(g.child, { type: 'arm', retrySec: knobs.roundTimeoutSec })));
  }

  /** Per global device index. */
  async results(): Promise<LoadResults> {
    const replies = await Promise.all(this.gens.map((g) => ipcCall<LoadResults>(g.child, { type: 'results' }, 30_000)));
    const n = sum(this.placement.map((p) => p.length));
    const told = new Array<number>(n).fill(NaN);
    const manifest = new Array<number>(n).fill(NaN);
    const types: Record<string, number> = {};
    replies.forEach((r, g) => {
      this.placement[g]!.forEach((idx, k) => {
        told[idx] = r.told[k] ?? NaN;
        manifest[idx] = r.manifest[k] ?? NaN;
      });
      for (const [t, c] of Object.entries(r.types)) types[t] = (types[t] ?? 0) + c;
    });
    return {
      told,
      manifest,
      staleAnswers: sum(replies.map((r) => r.staleAnswers)),
      devicesWithStale: sum(replies.map((r) => r.devicesWithStale)),
      airingOver: sum(replies.map((r) => r.airingOver)),
      reconnects: sum(replies.map((r) => r.reconnects)),
      types,
      errors: sum(replies.map((r) => r.errors)),
      firstError: replies.find((r) => r.firstError)?.firstError ?? null,
    };
  }

  async bytes(action: 'start' | 'stop'): Promise<{ bytes: number[]; heartbeats: number[]; events: number[]; reconnects: number } | true> {
    const replies = await Promise.all(this.gens.map((g) => ipcCall<{ bytes: number[]; heartbeats: number[]; events: number[]; reconnects: number } | true>(g.child, { type: 'bytes', action })));
    if (action === 'start') return true;
    const rs = replies as { bytes: number[]; heartbeats: number[]; events: number[]; reconnects: number }[];
    return { bytes: rs.flatMap((r) => r.bytes), heartbeats: rs.flatMap((r) => r.heartbeats), events: rs.flatMap((r) => r.events), reconnects: sum(rs.map((r) => r.reconnects)) };
  }

  async close(): Promise<void> {
    await Promise.all(this.gens.map((g) => ipcCall(g.child, { type: 'close' })));
    this.placement = [];
  }

  pids(): Record<string, () => number | undefined> {
    return Object.fromEntries(this.gens.map((g, i) => [`load generator ${i + 1}`, () => g.child.proc.pid]));
  }
}

interface RoundResult {
  label: string;
  devices: number;
  told: Spread;
  manifest: Spread | null;
  /** Per API process the devices were on (two-process rounds). */
  byApi?: Record<string, { told: Spread; manifest: Spread | null }>;
  triggerMs: number;
  triggerStatus: number;
  staleAnswers: number;
  devicesWithStale: number;
  airingOver: number;
  /** Devices whose manifest came later than a real 20-s bulletin lasts: they would have missed it. */
  laterThanBulletin: number | null;
  reconnects: number;
  types: Record<string, number>;
  errors: number;
  firstError: string | null;
  cpu: ReturnType<ReturnType<typeof cpuMeter>['stop']>;
}

/** Runs fn over items, `lanes` at a time. */
async function pooled<T>(items: T[], lanes: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Waits until every device is there (told, and has its manifest unless `fetch` is false) or the round times out. */
async function collect(fleet: Fleet, n: number, t0: number, fetch: boolean): Promise<LoadResults> {
  const deadline = performance.now() + knobs.roundTimeoutSec * 1000;
  let lastLog = 0;
  for (;;) {
    await sleep(300);
    const r = await fleet.results();
    const done = (fetch ? r.manifest : r.told).filter((v) => Number.isFinite(v) && v >= t0).length;
    if (done >= n || performance.now() > deadline) return r;
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  ${done}/${n} devices there after ${round((Date.now() - t0) / 1000, 1)} s (told ${r.told.filter(Number.isFinite).length})`);
    }
  }
}

// The emergency file the agents play is a 21 s bulletin; the simulated devices' emergency lasts longer, so that
// their whole latency spread is measured — and how many of them would have been too late for the short one.
let bulletinMs = Number.POSITIVE_INFINITY;

function summarise(label: string, r: LoadResults, t0: number, fetch: boolean, trigger: { ms: number; status: number }, cpu: RoundResult['cpu'], apiOf?: (i: number) => string): RoundResult {
  const told = r.told.map((v) => v - t0);
  const manifest = r.manifest.map((v) => v - t0);
  const result: RoundResult = {
    label,
    devices: told.length,
    told: spread(told),
    manifest: fetch ? spread(manifest) : null,
    triggerMs: Math.round(trigger.ms),
    triggerStatus: trigger.status,
    staleAnswers: r.staleAnswers,
    devicesWithStale: r.devicesWithStale,
    airingOver: r.airingOver,
    laterThanBulletin: fetch ? manifest.filter((v) => !Number.isFinite(v) || v > bulletinMs).length : null,
    reconnects: r.reconnects,
    types: r.types,
    errors: r.errors,
    firstError: r.firstError,
    cpu,
  };
  if (apiOf) {
    const names = [...new Set(told.map((_, i) => apiOf(i)))];
    result.byApi = Object.fromEntries(
      names.map((name) => {
        const pick = (xs: number[]) => xs.filter((_, i) => apiOf(i) === name);
        return [name, { told: spread(pick(told)), manifest: fetch ? spread(pick(manifest)) : null }];
      }),
    );
  }
  return result;
}

function printRound(r: RoundResult, baseline?: RoundResult, targets?: { p95: number; max: number }): boolean {
  const ratio = (a: number, b: number) => (b > 0 ? `${round(a / b, 1)}×` : '—');
  out(`  ${r.label}: ${r.devices} devices${r.triggerStatus ? `; trigger answered ${r.triggerStatus} in ${r.triggerMs} ms` : ''}`);
  out(`    (a) event received      ${fmtSpread(r.told)}${baseline ? `   vs baseline ${ratio(r.told.p95, baseline.told.p95)} at p95, ${ratio(r.told.max, baseline.told.max)} at max` : ''}`);
  if (r.manifest) out(`    (b) manifest fetched    ${fmtSpread(r.manifest)}${baseline?.manifest ? `   vs baseline ${ratio(r.manifest.p95, baseline.manifest.p95)} at p95, ${ratio(r.manifest.max, baseline.manifest.max)} at max` : ''}`);
  if (r.byApi) for (const [name, s] of Object.entries(r.byApi)) out(`      devices on ${name}: event ${fmtSpread(s.told)}${s.manifest ? `; manifest ${fmtSpread(s.manifest)}` : ''}`);
  if (r.laterThanBulletin !== null && Number.isFinite(bulletinMs)) out(`    devices without the manifest ${round(bulletinMs / 1000, 1)} s after approval (they would have missed a bulletin that short): ${r.laterThanBulletin}`);
  out(`    events by type ${JSON.stringify(r.types)}; stale manifest answers (304 or without the airing; retried with back-off from 250 ms) ${r.staleAnswers} on ${r.devicesWithStale} devices; airing over before the manifest had it ${r.airingOver}; reconnects ${r.reconnects}; errors ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ''}`);
  out(`    CPU s (wall ${r.cpu.wallSec} s): ${Object.entries(r.cpu.groups).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (!targets) return true;
  const final = r.manifest ?? r.told;
  const ok = r.told.missing === 0 && final.missing === 0 && final.p95 < targets.p95 && final.max < targets.max;
  out(`    target p95 < ${targets.p95} ms, max < ${targets.max} ms (for the manifest, the later of the two): ${verdict(ok)}`);
  return ok;
}

async function main(): Promise<void> {
  const cleanup = new Cleanup(log);
  cleanup.onSignals();
  const summary: Record<string, unknown> = { bench: 'realtime', knobs: { ...knobs, skip: [...knobs.skip] }, machine: { cpus: os.cpus().length, loadAvgAtStart: loadAverage() } };
  const verdicts: string[] = [];
  try {
    const neighbours = await busyNeighbours(new Set([process.pid]));
    if (neighbours.length) {
      log(`warning: other processes are busy on this ${os.cpus().length}-core machine, figures will be skewed: ${neighbours.map((x) => `${x.comm}(${x.pid}) ${x.cpuPct}%`).join(', ')}`);
      summary.busyNeighbours = neighbours;
    }
    const apiEntry = path.join(knobs.distDir, 'src/main.js');
    if (!fs.existsSync(apiEntry)) throw new Error(`${apiEntry} missing: run \`npm run build\` (npm run bench:realtime does)`);

    const fdLimit = openFileLimit();
    const perProcessNeed = Math.ceil(knobs.fanoutDevices / Math.min(knobs.fanoutApis, knobs.loadgens)) + 500;
    let fanoutDevices = knobs.fanoutDevices;
    if (perProcessNeed > fdLimit) {
      fanoutDevices = Math.max(0, (fdLimit - 500) * Math.min(knobs.fanoutApis, knobs.loadgens));
      log(`open-file limit ${fdLimit} holds ${fanoutDevices} fan-out devices, not ${knobs.fanoutDevices}`);
    }
    summary.openFileLimit = fdLimit;

    const scratch = await benchScratch('rt', knobs.adminDatabaseUrl, cleanup);
    const { tmp, dbName, databaseUrl, s3, bucket } = scratch;

    const queuePrefix = `brt${process.pid}`;
    const redis = new Redis(knobs.redisUrl);
    cleanup.add('redis keys', async () => {
      redis.disconnect();
      log(`removed ${await clearRedisPrefix(knobs.redisUrl, queuePrefix)} Redis keys under ${queuePrefix}`);
    });

    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...serviceEnv(scratch, knobs.redisUrl, queuePrefix, ADMIN_TOKEN) };

    const apis: Api[] = [];
    const startApi = async (name: string): Promise<Api> => {
      const port = await freePort();
      const inspectPort = await freePort();
      const nodeArgs = [...startNodeFlags(), `--inspect=127.0.0.1:${inspectPort}`, ...(knobs.apiCpuProf ? ['--cpu-prof', `--cpu-prof-dir=${knobs.apiCpuProf}`] : [])];
      log(`starting ${name}: node dist/src/main.js api on port ${port}`);
      const child = spawnTs(apiEntry, ['api'], { ...env, PORT: String(port) }, { nodeArgs });
      cleanup.add(name, () => child.stop());
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.proc.exitCode !== null) throw new Error(`${name} exited (${child.proc.exitCode}):\n${child.tail.toString()}`);
        const r = await httpJson(base, 'GET', '/readyz').catch(() => null);
        if (r?.status === 200) break;
        if (Date.now() > deadline) throw new Error(`${name} not ready:\n${child.tail.toString()}`);
        await sleep(200);
      }
      const inspector = await connectInspector(inspectPort).catch((err: unknown) => {
        log(`${name}: no inspector (${String(err)}); memory figures without a forced GC`);
        return null;
      });
      if (inspector) cleanup.add(`${name} inspector`, () => inspector.close());
      const api = { name, base, child, inspector };
      apis.push(api);
      return api;
    };
    const apiA = await startApi('API A');

    const probe = await httpJson(apiA.base, 'GET', '/api/v1/station/events', { token: 'lxs_nobody' });
    if (probe.status === 404) throw new Error('GET /api/v1/station/events answers 404: the live channel is not in this build (npm run build after it lands)');

    // ----- seed ------------------------------------------------------------------------------------------------
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    cleanup.add('bench db client', () => db.end());
    const stationCount = Math.max(fanoutDevices, knobs.devices + knobs.agents);
    let t = performance.now();
    const stations = await seedStations(db, stationCount);
    const bulletin = await seedEpisode(db, { endpoint: s3.endpoint, bucket }, FIXTURE, 'Bản tin khẩn cấp — lũ quét');
    const longEmergency = await seedEpisode(db, { endpoint: s3.endpoint, bucket }, FIXTURE, 'Thông báo khẩn cấp — sơ tán', knobs.simEmergencySec);
    bulletinMs = bulletin.durationSec * 1000;
    log(`seeded ${stations.length} stations with one device each and two ready episodes in ${round((performance.now() - t) / 1000, 1)} s`);
    const simStations = stations.slice(0, knobs.devices);
    const agentStations = stations.slice(knobs.devices, knobs.devices + knobs.agents);

    const gens: LoadGen[] = [];
    for (let i = 0; i < knobs.loadgens; i++) {
      const child = spawnTs('bench/realtime-lib/devices.ts', [], { PATH: env.PATH, HOME: env.HOME });
      cleanup.add(`load generator ${i + 1}`, () => child.stop());
      await waitForMessage(child, (m): m is { type: 'ready' } => (m as { type?: string } | null)?.type === 'ready');
      gens.push({ child });
    }
    const fleet = new Fleet(gens);

    const today = DateTime.now().setZone(TZ).toISODate()!;
    /** Sends the emergency; the clock starts right before the timed request. */
    const emergency = async (api: Api, ids: string[] | 'all', episode = longEmergency): Promise<{ t0: number; ms: number; status: number }> => {
      if (knobs.trigger === 'play-now') {
        const t0 = Date.now();
        const p0 = performance.now();
        const r = await httpJson(api.base, 'POST', '/api/v1/play-now', { token: ADMIN_TOKEN, body: { episodeId: episode.id, stationIds: ids } });
        if (r.status !== 201) throw new Error(`play-now answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
        return { t0, ms: performance.now() - p0, status: r.status };
      }
      const created = await httpJson(api.base, 'POST', '/api/v1/plans', {
        token: ADMIN_TOKEN,
        body: { episodeId: episode.id, stationIds: ids, priority: 'emergency', airingsPerStation: 1, from: today, to: today },
      });
      if (created.status !== 201) throw new Error(`emergency plan answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
      const t0 = Date.now();
      const p0 = performance.now();
      const r = await httpJson(api.base, 'POST', `/api/v1/plans/${created.body.plan.id}/approve`, { token: ADMIN_TOKEN });
      if (r.status !== 200) throw new Error(`approval answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      return { t0, ms: performance.now() - p0, status: r.status };
    };
    const builtAgent = path.join(knobs.distDir, 'src/agent/main.js');
    const agentEntry = fs.existsSync(builtAgent) ? builtAgent : null;
    /** A real agent at its defaults (60 s poll, 60 s heartbeat), its own --dir and device token, a recording player. */
    const startAgent = (st: SeededStation, server: string, name: string) => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir, { recursive: true });
      const player = recordingPlayer(dir, knobs.playerSec);
      const args = ['--server', server, '--dir', path.join(dir, 'data'), '--player', player.command];
      const child = spawnTs(agentEntry ?? 'src/agent/main.ts', args, { PATH: env.PATH, HOME: env.HOME, LOAXA_TOKEN: st.token, LOAXA_LOG_LEVEL: 'warn' });
      cleanup.add(name, () => child.stop());
      return { station: st, dir, player, child };
    };
    /** Until every agent has polled once and has its live channel open (the service has seen the device too). */
    const agentsReady = async (agents: ReturnType<typeof startAgent>[]) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const seen = await db.query<{ n: string }>('SELECT count(*) AS n FROM devices WHERE id = ANY($1) AND last_seen_at IS NOT NULL', [agents.map((a) => a.station.deviceId)]);
        const polled = agents.filter((a) => {
          try {
            const st = JSON.parse(fs.readFileSync(path.join(a.dir, 'data/status.json'), 'utf8')) as { link?: { online?: boolean }; channel?: { open?: boolean } | null };
            // An agent that reports its channel must have it open; an older one is taken at its first poll.
            return st.link?.online === true && (st.channel === undefined || st.channel?.open === true);
          } catch {
            return false;
          }
        }).length;
        const dead = agents.find((a) => a.child.proc.exitCode !== null);
        if (dead) throw new Error(`an agent exited (${dead.child.proc.exitCode}):\n${dead.child.tail.toString()}`);
        if (Number(seen.rows[0]?.n) === agents.length && polled === agents.length) return;
        if (Date.now() > deadline) throw new Error(`agents not connected after 120 s (${seen.rows[0]?.n} seen, ${polled} polled)`);
        await sleep(500);
      }
    };
    const apiPids = () => Object.fromEntries(apis.map((a) => [`node (${a.name})`, () => a.child.proc.pid]));
    /**
     * Webhook push of every station's manifest after one more emergency for all: stations get a webhook URL on a
     * receiver child (bench/distribution-lib/receiver.ts, Webhook.verify on every request) and a worker process
     * delivers, as in a split deployment today.
     */
    const webhookPushRound = async (list: SeededStation[]) => {
      const secretsFile = path.join(tmp, 'secrets.json');
      fs.writeFileSync(secretsFile, JSON.stringify(Object.fromEntries(list.map((st) => [st.code, `whsec_${crypto.createHash('md5').update(st.id).digest('hex')}`]))));
      const receiver = spawnTs('bench/distribution-lib/receiver.ts', [secretsFile], { PATH: env.PATH, HOME: env.HOME });
      cleanup.add('webhook receiver', () => receiver.stop());
      const { port } = await waitForMessage(receiver, (m): m is { type: 'ready'; port: number } => (m as { type?: string } | null)?.type === 'ready');
      await db.query(`UPDATE stations SET webhook_url = $1 || '/s/' || code`, [`http://127.0.0.1:${port}`]);
      log('webhook push: starting a worker process (ROLE worker)');
      const worker = spawnTs(apiEntry, ['worker'], { ...env, PORT: String(await freePort()) }, { nodeArgs: startNodeFlags() });
      cleanup.add('worker', () => worker.stop());
      await sleep(3000);
      if (worker.proc.exitCode !== null) throw new Error(`worker exited (${worker.proc.exitCode}):\n${worker.tail.toString()}`);
      const trig = await emergency(apiA, 'all');
      const deadline = Date.now() + knobs.pushTimeoutSec * 1000;
      let stats = { distinct: 0, verified: 0, lastAt: null as number | null };
      let lastLog = 0;
      while (Date.now() < deadline) {
        stats = await ipcCall(receiver, { type: 'stats', ns: 's' });
        if (stats.distinct >= list.length) break;
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(`webhook push: ${stats.distinct}/${list.length} after ${round((Date.now() - trig.t0) / 1000, 1)} s`);
        }
        await sleep(500);
      }
      await worker.stop();
      await receiver.stop();
      const complete = stats.distinct >= list.length;
      return { sec: round(((complete && stats.lastAt ? stats.lastAt : Date.now()) - trig.t0) / 1000, 1), received: stats.distinct, verified: stats.verified, complete };
    };
    /** RSS and V8 heap of an API process after two forced collections. */
    const settledMemory = async (api: Api) => {
      if (api.inspector) {
        await api.inspector.call('HeapProfiler.collectGarbage');
        await sleep(1000);
        await api.inspector.call('HeapProfiler.collectGarbage');
        await sleep(500);
      } else await sleep(3000);
      const heap = api.inspector ? await api.inspector.call<{ usedSize: number }>('Runtime.getHeapUsage') : null;
      return { rss: procStatusBytes(api.child.proc.pid!, 'VmRSS') ?? NaN, heapUsed: heap?.usedSize ?? NaN };
    };
    const connectOrFail = async (what: string, targets: DeviceTarget[], initialFetch = true) => {
      log(`${what}: connecting ${targets.length} devices (${knobs.connectRate}/s over ${gens.length} load generators${initialFetch ? ', each reading its manifest after hello' : ''})`);
      const c = await fleet.connect(targets, initialFetch);
      log(`${what}: ${c.connected} connected, ${c.failed} failed in ${c.sec} s${c.firstError ? ` (first error: ${c.firstError})` : ''}`);
      if (c.connected === 0) throw new Error(`${what}: no device connected: ${c.firstError}`);
      return c;
    };
    const apiTargets = (list: SeededStation[], on: Api[]) => list.map((s, i) => ({ base: on[i % on.length]!.base, token: s.token }));

    // A real manifest for the baseline server to answer.
    const sample = await httpJson(apiA.base, 'GET', '/api/v1/station/manifest', { token: simStations[0]!.token });
    if (sample.status !== 200) throw new Error(`manifest answered ${sample.status}`);
    const manifestFile = path.join(tmp, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify(sample.body));

    out('Loa xã — live channel benchmark');
    out(`machine: ${os.cpus().length} CPUs, load average at start ${String((summary.machine as { loadAvgAtStart: string }).loadAvgAtStart)}, open-file limit ${fdLimit}${neighbours.length ? `; busy neighbours: ${neighbours.map((x) => `${x.comm} ${x.cpuPct}%`).join(', ')}` : ''}`);
    out(`service: compiled API processes (ROLE api), PostgreSQL database ${dbName}, Redis prefix ${queuePrefix}; trigger: ${knobs.trigger === 'plan' ? 'approval of an emergency plan (plan created beforehand, not timed)' : 'POST /api/v1/play-now'}`);
    out(`${stations.length} stations seeded with one device each; ${knobs.loadgens} load generator processes; emergencies: a ${round(bulletin.durationSec, 1)} s bulletin for the real agents, ${knobs.simEmergencySec} s for the simulated devices`);

    const startBaselines = async (count: number, channel?: string) => {
      const servers: { child: Child; base: string }[] = [];
      for (let i = 0; i < count; i++) {
        const child = spawnTs('bench/realtime-lib/sse-baseline.ts', channel ? [manifestFile, knobs.redisUrl, channel] : [manifestFile], { PATH: env.PATH, HOME: env.HOME });
        const { port } = await waitForMessage(child, (m): m is { type: 'ready'; port: number } => (m as { type?: string } | null)?.type === 'ready');
        servers.push({ child, base: `http://127.0.0.1:${port}` });
      }
      return servers;
    };
    const baselineTargets = (n: number, servers: { base: string }[]) =>
      Array.from({ length: n }, (_, i) => ({ base: servers[i % servers.length]!.base, token: 'baseline', eventsPath: '/events', manifestPath: '/manifest' }));

    const runBaseline = async (label: string, processes: number): Promise<RoundResult> => {
      const channel = processes > 1 ? `${queuePrefix}:baseline` : undefined;
      const servers = await startBaselines(processes, channel);
      try {
        await connectOrFail(label, baselineTargets(knobs.devices, servers));
        await fleet.arm();
        const meter = cpuMeter({ ...Object.fromEntries(servers.map((s, i) => [`baseline server ${i + 1}`, () => s.child.proc.pid])), ...fleet.pids() }, { dbName });
        const t0 = Date.now();
        if (channel) await redis.publish(channel, `baseline-${crypto.randomUUID()}`);
        else await ipcCall(servers[0]!.child, { type: 'broadcast', airingId: `baseline-${crypto.randomUUID()}` });
        const r = await collect(fleet, knobs.devices, t0, true);
        return summarise(label, r, t0, true, { ms: 0, status: 0 }, meter.stop(), processes > 1 ? (i) => `baseline server ${(i % processes) + 1}` : undefined);
      } finally {
        await fleet.close();
        for (const s of servers) await s.child.stop();
      }
    };

    const rounds: Record<string, unknown> = {};
    // ----- 1a. one API process ---------------------------------------------------------------------------------
    let baseline1: RoundResult | undefined;
    if (!knobs.skip.has('baseline')) {
      baseline1 = await runBaseline('baseline: bare node SSE server, 1 process', 1);
      rounds.baseline1 = baseline1;
    }
    let idle: Record<string, unknown> | undefined;
    // One real agent idles through a counting link from part 3 until part 4.
    let link: FlakyLink | null = null;
    let idleAgent: ReturnType<typeof startAgent> | null = null;
    let linkT0 = 0;
    let memory: Record<string, unknown> | undefined;
    if (!knobs.skip.has('single')) {
      // Warm the channel code up, so the 0-connection figure is not a cold process.
      const spare = stations.slice(knobs.devices + knobs.agents);
      await connectOrFail('warm-up', apiTargets(spare.length >= 50 ? spare.slice(0, 50) : simStations.slice(0, 50), [apiA]));
      await fleet.close();
      await sleep(1000);
      const memEmpty = await settledMemory(apiA);
      // A polling device costs the API a cached manifest and a cached token lookup, channel or not: poll once for
      // every device first, so the next step measures what the open channels add.
      log(`memory: one manifest poll per device (${simStations.length}) before the channels open`);
      await pooled(simStations, 16, async (st) => {
        const r = await httpJson(apiA.base, 'GET', '/api/v1/station/manifest', { token: st.token });
        if (r.status !== 200) throw new Error(`manifest answered ${r.status}`);
      });
      const mem0 = await settledMemory(apiA);
      const c = await connectOrFail('one API', apiTargets(simStations, [apiA]));
      await sleep(2000);
      const mem1 = await settledMemory(apiA);
      const perThousand = (x: number, y: number) => round(((y - x) / 1e6 / c.connected) * 1000, 2);
      memory = {
        connections: c.connected,
        rssBytesEmpty: memEmpty.rss,
        rssBytes0: mem0.rss,
        rssBytesN: mem1.rss,
        heapUsedEmpty: memEmpty.heapUsed,
        heapUsed0: mem0.heapUsed,
        heapUsedN: mem1.heapUsed,
        rssMBPer1000: perThousand(mem0.rss, mem1.rss),
        heapMBPer1000: perThousand(mem0.heapUsed, mem1.heapUsed),
        rssMBPer1000WithCaches: perThousand(memEmpty.rss, mem1.rss),
        heapMBPer1000WithCaches: perThousand(memEmpty.heapUsed, mem1.heapUsed),
        forcedGc: apiA.inspector !== null,
        targetMB: TARGETS.mbPer1000,
      };
      if (!knobs.skip.has('idle')) {
        // Beside the simulated channels, one real agent at its defaults through a link that counts every byte both
        // ways: its channel plus the heartbeat POSTs and polls it makes on its own.
        const spareStation = stations[knobs.devices + knobs.agents];
        if (knobs.agents > 0 && spareStation) {
          const u = new URL(apiA.base);
          link = await startFlakyLink({ host: u.hostname, port: Number(u.port) });
          cleanup.add('idle agent link', () => link!.close());
          idleAgent = startAgent(spareStation, link.url, 'idle-agent');
          await agentsReady([idleAgent]);
          await sleep(2000);
          link.resetStats();
          linkT0 = performance.now();
        }
        log(`idle: counting bytes on ${c.connected} channels${idleAgent ? ' and one real agent' : ''} for ${knobs.idleSec} s`);
        await fleet.bytes('start');
        const w0 = performance.now();
        await sleep(knobs.idleSec * 1000);
        const b = (await fleet.bytes('stop')) as { bytes: number[]; heartbeats: number[]; events: number[]; reconnects: number };
        const windowSec = (performance.now() - w0) / 1000;
        const perHour = (x: number) => (x / windowSec) * 3600;
        const bytesMed = median(b.bytes);
        const hbMed = median(b.heartbeats);
        // Not visible on loopback: each heartbeat is one TCP segment down (IPv4 20 + TCP 20 + timestamps 12 bytes)
        // and its ACK up; over TLS 1.3 each record adds 22 bytes (header 5, tag 16, type 1).
        const tcpPerSegment = 52;
        const tlsPerRecord = 22;
        // A window holds a whole number of heartbeats, not always idleSec / interval of them: scale per heartbeat
        // (the channel carries nothing else while idle), at the default interval this run uses.
        const hbPerHour = 3600 / DEFAULT_CHANNEL_HEARTBEAT_SEC;
        const idleOnly = median(b.events) === 0 && hbMed > 0;
        const channelPerHour = idleOnly ? (bytesMed / hbMed) * hbPerHour : perHour(bytesMed);
        const writesPerHour = idleOnly ? hbPerHour : perHour(hbMed + median(b.events));
        idle = {
          windowSec: round(windowSec, 1),
          devices: b.bytes.length,
          bytesMedian: bytesMed,
          bytesMax: Math.max(...b.bytes),
          heartbeatsMedian: hbMed,
          eventsMedian: median(b.events),
          reconnects: b.reconnects,
          httpBytesPerHour: Math.round(channelPerHour),
          withTcpIpPerHour: Math.round(channelPerHour + writesPerHour * tcpPerSegment * 2),
          withTcpIpTlsPerHour: Math.round(channelPerHour + writesPerHour * (tcpPerSegment * 2 + tlsPerRecord)),
          scaledBy: idleOnly ? `per heartbeat × ${hbPerHour}/h` : 'window',
          tcpIpBytesPerSegment: tcpPerSegment,
          targetBytesPerHour: TARGETS.idleBytesPerHour,
        };
      }
      const meter = cpuMeter({ ...apiPids(), ...fleet.pids() }, { dbName });
      await fleet.arm();
      const trig = await emergency(apiA, simStations.map((s) => s.id));
      const r = await collect(fleet, c.connected, trig.t0, true);
      const single = summarise('one API process', r, trig.t0, true, trig, meter.stop());
      rounds.single = single;
      await fleet.close();

      out();
      out(`1. Emergency to ${knobs.devices} devices — one API process`);
      if (baseline1) printRound(baseline1);
      const ok = printRound(single, baseline1, { p95: TARGETS.p95Ms, max: TARGETS.maxMs });
      verdicts.push(`one API: ${verdict(ok)}`);
      out();
      out(`3. Idle cost of a device (one API process, ${String(memory.connections)} open channels)`);
      if (idle) {
        // A window shorter than a heartbeat interval sees nothing and proves nothing.
        const okIdle = (idle.heartbeatsMedian as number) > 0 && (idle.withTcpIpPerHour as number) < TARGETS.idleBytesPerHour;
        out(`  bytes read by a channel socket over ${String(idle.windowSec)} s: median ${String(idle.bytesMedian)} (max ${String(idle.bytesMax)}), ${String(idle.heartbeatsMedian)} heartbeats, ${String(idle.eventsMedian)} events; reconnects ${String(idle.reconnects)}`);
        out(`  per hour (${String(idle.scaledBy)}): ${String(idle.httpBytesPerHour)} bytes of HTTP (heartbeats with chunk framing); with TCP/IP headers (52 bytes a segment, and the ACK back) ≈ ${String(idle.withTcpIpPerHour)} bytes; over TLS ≈ ${String(idle.withTcpIpTlsPerHour)} bytes`);
        out(`  target < ${TARGETS.idleBytesPerHour} bytes/h (judged with TCP/IP): ${verdict(okIdle)}`);
        verdicts.push(`idle bytes: ${verdict(okIdle)}`);
      }
      const okMem = (memory.rssMBPer1000 as number) < TARGETS.mbPer1000;
      const mb = (x: number) => round(x / 1e6, 1);
      out(`  API memory${memory.forcedGc ? ' after forced GC' : ''}: RSS ${mb(memEmpty.rss)} MB idle → ${mb(mem0.rss)} MB once ${simStations.length} devices polled (cached manifests and tokens) → ${mb(mem1.rss)} MB with ${c.connected} channels open`);
      out(`    V8 heap ${mb(memEmpty.heapUsed)} → ${mb(mem0.heapUsed)} → ${mb(mem1.heapUsed)} MB`);
      out(`  per 1,000 open channels: RSS ${String(memory.rssMBPer1000)} MB (heap ${String(memory.heapMBPer1000)} MB); with the poll caches: RSS ${String(memory.rssMBPer1000WithCaches)} MB (heap ${String(memory.heapMBPer1000WithCaches)} MB) — target < ${TARGETS.mbPer1000} MB: ${verdict(okMem)}`);
      verdicts.push(`memory: ${verdict(okMem)}`);
    }

    // ----- 1b. two API processes -------------------------------------------------------------------------------
    let apiB: Api | undefined;
    if (!knobs.skip.has('two') || !knobs.skip.has('fanout') || !knobs.skip.has('agents')) apiB = await startApi('API B');
    if (!knobs.skip.has('two') && apiB) {
      let baseline2: RoundResult | undefined;
      if (!knobs.skip.has('baseline')) {
        baseline2 = await runBaseline('baseline: two bare SSE servers fed by one Redis PUBLISH', 2);
        rounds.baseline2 = baseline2;
      }
      const both = [apiA, apiB];
      const c = await connectOrFail('two APIs', apiTargets(simStations, both));
      await sleep(1000);
      const meter = cpuMeter({ ...apiPids(), ...fleet.pids() }, { dbName });
      await fleet.arm();
      const trig = await emergency(apiA, simStations.map((s) => s.id));
      const r = await collect(fleet, c.connected, trig.t0, true);
      const two = summarise('two API processes (approval sent to API A)', r, trig.t0, true, trig, meter.stop(), (i) => both[i % 2]!.name);
      rounds.two = two;
      await fleet.close();
      out();
      out(`1. Emergency to ${knobs.devices} devices — two API processes sharing Redis (devices split evenly)`);
      if (baseline2) printRound(baseline2);
      const ok = printRound(two, baseline2, { p95: TARGETS.p95Ms, max: TARGETS.maxMs });
      verdicts.push(`two APIs: ${verdict(ok)}`);
    }

    // ----- 2. real agents --------------------------------------------------------------------------------------
    if (!knobs.skip.has('agents') && knobs.agents > 0) {
      const on = apiB ? [apiA, apiB] : [apiA];
      log(`agents: starting ${agentStations.length} agents (${agentEntry ? 'compiled' : 'src/agent/main.ts through tsx'}, default poll) on ${on.map((a) => a.name).join(' and ')}`);
      const agents = agentStations.map((st, i) => startAgent(st, on[i % on.length]!.base, `agent-${i}`));
      await agentsReady(agents);
      // The channel may open a moment after the first poll: give every agent time to settle.
      await sleep(3000);
      const meter = cpuMeter({ ...apiPids(), ...Object.fromEntries(agents.map((a, i) => [`agent ${i + 1}`, () => a.child.proc.pid])) }, { dbName });
      const trig = await emergency(apiA, agents.map((a) => a.station.id), bulletin);
      const waitUntil = Date.now() + knobs.roundTimeoutSec * 1000;
      let starts: number[] = [];
      for (;;) {
        starts = agents.map((a) => a.player.events().find((e) => e.event === 'start' && e.at >= trig.t0)?.at ?? NaN);
        if (starts.every(Number.isFinite) || Date.now() > waitUntil) break;
        await sleep(100);
      }
      const cpu = meter.stop();
      const s = spread(starts.map((x) => x - trig.t0));
      const ok = s.missing === 0 && s.p95 < TARGETS.agentP95Ms;
      out();
      out(`2. Real agents: ${agents.length} agents (${agentEntry ? 'compiled' : 'tsx'}, default 60 s poll, recording player), split over ${on.map((a) => a.name).join(' and ')}; approval sent to API A`);
      out(`  approval → player started   ${fmtSpread(s)}  (trigger answered in ${Math.round(trig.ms)} ms) — target p95 < ${TARGETS.agentP95Ms} ms: ${verdict(ok)}`);
      const agentCpu = round(sum(Object.entries(cpu.groups).filter(([k]) => k.startsWith('agent ')).map(([, v]) => v)), 2);
      const others = Object.entries(cpu.groups).filter(([k]) => !k.startsWith('agent '));
      out(`  includes downloading the ${fs.statSync(FIXTURE).size}-byte emergency file, which no agent had before`);
      out(`  CPU s (wall ${cpu.wallSec} s): agents together ${agentCpu}, ${others.map(([k, v]) => `${k} ${v}`).join(', ')}`);
      verdicts.push(`agents: ${verdict(ok)}`);
      rounds.agents = { agents: agents.length, compiled: agentEntry !== null, playerStarted: s, triggerMs: Math.round(trig.ms), cpu: cpu.groups, targetP95Ms: TARGETS.agentP95Ms, met: ok };
      for (const a of agents) await a.child.stop();
    }

    // ----- 3b. the idle real agent, counted since part 3 began (long enough to hold its 60 s heartbeats) ---------
    if (link && idleAgent) {
      const sec = (performance.now() - linkT0) / 1000;
      const st = link.stats;
      const requests = link.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);
      await idleAgent.child.stop();
      const perHour = (x: number) => Math.round((x / sec) * 3600);
      // Each new connection: SYN, SYN-ACK, ACK and the FIN/ACKs ≈ 7 segments of 52 bytes; each request and answer ≈ 4.
      const tcp = (st.connections * 7 + requests.length * 4) * 52;
      const realAgent = { windowSec: round(sec, 1), bytesDown: st.bytesDown, bytesUp: st.bytesUp, connections: st.connections, requests, bytesPerHour: perHour(st.bytesDown + st.bytesUp), withTcpIpPerHour: perHour(st.bytesDown + st.bytesUp + tcp) };
      if (idle) idle.realAgent = realAgent;
      const counts = Object.entries(requests.reduce<Record<string, number>>((m, r) => ((m[r] = (m[r] ?? 0) + 1), m), {}));
      out();
      out(`3. (cont.) One real agent at its defaults, idle, through a byte-counting link for ${realAgent.windowSec} s: everything it sends and gets`);
      out(`  ${st.bytesDown} bytes down, ${st.bytesUp} up; ${st.connections} new TCP connections; requests: ${counts.length ? counts.map(([k, n]) => `${n}× ${k}`).join(', ') : 'none'}`);
      out(`  per hour ≈ ${realAgent.bytesPerHour} bytes of HTTP, ≈ ${realAgent.withTcpIpPerHour} with TCP/IP (estimate, no TLS; a TLS handshake on each new connection would add a few KB each) — the channel alone is part 3's figure`);
    }

    // ----- 4. fan-out to 10,000 ------------------------------------------------------------------------------
    if (!knobs.skip.has('fanout') && fanoutDevices > 0) {
      const on = knobs.fanoutApis === 2 && apiB ? [apiA, apiB] : [apiA];
      // Set-up only: without the manifest read after hello, 10,000 devices connect in seconds rather than minutes.
      const c = await connectOrFail('fan-out', apiTargets(stations.slice(0, fanoutDevices), on), false);
      await sleep(2000);
      const rss = Object.fromEntries(on.map((a) => [a.name, round((procStatusBytes(a.child.proc.pid!, 'VmRSS') ?? NaN) / 1e6, 1)]));
      const meter = cpuMeter({ ...apiPids(), ...fleet.pids() }, { dbName });
      await fleet.arm();
      const trig = await emergency(apiA, 'all');
      const r = await collect(fleet, c.connected, trig.t0, knobs.fanoutFetch);
      const fan = summarise(`fan-out over ${on.map((a) => a.name).join(' and ')}`, r, trig.t0, knobs.fanoutFetch, trig, meter.stop(), on.length > 1 ? (i) => on[i % on.length]!.name : undefined);
      await fleet.close();
      const lastToldMs = fan.told.max;
      const ok = fan.told.missing === 0 && lastToldMs < TARGETS.fanoutLastMs;

      // Today's path for the same kind of change: every station's manifest pushed to its webhook.
      let webhook: { sec: number; received: number; verified: number; complete: boolean } | null = null;
      if (knobs.webhookPush) webhook = await webhookPushRound(stations);

      out();
      out(`4. Fan-out of one change (emergency for all ${stations.length} stations) to ${c.connected} connected devices${fanoutDevices < knobs.fanoutDevices ? ` (the open-file limit held ${fanoutDevices} of ${knobs.fanoutDevices})` : ''}`);
      out(`  API RSS with the channels open: ${Object.entries(rss).map(([k, v]) => `${k} ${v} MB`).join(', ')}`);
      printRound(fan);
      out(`  last device told after ${lastToldMs} ms — target < ${TARGETS.fanoutLastMs} ms: ${verdict(ok)}`);
      if (webhook) {
        out(`  against today's webhook push, measured here: approval → ${webhook.received} of ${fanoutDevices} manifests received (${webhook.verified} verified) in ${webhook.sec} s${webhook.complete ? '' : ' (INCOMPLETE at the time limit)'} by one worker process (PUSH_CONCURRENCY default) → ${round((webhook.sec * 1000) / lastToldMs, 0)}× the live channel's time`);
      } else {
        out(`  against today's webhook push of 10,000 manifests: ${WEBHOOK_PUSH_10K_SEC.low}–${WEBHOOK_PUSH_10K_SEC.high} s (bench:distribution's published figure, not re-run here; BENCH_WEBHOOK_PUSH=1 re-runs it) → ${round((WEBHOOK_PUSH_10K_SEC.low * 1000) / lastToldMs, 0)}–${round((WEBHOOK_PUSH_10K_SEC.high * 1000) / lastToldMs, 0)}× the live channel's time`);
      }
      verdicts.push(`fan-out: ${verdict(ok)}`);
      rounds.fanout = {
        ...fan,
        apiRssMB: rss,
        lastToldMs,
        targetMs: TARGETS.fanoutLastMs,
        webhookPush: webhook ?? { publishedSec: WEBHOOK_PUSH_10K_SEC, source: 'bench:distribution published figure' },
        met: ok,
      };
    }

    summary.rounds = rounds;
    summary.idle = idle;
    summary.memory = memory;
    printVerdicts(out, summary, verdicts);
  } finally {
    await cleanup.run();
  }
}

runBench(main);
