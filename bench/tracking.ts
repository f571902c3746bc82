/**
 * Tracking benchmark (`npm run bench:tracking`): issue 4's "Benchmark" section, on PostgreSQL.
 *
 * 1. Play-report ingestion, events/s, through `POST /api/v1/station/plays` (station bearer tokens, batches of 500,
 *    BENCH_CLIENTS concurrent clients, unique event ids), target ≥ 2,000/s. Same rows, same concurrency, measured
 *    three ways on an emptied `plays` table each time: (a) baseline — a plain multi-row
 *    `INSERT … ON CONFLICT DO NOTHING` with pg (the database alone), (b) `trackingService.ingest()` in-process (no
 *    HTTP), (c) the HTTP API. One already-accepted batch is then re-sent and must come back all `duplicate`.
 * 2. Compliance latency: 1,000 stations and 1,000,000 stored plays over 12 months (plus 3 airings per station per
 *    month and own programmes), one whole past month for all stations via
 *    `GET /api/v1/reports/compliance?format=json` as a viewer (median and p95 after a warm-up; target < 200 ms),
 *    `trackingService.compliance()` in-process, the time of each SQL query, and `EXPLAIN (ANALYZE, BUFFERS)` of the
 *    statements in src/db/stats-repo.ts. Baseline: a bare `SELECT count(*) FROM plays` over that month.
 *
 * Human-readable figures on stdout ending with one JSON line; progress (and full query plans) on stderr.
 * Exit 0 even when a target is missed ("target missed"); non-zero only on errors.
 *
 * Knobs (environment): BENCH_DATABASE_URL (admin connection; default postgres://postgres@127.0.0.1:5432/postgres),
 * REDIS_URL, BENCH_INGEST_EVENTS (100000), BENCH_CLIENTS (4), BENCH_INGEST_STATIONS (20), BENCH_STATIONS (1000),
 * BENCH_PLAYS (1000000), BENCH_RUNS (20), BENCH_WARMUP_RUNS (3), BENCH_SKIP (comma list: ingest, compliance).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startRuntime, type Runtime } from '../src/runtime.js';
import type { Database, Queryable, QueryResult } from '../src/db/database.js';
import { statsRepo, type StatsQuery } from '../src/db/stats-repo.js';
import { createUserWithToken } from '../src/services/user-service.js';
import { trackingService } from '../src/services/tracking-service.js';
import { startEmbeddedS3 } from '../src/storage/embedded-s3.js';
import { testConfig } from '../test/helpers/env.js';
import { seedCompliance, seedIngest, type Batch, type ExpectedRow } from './tracking-lib/seed.js';
import { Cleanup, clearRedisPrefix, envNumber, httpClient, log, median, nowMs, percentile, round, runPool, summary } from './tracking-lib/util.js';

// The report as the ADMIN_TOKEN sees it: every station, no area to narrow to.
const WHOLE_INSTALLATION = { role: 'admin', areaPath: null, stationId: null } as const;
const TARGETS = { ingestEventsPerSec: 2000, complianceMs: 200 } as const;
const BATCH = 500;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));

const knobs = {
  ingestEvents: Math.round(envNumber('BENCH_INGEST_EVENTS', 100_000)),
  clients: Math.round(envNumber('BENCH_CLIENTS', 4)),
  ingestStations: Math.round(envNumber('BENCH_INGEST_STATIONS', 20)),
  stations: Math.round(envNumber('BENCH_STATIONS', 1000)),
  plays: Math.round(envNumber('BENCH_PLAYS', 1_000_000)),
  runs: Math.round(envNumber('BENCH_RUNS', 20)),
  warmupRuns: Math.round(envNumber('BENCH_WARMUP_RUNS', 3)),
};

const out = (line = '') => process.stdout.write(`${line}\n`);
const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
/** Other processes competing for the CPUs (1-minute load above the core count). */
const busy = () => os.loadavg()[0]! > os.cpus().length;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Node's own CPU time over a phase, as a share of one core. */
function cpuShare(start: NodeJS.CpuUsage, wallMs: number): number {
  const d = process.cpuUsage(start);
  return round(((d.user + d.system) / 1000 / wallMs) * 100, 0);
}

