/**
 * Distribution benchmark (`npm run bench:distribution`): issue 3's "Benchmark" section.
 *
 * 1. Push: with 10,000 stations (one approved plan for all, three airings each), the time from
 *    `runtime.push.scheduleDue()` until a local receiver (a child process answering 204) has received — and
 *    verified with standardwebhooks' Webhook.verify — one push per station. Target < 60 s. Baseline in the same
 *    run: a bare loop that signs and POSTs a real-sized manifest to the same receiver with the same concurrency
 *    (no database, no queue). Also timed: the station insert, the plan's creation and approval, an idle tick.
 * 2. Polls: `GET /api/v1/station/manifest` requests per second against the API in a child process
 *    (`node dist/src/main.js api`, the build `npm start` runs), with `If-None-Match` of the current ETag (304) and without (200),
 *    ~100 station tokens round-robin, against a bare express route (another child process) answering a constant
 *    JSON body of the same size. Target ≥ 0.5× for 304.
 *
 * Human-readable results on stdout ending with one JSON line; progress on stderr. Exit 0 even when a target is
 * missed ("target missed"), non-zero only on errors.
 *
 * Knobs (environment): BENCH_STATIONS (10000), BENCH_POLL_TOKENS (100), BENCH_CONNECTIONS (32),
 * BENCH_POLL_SEC (10), BENCH_POLL_WARMUP_SEC (2), BENCH_POLL_ROUNDS (2; the best round of each side counts),
 * BENCH_PUSH_TIMEOUT_SEC (300), BENCH_PUSH_CONCURRENCY (the service's default when unset),
 * BENCH_SKIP (comma list: push, poll), BENCH_DATABASE_URL (admin connection; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL, BENCH_API_CPU_PROF (a directory: the API child runs with
 * --cpu-prof and leaves its .cpuprofile there), BENCH_PROFILE_DIR (CPU profiles of this process — the runtime — for the
 * plan calls and the push phase; slows them down), BENCH_CALL_PROFILE=0 (no per-call breakdown of the push phase: its
 * wrappers and AsyncLocalStorage cost a few % of the runtime's CPU).
 */
import { envNumber } from './lib/proc.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { loadConfig, type Config } from '../config/index.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { benchScratch, clearRedisPrefix, serviceEnv } from './lib/scratch.js';
import { buildGet, closedLoop, type LoadResult } from './distribution-lib/loadgen.js';
import { profilePhase } from './distribution-lib/inspector.js';
import { instrumentPush, phaseStore, type PushProfile } from './distribution-lib/profile.js';
import { printVerdicts, runBench } from './lib/finish.js';
import {
  busyNeighbours,
  Cleanup,
  cpuMeter,
  freePort,
  httpJson,
  ipcCall,
  loadAverage,
  log,
  ROOT,
  round,
  sleep,
  spawnTs,
  waitForMessage,
  type Child,
} from './distribution-lib/util.js';
import { startNodeFlags } from './lib/start-flags.js';

const TARGETS = { pushMaxSec: 60, poll304RatioMin: 0.5 } as const;
const FIXTURE = path.resolve(ROOT, '../shared/fixtures/audio/speech-128k.mp3');
const ADMIN_TOKEN = `bench-admin-${crypto.randomBytes(12).toString('hex')}`;
const TZ = 'Asia/Ho_Chi_Minh';
// Three daily sessions, as a commune station typically airs: morning, noon, evening.
const GRID = [
  { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '11:00', durationMin: 30 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 60 },
];