type Statuses = Record<string, number>;
const tally = (into: Statuses, results: readonly { status: string }[]) => {
  for (const r of results) into[r.status] = (into[r.status] ?? 0) + 1;
};

/** The baseline: what plays-repo's INSERT costs with nothing around it (same columns, no RETURNING, autocommit). */
async function insertRows(pool: pg.Pool, rows: readonly ExpectedRow[]): Promise<void> {
  const params: unknown[] = [];
  const values = rows.map((p) => {
    params.push(p.stationId, p.eventId, p.episodeId, p.airingId, p.startedAt, p.durationSec, p.source, p.kind);
    const n = params.length;
    return `($${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  });
  await pool.query(
    `INSERT INTO plays (station_id, event_id, episode_id, airing_id, started_at, duration_sec, source, kind)
     VALUES ${values.join(', ')} ON CONFLICT (station_id, event_id) DO NOTHING`,
    params,
  );
}

/** Wraps a database so every query's time is recorded under a short label. */
function timedDatabase(db: Database, sink: Map<string, number[]>): Database {
  const label = (sql: string) =>
    /FROM plays p/.test(sql)
      ? 'activity: plays'
      : /FROM airings a/.test(sql)
        ? 'activity: airings'
        : /FROM episodes e JOIN stations/.test(sql)
          ? 'ownProgrammes'
          : /FROM stations WHERE/.test(sql)
            ? 'stations'
            : sql.trim().slice(0, 30);
  return {
    kind: db.kind,
    async query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      const t = nowMs();
      try {
        return await db.query<R>(text, params);
      } finally {
        const k = label(text);
        const list = sink.get(k) ?? [];
        list.push(nowMs() - t);
        sink.set(k, list);
      }
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}

/** Records the statements a repository would run, without running them. */
function capturingQueryable(sink: { text: string; params: unknown[] }[]): Queryable {
  return {
    async query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      sink.push({ text, params: params ?? [] });
      return { rows: [], rowCount: 0 };
    },
    async exec() {},
  };
}

interface PlanSummary {
  name: string;
  executionMs: number | null;
  planningMs: number | null;
  jitMs: number | null;
  indexes: string[];
  seqScans: string[];
}

function summarisePlan(name: string, lines: string[]): { summary: PlanSummary; printed: string[] } {
  const num = (re: RegExp) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return Number(m[1]);
    }
    return null;
  };
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  const printed: string[] = [];
  if (lines[0]) printed.push(lines[0].trim());
  for (const l of lines) {
    const idx = /(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)/.exec(l);
    if (idx) indexes.add(idx[2]!);
    const seq = /Seq Scan on (\S+)/.exec(l);
    if (seq) seqScans.add(seq[1]!);
    if (/Scan|Sort Method|Workers Launched|Hash Join|Nested Loop|Merge Join|Aggregate|Timing:|^\s*JIT:|Planning Time|Execution Time/.test(l)) {
      if (l !== lines[0]) printed.push(l.replace(/\s+$/, ''));
    }
  }
  return {
    summary: {
      name,
      executionMs: num(/Execution Time: ([\d.]+) ms/),
      planningMs: num(/Planning Time: ([\d.]+) ms/),
      jitMs: num(/Timing:.*Total ([\d.]+) ms/),
      indexes: [...indexes],
      seqScans: [...seqScans],
    },
    printed,
  };
}

async function benchIngest(rt: Runtime, seed: pg.Client, dbUrl: string, cleanup: Cleanup) {
  const batchCount = Math.max(1, Math.ceil(knobs.ingestEvents / BATCH));
  log(`part 1: seeding ${knobs.ingestStations} stations, 3 episodes, 30 days of airings; preparing ${batchCount} batches of ${BATCH}`);
  const fx = await seedIngest(seed, { stationCount: knobs.ingestStations, batchCount, batchSize: BATCH, warmupBatches: 8 });
  const events = fx.batches.reduce((n, b) => n + b.plays.length, 0);
  const expectedOn = fx.batches.reduce((n, b) => n + b.rows.filter((r) => r.airingId !== null).length, 0);
  const expectedPartial = fx.batches.reduce((n, b) => n + b.rows.filter((r) => r.kind === 'partial').length, 0);
  const bodyKb = round(fx.batches[0]!.body.length / 1024, 0);

  const client = httpClient(rt.url!, knobs.clients);
  cleanup.add('http agent', () => client.close());
  const post = async (b: Batch) => {
    const r = await client.request('POST', '/api/v1/station/plays', fx.stations[b.stationIndex]!.token, b.body);
    if (r.status !== 200) throw new Error(`POST /station/plays answered ${r.status}: ${r.text.slice(0, 300)}`);
    return (JSON.parse(r.text) as { results: { eventId: string; status: string; reason?: string }[] }).results;
  };
  const reset = async () => {
    await seed.query('TRUNCATE plays');
    await seed.query('CHECKPOINT');
  };

  log('warm-up: 8 batches through the API');
  const warm: Statuses = {};
  await runPool(fx.warmup.length, knobs.clients, async (i) => tally(warm, await post(fx.warmup[i]!)));
  if ((warm.accepted ?? 0) !== fx.warmup.length * BATCH) throw new Error(`warm-up: expected all accepted, got ${JSON.stringify(warm)}`);
  await reset();

  // (a) Baseline: the database alone.
  log(`baseline: ${fmt(events)} rows by multi-row INSERT … ON CONFLICT DO NOTHING, ${knobs.clients} connections`);
  const pool = new pg.Pool({ connectionString: dbUrl, max: knobs.clients });
  cleanup.add('baseline pool', () => pool.end());
  await runPool(2, 2, async (i) => insertRows(pool, fx.warmup[i]!.rows)); // connect + warm
  await reset();
  let t = nowMs();
  let cpu = process.cpuUsage();
  await runPool(fx.batches.length, knobs.clients, async (i) => insertRows(pool, fx.batches[i]!.rows));
  const baseMs = nowMs() - t;
  const baseCpu = cpuShare(cpu, baseMs);
  const baseRate = events / (baseMs / 1000);
  await reset();

  // (b) In-process: the service without HTTP, JSON parsing or auth.
  log('in-process: trackingService.ingest()');
  const service = trackingService({ db: rt.db, config: rt.config });
  const parsed = fx.batches.map((b) => (JSON.parse(b.body.toString('utf8')) as { plays: unknown[] }).plays);
  const inproc: Statuses = {};
  t = nowMs();
  cpu = process.cpuUsage();
  await runPool(fx.batches.length, knobs.clients, async (i) => {
    tally(inproc, await service.ingest(fx.stations[fx.batches[i]!.stationIndex]!.id, parsed[i]!));
  });
  const inMs = nowMs() - t;
  const inCpu = cpuShare(cpu, inMs);
  const inRate = events / (inMs / 1000);
  await reset();

  // (c) The HTTP API.
  log(`HTTP: ${fmt(events)} events, ${knobs.clients} clients`);
  const http: Statuses = {};
  const latencies: number[] = [];
  t = nowMs();
  cpu = process.cpuUsage();
  await runPool(fx.batches.length, knobs.clients, async (i) => {
    const s = nowMs();
    tally(http, await post(fx.batches[i]!));
    latencies.push(nowMs() - s);
  });
  const httpMs = nowMs() - t;
  const httpCpu = cpuShare(cpu, httpMs);
  const httpRate = events / (httpMs / 1000);

  // A re-sent batch counts once.
  const resent: Statuses = {};
  tally(resent, await post(fx.batches[0]!));
  const resentOk = (resent.duplicate ?? 0) === BATCH;

  const stored = (
    await seed.query<{ n: number; on_schedule: number; partial: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE airing_id IS NOT NULL)::int AS on_schedule, count(*) FILTER (WHERE kind = 'partial')::int AS partial FROM plays`,
    )
  ).rows[0]!;
  const storedOk = stored.n === events && stored.on_schedule === expectedOn && stored.partial === expectedPartial;

  out(`== 1. Play-report ingestion (PostgreSQL) == (load average ${loadAverage()})`);
  out(`setup: ${fx.stations.length} stations, ${fx.airings} live airings, ${fmt(events)} events in ${fx.batches.length} batches of ${BATCH} (${bodyKb} KB each), ${knobs.clients} concurrent clients`);
  out(`baseline  pg multi-row INSERT … ON CONFLICT DO NOTHING : ${fmt(round(baseRate, 0))} events/s  (${round(baseMs / 1000, 2)} s, node CPU ${baseCpu}%)`);
  out(`service   trackingService.ingest() in-process          : ${fmt(round(inRate, 0))} events/s  (${round(inMs / 1000, 2)} s, node CPU ${inCpu}%)  = ${round(inRate / baseRate, 2)}× baseline  statuses ${JSON.stringify(inproc)}`);
  out(`API       POST /api/v1/station/plays                    : ${fmt(round(httpRate, 0))} events/s  (${round(httpMs / 1000, 2)} s, node CPU ${httpCpu}%)  = ${round(httpRate / baseRate, 2)}× baseline  statuses ${JSON.stringify(http)}`);
  out(`          per-batch latency: median ${round(median(latencies), 1)} ms, p95 ${round(percentile(latencies, 95), 1)} ms`);
  out(`re-sent batch: ${JSON.stringify(resent)} → ${resentOk ? 'all duplicate (ok)' : 'NOT all duplicate'}`);
  out(`stored: ${fmt(stored.n)} plays (expected ${fmt(events)}), on schedule ${fmt(stored.on_schedule)} (expected ${fmt(expectedOn)}), partial ${fmt(stored.partial)} (expected ${fmt(expectedPartial)}) → ${storedOk ? 'ok' : 'MISMATCH'}`);
  const met = httpRate >= TARGETS.ingestEventsPerSec;
  out(`target ≥ ${fmt(TARGETS.ingestEventsPerSec)} events/s: ${met ? 'met' : 'target missed'}`);
  out();

  return {
    events,
    batchSize: BATCH,
    clients: knobs.clients,
    baselineEventsPerSec: round(baseRate, 0),
    inProcessEventsPerSec: round(inRate, 0),
    apiEventsPerSec: round(httpRate, 0),
    apiToBaseline: round(httpRate / baseRate, 3),
    inProcessToBaseline: round(inRate / baseRate, 3),
    batchLatencyMedianMs: round(median(latencies), 1),
    batchLatencyP95Ms: round(percentile(latencies, 95), 1),
    allAccepted: (http.accepted ?? 0) === events,
    resentAllDuplicate: resentOk,
    storedMatches: storedOk,
    target: TARGETS.ingestEventsPerSec,
    targetMet: met,
  };
}