const knobs = {
  stations: Math.round(envNumber('BENCH_STATIONS', 10_000)),
  pollTokens: Math.round(envNumber('BENCH_POLL_TOKENS', 100)),
  connections: Math.round(envNumber('BENCH_CONNECTIONS', 32)),
  pollSec: envNumber('BENCH_POLL_SEC', 10),
  pollWarmupSec: envNumber('BENCH_POLL_WARMUP_SEC', 2),
  pollRounds: Math.round(envNumber('BENCH_POLL_ROUNDS', 2)),
  pushTimeoutSec: envNumber('BENCH_PUSH_TIMEOUT_SEC', 300),
  pushConcurrency: process.env.BENCH_PUSH_CONCURRENCY ? String(Math.round(envNumber('BENCH_PUSH_CONCURRENCY', 20))) : undefined,
  skip: new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  adminDatabaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  apiCpuProf: process.env.BENCH_API_CPU_PROF || undefined,
  profileDir: process.env.BENCH_PROFILE_DIR ? path.resolve(process.env.BENCH_PROFILE_DIR) : undefined,
  // The per-call breakdown wraps the runtime's db/queue/push objects and turns AsyncLocalStorage on (a few % CPU).
  callProfile: process.env.BENCH_CALL_PROFILE !== '0',
};
if (knobs.stations > 89_999) throw new Error('BENCH_STATIONS: at most 89999 (codes are 5 digits)');

const out = (line = '') => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'target met' : 'target missed');
const secs = (ms: number) => round(ms / 1000, 2);

interface StationSeed {
  id: string;
  code: string;
  token: string | null;
  tokenHash: string;
  secret: string;
}

function seedStations(n: number, keepTokens: number): StationSeed[] {
  const seeds: StationSeed[] = [];
  for (let i = 0; i < n; i++) {
    const token = `lxs_${crypto.randomBytes(32).toString('base64url')}`;
    seeds.push({
      id: crypto.randomUUID(),
      code: String(10_000 + i),
      token: i < keepTokens ? token : null,
      tokenHash: crypto.createHash('sha256').update(token, 'utf8').digest('hex'),
      secret: `whsec_${crypto.randomBytes(32).toString('base64')}`,
    });
  }
  return seeds;
}

async function insertStations(db: pg.Client, seeds: StationSeed[], webhookBase: string): Promise<void> {
  const grid = JSON.stringify(GRID);
  for (let i = 0; i < seeds.length; i += 2000) {
    const batch = seeds.slice(i, i + 2000);
    await db.query(
      `INSERT INTO stations (id, code, name, timezone, webhook_url, webhook_secret, grid)
       SELECT u.id, u.code, u.name, $4, u.url, u.secret, $7::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[], $5::text[], $6::text[]) AS u(id, code, name, url, secret)`,
      [
        batch.map((s) => s.id),
        batch.map((s) => s.code),
        batch.map((s) => `Đài truyền thanh xã ${s.code}`),
        TZ,
        batch.map((s) => `${webhookBase}/s/${s.code}`),
        batch.map((s) => s.secret),
        grid,
      ],
    );
    // Station tokens are device tokens: each station's first device ("Cụm loa 1") holds it.
    await db.query(
      `INSERT INTO devices (id, station_id, name, token_hash, is_primary)
       SELECT gen_random_uuid(), u.id, 'Cụm loa 1', u.hash, true FROM unnest($1::uuid[], $2::text[]) AS u(id, hash)`,
      [batch.map((s) => s.id), batch.map((s) => s.tokenHash)],
    );
  }
}

interface ReceiverStats {
  requests: number;
  verified: number;
  badSignature: number;
  wrongStation: number;
  duplicates: number;
  distinct: number;
  bytes: number;
  firstAt: number | null;
  lastAt: number | null;
  marks: [number, number][];
  firstError: string | null;
}

const receiverStats = (receiver: Child, ns: string) => ipcCall<ReceiverStats>(receiver, { type: 'stats', ns });

async function uploadEpisode(base: string): Promise<string> {
  const form = new FormData();
  form.append('title', 'Bản tin nông nghiệp — số 42');
  form.append('audio', await fs.openAsBlob(FIXTURE), path.basename(FIXTURE));
  const res = await fetch(`${base}/api/v1/episodes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: form });
  const body = (await res.json()) as { id?: string };
  if (res.status >= 300 || !body.id) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

async function waitReady(base: string, episodeId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpJson(base, 'GET', `/api/v1/episodes/${episodeId}`, { token: ADMIN_TOKEN });
    if (r.body?.status === 'ready') return;
    if (r.body?.status === 'failed') throw new Error(`episode failed: ${JSON.stringify(r.body)}`);
    if (Date.now() > deadline) throw new Error(`episode not ready after ${timeoutMs} ms: ${JSON.stringify(r.body)}`);
    await sleep(250);
  }
}

/** The floor of push delivery: sign and POST a manifest-sized body per station, `concurrency` at a time. */
async function rawPushBaseline(seeds: StationSeed[], webhookBase: string, body: string, concurrency: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      const s = seeds[i];
      if (!s) return;
      const msgId = `raw-${s.id}`;
      const at = new Date();
      const res = await fetch(`${webhookBase}/raw/${s.code}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': msgId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(s.secret).sign(msgId, at, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status !== 204) throw new Error(`receiver answered ${res.status} to the baseline`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - t0;
}

interface PushResult {
  stations: number;
  totalSec: number;
  stationsPerSec: number;
  scheduleDueSec: number;
  scheduleDue: { checked: number; queued: number };
  receivedWhenScheduleDueReturned: number;
  received: number;
  verified: number;
  badSignature: number;
  wrongStation: number;
  duplicates: number;
  dbDeliveredSec: number | null;
  dbDelivered: number;
  timeline: { stations: number; atSec: number }[];
  idleTick: { sec: number; checked: number; queued: number };
  cpu: ReturnType<ReturnType<typeof cpuMeter>['stop']>;
  profile: PushProfile | null;
  complete: boolean;
}

async function pushPhase(rt: Runtime, receiver: Child, benchDb: pg.Client, n: number, dbName: string): Promise<PushResult> {
  const probe = knobs.callProfile ? instrumentPush(rt, rt.config.database.poolSize) : null;
  const cpu = cpuMeter({ 'node (runtime)': () => process.pid, 'node (receiver)': () => receiver.proc.pid }, { dbName });
  const wallStart = Date.now();
  const t0 = performance.now();
  // Filled in by the scheduling promise while this function watches the receiver.
  const sched = {
    result: null as { checked: number; queued: number } | null,
    error: null as unknown,
    endedAt: 0,
    receivedThen: 0,
  };
  const started = knobs.callProfile ? phaseStore.run('schedule', () => rt.push.scheduleDue()) : rt.push.scheduleDue();
  const scheduling = started.then(
    async (r) => {
      sched.result = r;
      sched.endedAt = performance.now();
      sched.receivedThen = (await receiverStats(receiver, 's')).distinct;
    },
    (err: unknown) => {
      sched.error = err ?? new Error('scheduleDue failed');
      sched.endedAt = performance.now();
    },
  );
  const deadline = t0 + knobs.pushTimeoutSec * 1000;
  let stats = await receiverStats(receiver, 's');
  let lastLog = 0;
  while (stats.distinct < n && performance.now() < deadline && !sched.error) {
    await sleep(200);
    stats = await receiverStats(receiver, 's');
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`push: ${stats.distinct}/${n} stations received after ${secs(performance.now() - t0)} s${sched.result ? '' : ' (scheduleDue still running)'}`);
    }
  }
  const tDone = stats.distinct >= n && stats.lastAt ? t0 + (stats.lastAt - wallStart) : performance.now();
  await scheduling;
  if (sched.error) throw sched.error;
  // The worker records the delivery after the station answered: wait for the database to agree.
  let dbDelivered = 0;
  let dbDeliveredAt: number | null = null;
  const dbDeadline = performance.now() + 30_000;
  for (;;) {
    const r = await benchDb.query<{ n: string }>('SELECT count(*) AS n FROM pushes WHERE delivered_version IS NOT NULL AND delivered_version = wanted_version');
    dbDelivered = Number(r.rows[0]?.n ?? 0);
    if (dbDelivered >= n) {
      dbDeliveredAt = performance.now();
      break;
    }
    if (performance.now() > dbDeadline || stats.distinct < n) break;
    await sleep(200);
  }
  const cpuUse = cpu.stop();
  const profile = probe?.report() ?? null;
  probe?.restore();
  stats = await receiverStats(receiver, 's');

  const it0 = performance.now();
  const idle = await rt.push.scheduleDue();
  const idleSec = secs(performance.now() - it0);

  const totalMs = tDone - t0;
  return {
    stations: n,
    totalSec: secs(totalMs),
    stationsPerSec: Math.round(stats.distinct / (totalMs / 1000)),
    scheduleDueSec: secs(sched.endedAt - t0),
    scheduleDue: sched.result ?? { checked: 0, queued: 0 },
    receivedWhenScheduleDueReturned: sched.receivedThen,
    received: stats.distinct,
    verified: stats.verified,
    badSignature: stats.badSignature,
    wrongStation: stats.wrongStation,
    duplicates: stats.duplicates,
    dbDeliveredSec: dbDeliveredAt === null ? null : secs(dbDeliveredAt - t0),
    dbDelivered,
    timeline: stats.marks.filter(([k]) => k % 2000 === 0 || k === n).map(([k, at]) => ({ stations: k, atSec: secs(at - wallStart) })),
    idleTick: { sec: idleSec, ...idle },
    cpu: cpuUse,
    profile,
    complete: stats.distinct >= n,
  };
}