async function benchCompliance(rt: Runtime, seed: pg.Client) {
  log('part 2: emptying the tables of part 1');
  await seed.query('TRUNCATE stations, devices, episodes, renditions, plans, plan_stations, airings, plays, deliveries, pushes, users, api_tokens CASCADE');
  log(`seeding ${fmt(knobs.stations)} stations and ${fmt(knobs.plays)} plays over 12 months (SQL; takes a while)`);
  const fx = await seedCompliance(seed, { stationCount: knobs.stations, playCount: knobs.plays });
  log(`seeded in ${fx.seedSec} s`);
  const viewer = await createUserWithToken(rt.db, { name: 'bench viewer', role: 'viewer' });
  const period = { from: fx.month.from, to: fx.month.to };
  const monthPlays = (
    await seed.query<{ n: number; aired: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE kind = 'rebroadcast')::int AS aired FROM plays p
        WHERE started_at >= $1 AND started_at < $2`,
      [fx.month.utcFrom, fx.month.utcTo],
    )
  ).rows[0]!;

  // HTTP.
  const client = httpClient(rt.url!, 1);
  const url = `/api/v1/reports/compliance?from=${period.from}&to=${period.to}&format=json`;
  type ComplianceBody = { rows: unknown[]; totals: { aired: number; scheduled: number; missed: number; ownProgrammes: number } };
  const last: { body: ComplianceBody | null; bytes: number } = { body: null, bytes: 0 };
  const httpRun = async () => {
    const s = nowMs();
    const r = await client.request('GET', url, viewer.token);
    const ms = nowMs() - s;
    if (r.status !== 200) throw new Error(`GET compliance answered ${r.status}: ${r.text.slice(0, 300)}`);
    last.bytes = Buffer.byteLength(r.text);
    last.body = JSON.parse(r.text) as ComplianceBody;
    return ms;
  };
  const service = trackingService({ db: rt.db, config: rt.config });
  // Each query's share (the three repo calls run concurrently; activity's two queries one after the other).
  const perQuery = new Map<string, number[]>();
  const timed = trackingService({ db: timedDatabase(rt.db, perQuery), config: rt.config });
  const countSql = 'SELECT count(*) FROM plays WHERE started_at >= $1 AND started_at < $2';
  const timeIt = async (fn: () => Promise<unknown>) => {
    const s = nowMs();
    await fn();
    return nowMs() - s;
  };
  // The four measurements take turns within each round, so load from other processes hits them alike.
  const httpMs: number[] = [];
  const inMs: number[] = [];
  const timedTotals: number[] = [];
  const baseMs: number[] = [];
  log(`${knobs.warmupRuns} warm-up + ${knobs.runs} rounds of: GET ${url}, compliance() in-process, the same with each query timed, the count(*) baseline`);
  for (let i = 0; i < knobs.warmupRuns + knobs.runs; i++) {
    const warm = i < knobs.warmupRuns;
    const h = await httpRun();
    const p = await timeIt(() => service.compliance(WHOLE_INSTALLATION, period));
    if (warm) perQuery.clear();
    const t = await timeIt(() => timed.compliance(WHOLE_INSTALLATION, period));
    const b = await timeIt(() => seed.query(countSql, [fx.month.utcFrom, fx.month.utcTo]));
    if (warm) {
      perQuery.clear();
      continue;
    }
    httpMs.push(h);
    inMs.push(p);
    timedTotals.push(t);
    baseMs.push(b);
  }
  client.close();
  const got = last.body;
  const bytes = last.bytes;
  const totalsOk = got !== null && got.rows.length === knobs.stations && got.totals.aired === monthPlays.aired;
  // Per run: everything but activity's two sequential queries (stations and ownProgrammes overlap with them).
  const chain = timedTotals.map((total, i) => total - (perQuery.get('activity: plays')?.[i] ?? 0) - (perQuery.get('activity: airings')?.[i] ?? 0));
  const httpOverhead = httpMs.map((h, i) => h - inMs[i]!);

  // EXPLAIN (ANALYZE, BUFFERS) of the statements stats-repo runs for this report, captured from the repository itself.
  const captured: { text: string; params: unknown[] }[] = [];
  const q: StatsQuery = { period, series: rt.config.tracking.series, now: new Date(), missedGraceSec: rt.config.tracking.missedGraceSec };
  const repo = statsRepo(capturingQueryable(captured));
  await repo.activity({ ...q, perEpisode: false });
  await repo.ownProgrammes(q);
  const names = ['activity: plays', 'activity: airings', 'ownProgrammes'];
  const plans: PlanSummary[] = [];
  const planLines: string[][] = [];
  for (const [i, c] of captured.entries()) {
    const r = await seed.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${c.text}`, c.params);
    const lines = r.rows.map((x) => x['QUERY PLAN']);
    const name = names[i] ?? `query ${i + 1}`;
    log(`full plan of ${name}:\n${lines.join('\n')}`);
    const s = summarisePlan(name, lines);
    plans.push(s.summary);
    planLines.push(s.printed);
  }
  const baseLines = (await seed.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${countSql}`, [fx.month.utcFrom, fx.month.utcTo])).rows.map((x) => x['QUERY PLAN']);
  const basePlan = summarisePlan('baseline count(*)', baseLines);

  const http = summary(httpMs);
  const inproc = summary(inMs);
  const base = summary(baseMs);
  out(`== 2. Compliance report latency (PostgreSQL) == (load average ${loadAverage()})`);
  out(`data: ${fmt(fx.stations)} stations, ${fmt(fx.plays)} plays (${fmt(fx.onSchedulePlays)} on schedule) over 12 months, ${fmt(fx.airings)} live airings, ${fmt(fx.producerEpisodes)} producer episodes, ${fmt(fx.ownProgrammes)} own programmes; seeded + VACUUM ANALYZE in ${fx.seedSec} s`);
  out(`month: ${period.from} … ${period.to} — ${fmt(monthPlays.n)} plays in it (${fmt(monthPlays.aired)} full)`);
  out(`API       GET /api/v1/reports/compliance?format=json : median ${http.medianMs} ms, p95 ${http.p95Ms} ms (min ${http.minMs}, max ${http.maxMs}; ${http.runs} runs; ${fmt(round(bytes / 1024, 0))} KB, ${got?.rows.length ?? 0} rows)  = ${round(http.medianMs / base.medianMs, 1)}× baseline`);
  out(`service   trackingService.compliance() in-process   : median ${inproc.medianMs} ms, p95 ${inproc.p95Ms} ms  = ${round(inproc.medianMs / base.medianMs, 1)}× baseline  (HTTP + auth + JSON: median of per-round differences ${round(median(httpOverhead), 1)} ms)`);
  out(`          in-process with each query timed (${timedTotals.length} runs): total median ${round(median(timedTotals), 1)} ms, of which`);
  for (const [k, v] of perQuery) out(`          query ${k.padEnd(18)}: median ${round(median(v), 1)} ms, p95 ${round(percentile(v, 95), 1)} ms`);
  out(`          outside activity's two queries (row handling in JS, grid building): median ${round(median(chain), 1)} ms`);
  out(`baseline  SELECT count(*) FROM plays (that month)   : median ${base.medianMs} ms, p95 ${base.p95Ms} ms`);
  out(`totals check: ${got?.rows.length ?? 0} rows, totals.aired ${got?.totals.aired ?? '?'} vs SQL ${monthPlays.aired}; scheduled ${got?.totals.scheduled ?? '?'}, missed ${got?.totals.missed ?? '?'}, own programmes ${got?.totals.ownProgrammes ?? '?'} → ${totalsOk ? 'ok' : 'MISMATCH'}`);
  out('EXPLAIN (ANALYZE, BUFFERS) — summary lines (full plans on stderr):');
  for (const [i, p] of plans.entries()) {
    out(`  -- ${p.name}: execution ${p.executionMs} ms, planning ${p.planningMs} ms${p.jitMs !== null ? `, JIT ${p.jitMs} ms` : ', no JIT'}; indexes used: ${p.indexes.join(', ') || 'none'}; seq scans: ${p.seqScans.join(', ') || 'none'}`);
    for (const l of planLines[i]!) out(`     ${l}`);
  }
  out(`  -- baseline count(*): execution ${basePlan.summary.executionMs} ms; indexes used: ${basePlan.summary.indexes.join(', ') || 'none'}; seq scans: ${basePlan.summary.seqScans.join(', ') || 'none'}`);
  const met = http.medianMs < TARGETS.complianceMs;
  const p95Met = http.p95Ms < TARGETS.complianceMs;
  out(`target < ${TARGETS.complianceMs} ms (median of the API call): ${met ? 'met' : 'target missed'}${met && !p95Met ? ' (p95 above it)' : ''}`);
  out();

  return {
    stations: fx.stations,
    plays: fx.plays,
    airings: fx.airings,
    month: period,
    monthPlays: monthPlays.n,
    api: http,
    inProcess: inproc,
    perQueryMedianMs: Object.fromEntries([...perQuery].map(([k, v]) => [k, round(median(v), 1)])),
    outsideActivityQueriesMedianMs: round(median(chain), 1),
    httpOverheadMedianMs: round(median(httpOverhead), 1),
    baselineCount: base,
    apiToBaseline: round(http.medianMs / base.medianMs, 2),
    plans,
    totalsMatch: totalsOk,
    target: TARGETS.complianceMs,
    targetMet: met,
    p95TargetMet: p95Met,
  };
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const started = nowMs();
  const summaryLine: Record<string, unknown> = { bench: 'tracking', knobs };
  try {
    const dbName = `loaxa_bench_trk_${process.pid}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    let version: string;
    try {
      version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${dbName}`);
    } finally {
      await admin.end();
    }
    cleanup.add(`drop database ${dbName}`, async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      log(`dropped database ${dbName}`);
    });
    const dbUrl = withDatabase(ADMIN_URL, dbName);

    const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loaxa-bench-trk-s3-'));
    cleanup.add('s3 dir', () => fs.rmSync(s3Dir, { recursive: true, force: true }));
    const bucket = 'loaxa-bench';
    const s3 = await startEmbeddedS3({ directory: s3Dir, port: 0, bucket });
    cleanup.add('embedded s3', () => s3.close());

    const prefix = `bench_trk_${process.pid}`;
    const config = testConfig({
      s3Endpoint: s3.endpoint,
      bucket,
      databaseUrl: dbUrl,
      env: { LOG_LEVEL: 'warn', QUEUE_PREFIX: prefix, REDIS_URL, RECONCILE_CRON: '0 0 1 1 *', PUSH_CRON: '0 0 1 1 *' },
    });
    cleanup.add('data dir', () => fs.rmSync(config.dataDir, { recursive: true, force: true }));
    log(`data dir ${config.dataDir}, S3 dir ${s3Dir}, queue prefix ${prefix}`);
    cleanup.add(`redis keys ${prefix}:*`, async () => log(`removed ${await clearRedisPrefix(REDIS_URL, prefix)} redis keys of ${prefix}`));
    log(`starting the runtime (PostgreSQL ${version}, database ${dbName}, pool ${config.database.poolSize})`);
    const rt = await startRuntime(config);
    cleanup.add('runtime', () => rt.close());

    const seed = new pg.Client({ connectionString: dbUrl });
    await seed.connect();
    cleanup.add('seed client', () => seed.end());

    out(`Loa xã tracking benchmark — PostgreSQL ${version}, ${os.cpus().length} CPUs, Node ${process.version}, API in-process (startRuntime, ROLE=all, LOG_LEVEL=warn, DB pool ${config.database.poolSize})`);
    out(`load average before: ${loadAverage()}${busy() ? ' — the machine is busy with other work: figures are pessimistic and noisy' : ''}`);
    out();
    const loads: Record<string, number[]> = { start: os.loadavg().map((x) => round(x, 2)) };
    if (!skip.has('ingest')) {
      summaryLine.ingest = await benchIngest(rt, seed, dbUrl, cleanup);
      loads.afterIngest = os.loadavg().map((x) => round(x, 2));
    }
    if (!skip.has('compliance')) {
      summaryLine.compliance = await benchCompliance(rt, seed);
      loads.afterCompliance = os.loadavg().map((x) => round(x, 2));
    }
    out(`load average after: ${loadAverage()} (${os.cpus().length} CPUs)`);
    summaryLine.loadAverage = loads;
    summaryLine.totalSec = round((nowMs() - started) / 1000, 1);
    out(JSON.stringify(summaryLine));
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await cleanup.run();
  }
}

await main();
// The runtime's BullMQ workers leave their own ioredis connections open after close() (src/queue/queues.ts
// createWorker passes an instance BullMQ does not own), which would keep this process alive: exit explicitly.
process.exit(process.exitCode ?? 0);