interface PollRun {
  scenario: 'baseline' | '304' | '200';
  round: number;
  result: LoadResult;
  cpu: ReturnType<ReturnType<typeof cpuMeter>['stop']>;
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const loadAvgAtStart = loadAverage();
  const summary: Record<string, unknown> = { bench: 'distribution', stations: knobs.stations, machine: { cpus: os.cpus().length, loadAvgAtStart } };
  const verdicts: string[] = [];
  try {
    const neighbours = await busyNeighbours(new Set([process.pid]));
    if (neighbours.length) {
      log(`warning: other processes are busy on this ${os.cpus().length}-core machine, figures will be skewed: ${neighbours.map((x) => `${x.comm}(${x.pid}) ${x.cpuPct}%`).join(', ')}`);
      summary.busyNeighbours = neighbours;
    }
    const scratch = await benchScratch('dist', knobs.adminDatabaseUrl, cleanup);
    const { tmp, dbName, databaseUrl } = scratch;

    const seeds = seedStations(knobs.stations, knobs.pollTokens);
    const secretsFile = path.join(tmp, 'secrets.json');
    fs.writeFileSync(secretsFile, JSON.stringify(Object.fromEntries(seeds.map((s) => [s.code, s.secret]))));
    const receiver = spawnTs('bench/distribution-lib/receiver.ts', [secretsFile], { PATH: process.env.PATH, HOME: process.env.HOME });
    cleanup.add('receiver', () => receiver.stop());
    const { port: receiverPort } = await waitForMessage(receiver, (m): m is { type: 'ready'; port: number } => (m as { type?: string } | null)?.type === 'ready');
    const webhookBase = `http://127.0.0.1:${receiverPort}`;

    const queuePrefix = `bdist${process.pid}`;
    cleanup.add('redis keys', async () => log(`removed ${await clearRedisPrefix(knobs.redisUrl, queuePrefix)} Redis keys under ${queuePrefix}:`));
    const env: Record<string, string> = {
      ...serviceEnv(scratch, knobs.redisUrl, queuePrefix, ADMIN_TOKEN),
      ...(knobs.pushConcurrency ? { PUSH_CONCURRENCY: knobs.pushConcurrency } : {}),
    };
    const config: Config = loadConfig({}, { ...env, ROLE: 'all', PORT: '0' });
    summary.config = { pushConcurrency: config.distribution.pushConcurrency, dbPoolSize: config.database.poolSize, cacheAheadDays: config.distribution.cacheAheadDays };

    log('starting the runtime (ROLE all, in-process)');
    const rt = await startRuntime(config);
    let rtOpen = true;
    const closeRuntime = async () => {
      if (!rtOpen) return;
      rtOpen = false;
      await rt.close();
    };
    cleanup.add('runtime', closeRuntime);
    const base = rt.url!;

    const benchDb = new pg.Client({ connectionString: databaseUrl });
    await benchDb.connect();
    cleanup.add('bench db client', () => benchDb.end());

    // ----- setup -----------------------------------------------------------------------------------------------
    let t = performance.now();
    await insertStations(benchDb, seeds, webhookBase);
    const insertSec = secs(performance.now() - t);
    log(`inserted ${seeds.length} stations in ${insertSec} s`);

    t = performance.now();
    const episodeId = await uploadEpisode(base);
    await waitReady(base, episodeId, 180_000);
    const episodeSec = secs(performance.now() - t);
    log(`episode ${episodeId} ready in ${episodeSec} s`);

    const today = DateTime.now().setZone(TZ);
    const planBody = { episodeId, stationIds: 'all', airingsPerStation: 3, from: today.toISODate()!, to: today.plus({ days: 6 }).toISODate()! };
    const planCpu = cpuMeter({ 'node (runtime)': () => process.pid }, { dbName });
    t = performance.now();
    const created = await profilePhase(knobs.profileDir, 'plan-create', () => httpJson(base, 'POST', '/api/v1/plans', { token: ADMIN_TOKEN, body: planBody }));
    const createMs = performance.now() - t;
    if (created.status !== 201) throw new Error(`plan creation answered ${created.status}: ${JSON.stringify(created.body).slice(0, 500)}`);
    const planStations = created.body.stations as { placed: number; shortfall: unknown }[];
    const placed = planStations.reduce((a, s) => a + s.placed, 0);
    const shortfalls = planStations.filter((s) => s.shortfall).length;
    log(`plan created in ${secs(createMs)} s: ${placed} airings for ${planStations.length} stations, ${shortfalls} shortfalls, ${round(created.bytes / 1e6, 1)} MB answer`);
    t = performance.now();
    const approved = await profilePhase(knobs.profileDir, 'plan-approve', () => httpJson(base, 'POST', `/api/v1/plans/${created.body.plan.id}/approve`, { token: ADMIN_TOKEN }));
    const approveMs = performance.now() - t;
    if (approved.status !== 200) throw new Error(`approval answered ${approved.status}: ${JSON.stringify(approved.body).slice(0, 500)}`);
    log(`plan approved in ${secs(approveMs)} s`);
    const planCpuUse = planCpu.stop();

    const sample = await httpJson(base, 'GET', '/api/v1/station/manifest', { token: seeds[0]!.token! });
    if (sample.status !== 200) throw new Error(`manifest answered ${sample.status}`);
    const manifestText = JSON.stringify(sample.body);
    const manifestFile = path.join(tmp, 'manifest.json');
    fs.writeFileSync(manifestFile, manifestText);

    out('Loa xã — distribution benchmark');
    out(`machine: ${os.cpus().length} CPUs, load average at start ${loadAvgAtStart}${neighbours.length ? `; busy neighbours: ${neighbours.map((x) => `${x.comm} ${x.cpuPct}%`).join(', ')}` : ''}`);
    out();
    out(`Setup (${knobs.stations} stations, grid of 3 daily sessions, ${TZ})`);
    out(`  station insert (SQL batch)           ${insertSec} s`);
    out(`  episode upload → ready               ${episodeSec} s`);
    out(`  plan create  (POST /plans "all")     ${secs(createMs)} s  (${Math.round(planStations.length / (createMs / 1000))} stations/s; ${placed} airings placed, ${shortfalls} shortfalls; answer ${round(created.bytes / 1e6, 1)} MB)`);
    out(`  plan approve                         ${secs(approveMs)} s  (answer ${round(approved.bytes / 1e6, 1)} MB)`);
    out(`  plan create + approve                ${secs(createMs + approveMs)} s  (CPU s: ${Object.entries(planCpuUse.groups).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    out(`  a manifest: ${sample.body.airings.length} airings, ${Buffer.byteLength(manifestText)} bytes`);
    summary.setup = {
      insertSec,
      episodeReadySec: episodeSec,
      planCreateSec: secs(createMs),
      planApproveSec: secs(approveMs),
      planTotalSec: secs(createMs + approveMs),
      planCpu: planCpuUse.groups,
      airingsPlaced: placed,
      shortfalls,
      planAnswerBytes: created.bytes,
      manifestBytes: Buffer.byteLength(manifestText),
      manifestAirings: sample.body.airings.length,
    };

    // ----- 1. push ---------------------------------------------------------------------------------------------
    if (!knobs.skip.has('push')) {
      const concurrency = config.distribution.pushConcurrency;
      log(`baseline: bare signed POSTs of a ${Buffer.byteLength(manifestText)}-byte body, ${concurrency} at a time`);
      const rawMs = await rawPushBaseline(seeds, webhookBase, manifestText, concurrency);
      const raw = await receiverStats(receiver, 'raw');
      if (raw.distinct !== seeds.length || raw.badSignature > 0) throw new Error(`baseline pushes not all verified: ${JSON.stringify({ ...raw, marks: undefined })}`);
      const rawRate = Math.round(seeds.length / (rawMs / 1000));
      log(`baseline: ${secs(rawMs)} s (${rawRate}/s)`);

      log('push: scheduleDue() and the push workers, until every station has its manifest');
      const p = await profilePhase(knobs.profileDir, 'push', () => pushPhase(rt, receiver, benchDb, seeds.length, dbName));
      const ok = p.complete && p.totalSec < TARGETS.pushMaxSec && p.badSignature === 0 && p.wrongStation === 0;
      verdicts.push(`push: ${verdict(ok)}`);

      out();
      out(`1. Build and push every manifest (${p.stations} stations, PUSH_CONCURRENCY ${concurrency}, DB pool ${config.database.poolSize})`);
      out(`  scheduleDue() → last push received   ${p.totalSec} s  (${p.stationsPerSec} stations/s)${p.complete ? '' : `  INCOMPLETE: ${p.received}/${p.stations} after the ${knobs.pushTimeoutSec} s limit`}  — target < ${TARGETS.pushMaxSec} s: ${verdict(ok)}`);
      out(`  scheduleDue() itself                 ${p.scheduleDueSec} s  (checked ${p.scheduleDue.checked}, queued ${p.scheduleDue.queued}; ${p.receivedWhenScheduleDueReturned} stations already received when it returned)`);
      out(`  all recorded delivered in the DB     ${p.dbDeliveredSec ?? `not all (${p.dbDelivered})`} s`);
      out(`  received ${p.received}, verified ${p.verified} (Webhook.verify on every request), bad signatures ${p.badSignature}, wrong station ${p.wrongStation}, duplicates ${p.duplicates}`);
      out(`  timeline (stations received @ s):    ${p.timeline.map((x) => `${x.stations}@${x.atSec}`).join('  ')}`);
      out(`  baseline: bare signed POST loop      ${secs(rawMs)} s  (${rawRate}/s, same receiver and concurrency, no DB/queue)`);
      out(`  ratio service / baseline             ${round(p.totalSec / (rawMs / 1000), 1)}× the time`);
      out(`  next tick with nothing changed       ${p.idleTick.sec} s  (checked ${p.idleTick.checked}, queued ${p.idleTick.queued})`);
      out(`  CPU seconds during the push (wall ${p.cpu.wallSec} s, machine busy ${p.cpu.machineBusySec} of ${round(p.cpu.wallSec * os.cpus().length, 1)} core-s):`);
      out(`    ${Object.entries(p.cpu.groups).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      if (p.profile) {
        out(`  where the time goes (wall ms per call; concurrent calls overlap):`);
        for (const [k, v] of Object.entries(p.profile.calls)) out(`    ${k.padEnd(44)} ${String(v.count).padStart(7)} calls  ${String(v.totalMs).padStart(8)} ms  mean ${v.meanMs} ms  max ${v.maxMs} ms`);
        out(`  DB calls in flight: mean ${p.profile.db.meanInFlight}, max ${p.profile.db.maxInFlight}; at or above the pool size (${p.profile.db.poolSize}) ${p.profile.db.saturatedPct}% of the time`);
      }
      summary.push = {
        ...p,
        baseline: { sec: secs(rawMs), stationsPerSec: rawRate, concurrency },
        ratioToBaseline: round(p.totalSec / (rawMs / 1000), 2),
        targetSec: TARGETS.pushMaxSec,
        met: ok,
      };
    }
    await closeRuntime();

    // ----- 2. polls --------------------------------------------------------------------------------------------
    if (!knobs.skip.has('poll')) {
      const apiPort = await freePort();
      log(`starting the API under test: node dist/src/main.js api on port ${apiPort}`);
      const api = spawnTs('dist/src/main.js', ['api'], { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(apiPort) }, {
        nodeArgs: [...startNodeFlags(), ...(knobs.apiCpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(knobs.apiCpuProf)}`] : [])],
      });
      cleanup.add('API child', () => api.stop());
      const apiBase = `http://127.0.0.1:${apiPort}`;
      const readyDeadline = Date.now() + 60_000;
      for (;;) {
        if (api.proc.exitCode !== null) throw new Error(`API child exited (${api.proc.exitCode}):\n${api.tail.toString()}`);
        const r = await httpJson(apiBase, 'GET', '/readyz').catch(() => null);
        if (r?.status === 200) break;
        if (Date.now() > readyDeadline) throw new Error(`API child not ready:\n${api.tail.toString()}`);
        await sleep(200);
      }

      const tokens = seeds.filter((s) => s.token).map((s) => s.token!);
      const etags: string[] = [];
      const sizes: number[] = [];
      for (const token of tokens) {
        const r = await httpJson(apiBase, 'GET', '/api/v1/station/manifest', { token });
        const etag = r.headers.etag;
        if (r.status !== 200 || typeof etag !== 'string') throw new Error(`manifest for a poll token answered ${r.status} (etag ${String(etag)})`);
        etags.push(etag);
        sizes.push(r.bytes);
      }
      const check304 = await httpJson(apiBase, 'GET', '/api/v1/station/manifest', { token: tokens[0]!, headers: { 'if-none-match': etags[0]! } });
      if (check304.status !== 304) throw new Error(`If-None-Match of the current ETag answered ${check304.status}, not 304`);

      const baseline = spawnTs('bench/distribution-lib/baseline-server.ts', [manifestFile], { PATH: process.env.PATH, HOME: process.env.HOME });
      cleanup.add('baseline child', () => baseline.stop());
      const { port: basePort } = await waitForMessage(baseline, (m): m is { type: 'ready'; port: number } => (m as { type?: string } | null)?.type === 'ready');
      const baseCheck = await httpJson(`http://127.0.0.1:${basePort}`, 'GET', '/manifest');
      if (baseCheck.status !== 200) throw new Error(`baseline answered ${baseCheck.status}`);

      const apiHost = `127.0.0.1:${apiPort}`;
      const requests = {
        baseline: [buildGet(`127.0.0.1:${basePort}`, '/manifest', {})],
        '304': tokens.map((tok, i) => buildGet(apiHost, '/api/v1/station/manifest', { Authorization: `Bearer ${tok}`, 'If-None-Match': etags[i]! })),
        '200': tokens.map((tok) => buildGet(apiHost, '/api/v1/station/manifest', { Authorization: `Bearer ${tok}` })),
      } as const;
      const runs: PollRun[] = [];
      for (let roundNo = 1; roundNo <= knobs.pollRounds; roundNo++) {
        for (const scenario of ['baseline', '304', '200'] as const) {
          const server = scenario === 'baseline' ? baseline : api;
          log(`polls: ${scenario}, round ${roundNo}: ${knobs.connections} connections, ${knobs.pollWarmupSec} s warm-up + ${knobs.pollSec} s`);
          const meter = cpuMeter({ 'node (server)': () => server.proc.pid, 'node (load generator)': () => process.pid }, { dbName });
          const result = await closedLoop({
            port: scenario === 'baseline' ? basePort : apiPort,
            connections: knobs.connections,
            warmupMs: knobs.pollWarmupSec * 1000,
            durationMs: knobs.pollSec * 1000,
            requests: [...requests[scenario]],
          });
          const cpu = meter.stop();
          const expected = scenario === '304' ? '304' : '200';
          const wrong = result.requests - (result.statuses[expected] ?? 0);
          if (wrong > result.requests * 0.01 || result.requests === 0) {
            throw new Error(`polls ${scenario}: ${wrong} of ${result.requests} answers were not ${expected}: ${JSON.stringify(result.statuses)} ${result.firstError ?? ''}\n${server.tail.toString()}`);
          }
          log(`  ${result.rps} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, client CPU ${result.clientCpuSec} s`);
          runs.push({ scenario, round: roundNo, result, cpu });
        }
      }
      const best = (s: PollRun['scenario']) => runs.filter((r) => r.scenario === s).reduce((a, b) => (b.result.rps > a.result.rps ? b : a));
      const b = best('baseline');
      const r304 = best('304');
      const r200 = best('200');
      const ratio304 = round(r304.result.rps / b.result.rps, 3);
      const ratio200 = round(r200.result.rps / b.result.rps, 3);
      const ok = ratio304 >= TARGETS.poll304RatioMin;
      verdicts.push(`polls 304: ${verdict(ok)}`);

      out();
      out(`2. Manifest polls (GET /api/v1/station/manifest, ${tokens.length} station tokens round-robin, ${knobs.connections} keep-alive connections, ${knobs.pollSec} s after ${knobs.pollWarmupSec} s warm-up, best of ${knobs.pollRounds})`);
      out(`  body: real manifests ${Math.min(...sizes)}–${Math.max(...sizes)} bytes; baseline body ${baseCheck.bytes} bytes`);
      const line = (label: string, r: PollRun) =>
        out(
          `  ${label.padEnd(36)} ${String(r.result.rps).padStart(6)} req/s  p50 ${r.result.latencyMs.p50} ms  p99 ${r.result.latencyMs.p99} ms  ` +
            `(rounds: ${runs.filter((x) => x.scenario === r.scenario).map((x) => x.result.rps).join(', ')}; CPU s: ${Object.entries(r.cpu.groups).map(([k, v]) => `${k} ${v}`).join(', ')}; machine busy ${r.cpu.machineBusySec}/${round(r.cpu.wallSec * os.cpus().length, 1)} core-s)`,
        );
      line('baseline: bare express, constant JSON', b);
      line('304 (If-None-Match: current ETag)', r304);
      line('200 (no If-None-Match)', r200);
      out(`  ratio 304 / baseline                 ${ratio304}×  — target ≥ ${TARGETS.poll304RatioMin}×: ${verdict(ok)}`);
      out(`  ratio 200 / baseline                 ${ratio200}×`);
      summary.polls = {
        connections: knobs.connections,
        durationSec: knobs.pollSec,
        tokens: tokens.length,
        manifestBytes: { min: Math.min(...sizes), max: Math.max(...sizes) },
        baseline: { rps: b.result.rps, latencyMs: b.result.latencyMs, cpu: b.cpu.groups, clientCpuSec: b.result.clientCpuSec },
        notModified: { rps: r304.result.rps, latencyMs: r304.result.latencyMs, cpu: r304.cpu.groups, clientCpuSec: r304.result.clientCpuSec },
        ok200: { rps: r200.result.rps, latencyMs: r200.result.latencyMs, cpu: r200.cpu.groups, clientCpuSec: r200.result.clientCpuSec },
        rounds: runs.map((r) => ({ scenario: r.scenario, round: r.round, rps: r.result.rps })),
        ratio304,
        ratio200,
        targetRatio304: TARGETS.poll304RatioMin,
        met: ok,
      };
    }

    printVerdicts(out, summary, verdicts);
  } finally {
    await cleanup.run();
  }
}

runBench(main);
