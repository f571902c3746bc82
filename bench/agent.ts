/**
 * Station agent benchmark (`npm run bench:agent`): issue 5's "Benchmark" section.
 *
 * 1. Delivery: the real service (PostgreSQL, Redis, an S3-compatible server, the transcode worker) plans a week of
 *    airings for one station; the agent (a separate process, as on a station) fetches them through a TCP link that
 *    cuts every connection after 256 KB towards the station. Bytes that crossed the link vs the bytes of the files.
 *    Target: ≤ 1.05×.
 * 2. Idle: with the cache complete and nothing due, the agent's CPU (utime+stime from /proc/<pid>/stat) and memory
 *    (VmRSS / VmHWM from /proc/<pid>/status) over ~30 s, sampled once a second, at its default 60 s poll — once run
 *    through tsx (as `npm run station-agent` does) and once bundled by esbuild into bench/.out/agent.mjs on plain node.
 *
 * Human-readable results on stdout, then one JSON line; progress on stderr. Exit 0 even when a target is missed.
 * Knobs (environment): BENCH_AGENT_EPISODES (7), BENCH_AGENT_EPISODE_SEC (300 ≈ 2.4 MB of 64 kbps MP3 each),
 * BENCH_AGENT_AIRINGS (3 per episode), BENCH_AGENT_CUT_KB (256), BENCH_AGENT_IDLE_SEC (30),
 * BENCH_DATABASE_URL (admin connection; default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL.
 */
import { envNumber } from './lib/proc.js';
import { execFile, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { resolveMediaBinaries } from '../src/media/binaries.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { api, uploadFile } from '../test/helpers/api.js';
import { AgentProcess, readStatus } from '../test/helpers/agent-process.js';
import { startFlakyLink, type FlakyLink } from '../test/helpers/agent-link.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, createPgDatabase, startTestS3, testConfig, waitFor } from '../test/helpers/env.js';
import { runBench } from './lib/finish.js';

const run = promisify(execFile);
const started = Date.now();
const log = (m: string) => process.stderr.write(`[bench:agent ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const knobs = {
  episodes: Math.round(envNumber('BENCH_AGENT_EPISODES', 7)),
  episodeSec: envNumber('BENCH_AGENT_EPISODE_SEC', 300),
  airingsPerEpisode: Math.round(envNumber('BENCH_AGENT_AIRINGS', 3)),
  cutBytes: Math.round(envNumber('BENCH_AGENT_CUT_KB', 256) * 1024),
  idleSec: envNumber('BENCH_AGENT_IDLE_SEC', 30),
};
if (process.env.BENCH_DATABASE_URL) process.env.TEST_PG_URL = process.env.BENCH_DATABASE_URL;
if (process.env.REDIS_URL) process.env.TEST_REDIS_URL = process.env.REDIS_URL;

const TARGET_RATIO = 1.05;
const TZ = 'Asia/Ho_Chi_Minh';
// Three daily slots, as a commune station has (morning, noon, evening).
const GRID = [
  { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 90 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '11:00', durationMin: 60 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 90 },
];

interface ProcSample {
  cpuTicks: number;
  rssKB: number;
  hwmKB: number;
}

function procSample(pid: number): ProcSample | null {
  try {
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuTicks, rssKB: kb('VmRSS'), hwmKB: kb('VmHWM') };
  } catch {
    return null;
  }
}

const clkTck = (() => {
  try {
    return Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

async function makeEpisodeAudio(dir: string, i: number): Promise<string> {
  const { ffmpeg } = resolveMediaBinaries({});
  const file = path.join(dir, `episode-${i}.wav`);
  // Real speech looped to length; each episode a few seconds longer than the last so every file differs.
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', path.join(FIXTURES, 'speech-stereo-44k.wav'), '-t', String(knobs.episodeSec + i * 3), '-ac', '1', '-ar', '22050', file]);
  return file;
}

interface IdleFigures {
  seconds: number;
  cpuPercent: number;
  cpuSec: number;
  rssMBavg: number;
  rssMBmax: number;
  hwmMB: number;
}

const idleAgents: AgentProcess[] = [];
const mb = (kb: number) => Math.round(kb / 10.24) / 100;

/** Starts an agent on a complete cache, lets its start-up work pass (verifying every file, the first poll), then samples it. */
async function measureIdle(dir: string, token: string, link: FlakyLink, entry: string | undefined): Promise<IdleFigures> {
  const agent = new AgentProcess(['--server', link.url, '--dir', dir], { LOAXA_TOKEN: token, LOAXA_LOG_LEVEL: 'info' }, entry);
  idleAgents.push(agent);
  await waitFor(
    () => {
      const s = readStatus(dir);
      return s?.agent?.pid === agent.pid && s.link.online === true && s.cache.neededFiles > 0 && s.cache.neededReady === s.cache.neededFiles;
    },
    { timeoutMs: 120_000, intervalMs: 200, what: 'idle agent settled' },
  );
  await new Promise((r) => setTimeout(r, 3_000));
  log(`idle sampling ${entry ? 'built agent' : 'tsx agent'} for ${knobs.idleSec} s (pid ${agent.pid})`);
  const first = procSample(agent.pid)!;
  const samples: ProcSample[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < knobs.idleSec * 1000) {
    await new Promise((r) => setTimeout(r, 1_000));
    const s = procSample(agent.pid);
    if (s) samples.push(s);
  }
  const wall = (Date.now() - t0) / 1000;
  const last = samples.at(-1) ?? first;
  const cpuSec = (last.cpuTicks - first.cpuTicks) / clkTck;
  const rss = samples.map((s) => s.rssKB);
  await agent.stop();
  return {
    seconds: Math.round(wall * 10) / 10,
    cpuPercent: Math.round((10_000 * cpuSec) / wall) / 100,
    cpuSec: Math.round(cpuSec * 1000) / 1000,
    rssMBavg: mb(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)),
    rssMBmax: mb(Math.max(...rss)),
    hwmMB: mb(last.hwmKB),
  };
}

/** Bundles the agent to one ES module with esbuild (already installed with tsx); null when that is not possible. */
async function buildAgent(): Promise<string | null> {
  const outfile = path.resolve(import.meta.dirname, '.out/agent.mjs');
  try {
    const esbuild = (await import('esbuild' as string)) as { build(o: Record<string, unknown>): Promise<unknown> };
    await esbuild.build({
      entryPoints: [path.resolve(import.meta.dirname, '../src/agent/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    return outfile;
  } catch (err) {
    log(`could not build the agent to plain JavaScript (${String(err)}); measuring the tsx run only`);
    return null;
  }
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'loaxa-bench-agent-'));
  const cleanups: (() => Promise<unknown>)[] = [() => fs.promises.rm(work, { recursive: true, force: true })];
  let rt: Runtime | undefined;
  try {
    log(`starting the service (PostgreSQL, Redis, embedded S3); ${knobs.episodes} episodes of ~${knobs.episodeSec} s, ${knobs.airingsPerEpisode} airings each`);
    const s3 = await startTestS3();
    cleanups.push(() => s3.close());
    const db = await createPgDatabase();
    cleanups.push(() => db.drop());
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, databaseUrl: db.url, env: { PUSH_CRON: '0 0 1 1 *', TRANSCODE_CONCURRENCY: '2' } }));
    const runtime = rt;
    cleanups.push(async () => {
      await runtime.close();
      await clearQueuePrefix(runtime.config.redis.prefix);
    });
    const call = (method: string, url: string, body?: unknown) => api(runtime.url!, ADMIN_TOKEN, method, url, body);

    const episodeIds: string[] = [];
    for (let i = 0; i < knobs.episodes; i++) {
      const wav = await makeEpisodeAudio(work, i);
      const up = await uploadFile(runtime.url!, ADMIN_TOKEN, wav, { title: `Chuyển đổi số — số ${i + 1}` });
      if (up.status !== 202) throw new Error(`upload failed: ${up.status} ${JSON.stringify(up.body)}`);
      episodeIds.push(up.body.id);
      fs.rmSync(wav);
    }
    for (const id of episodeIds) {
      await waitFor(async () => (await call('GET', `/api/v1/episodes/${id}`)).body.status === 'ready', { timeoutMs: 20 * 60_000, intervalMs: 500, what: `episode ${id} ready` });
    }
    log('episodes ready; planning a week');
    const st = await call('POST', '/api/v1/stations', { code: '09001', name: 'Đài xã Bench', timezone: TZ, grid: GRID });
    const station = st.body as { id: string; token: string };
    const day = (n: number) => DateTime.now().setZone(TZ).plus({ days: n }).toISODate()!;
    for (const episodeId of episodeIds) {
      const plan = await call('POST', '/api/v1/plans', { episodeId, stationIds: [station.id], airingsPerStation: knobs.airingsPerEpisode, from: day(1), to: day(6), minGapHours: 24 });
      if (plan.status !== 201) throw new Error(`plan failed: ${JSON.stringify(plan.body)}`);
      await call('POST', `/api/v1/plans/${plan.body.plan.id}/approve`);
    }
    const u = new URL(runtime.url!);
    const link: FlakyLink = await startFlakyLink({ host: u.hostname, port: Number(u.port) });
    cleanups.push(() => link.close());
    // Read through the link: the service caches a station's manifest with the links built for the first reader's Host.
    const manifest = (await api(link.url, station.token, 'GET', '/api/v1/station/manifest')).body as { airings: { media: { url: string; sha256: string; sizeBytes: number } }[] };
    const files = new Map(manifest.airings.map((a) => [a.media.sha256, a.media.sizeBytes]));
    const fileBytes = [...files.values()].reduce((s, n) => s + n, 0);
    if (!manifest.airings.every((a) => a.media.url.startsWith(link.url))) throw new Error('media links do not go through the measured link');
    log(`manifest: ${manifest.airings.length} airings, ${files.size} files, ${(fileBytes / 1e6).toFixed(2)} MB`);
    link.resetStats();
    link.cutEvery(knobs.cutBytes);
    const dir = path.join(work, 'station');
    log(`agent starting; the link cuts every connection after ${knobs.cutBytes / 1024} KB towards the station`);
    const t0 = Date.now();
    const agent = new AgentProcess(['--server', link.url, '--dir', dir], { LOAXA_TOKEN: station.token, LOAXA_LOG_LEVEL: 'info' });
    cleanups.push(() => agent.kill());
    cleanups.push(async () => {
      for (const a of idleAgents) await a.kill();
    });
    await waitFor(
      () => {
        const s = readStatus(dir);
        return s?.cache?.neededFiles === files.size && s.cache.neededReady === files.size && s.cache.downloading === null;
      },
      { timeoutMs: 30 * 60_000, intervalMs: 200, what: 'every file cached' },
    );
    const deliverySec = (Date.now() - t0) / 1000;
    const delivered = { ...link.stats };
    const mediaRequests = link.requests.filter((r) => r.path.startsWith('/api/v1/station/media/')).length;
    const ratio = delivered.bytesDown / fileBytes;
    const ratioBoth = (delivered.bytesDown + delivered.bytesUp) / fileBytes;
    log(`delivered in ${deliverySec.toFixed(1)} s; ${delivered.cuts} cuts, ${mediaRequests} media requests`);

    await agent.stop();

    // Idle: a fresh agent on the complete cache, once as `npm run station-agent` runs it (through tsx) and once
    // built to plain JavaScript, as a small station PC would better run it.
    const idle: Record<string, IdleFigures> = {};
    idle.tsx = await measureIdle(dir, station.token, link, undefined);
    const built = await buildAgent();
    if (built) idle.node = await measureIdle(dir, station.token, link, built);
    out('Loa xã station agent benchmark');
    out(`  schedule: ${manifest.airings.length} airings over a week, ${files.size} files, ${(fileBytes / 1e6).toFixed(2)} MB of media`);
    out(`  link: cut after every ${knobs.cutBytes / 1024} KB towards the station (${delivered.cuts} cuts, ${delivered.connections} connections, ${mediaRequests} media requests)`);
    out(`  bytes towards the station: ${delivered.bytesDown} (${(delivered.bytesDown / 1e6).toFixed(2)} MB) = ${ratio.toFixed(4)}× the files — target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'target met' : 'target missed'}`);
    out(`  bytes both ways: ${delivered.bytesDown + delivered.bytesUp} = ${ratioBoth.toFixed(4)}× the files (requests up: ${delivered.bytesUp} bytes)`);
    out(`  delivery time on localhost: ${deliverySec.toFixed(1)} s`);
    for (const [how, f] of Object.entries(idle)) {
      out(
        `  idle agent (${how === 'tsx' ? 'through tsx, as npm run station-agent' : 'built JS on plain node'}) over ${f.seconds} s, default 60 s poll, nothing due: ` +
          `CPU ${f.cpuPercent}% (${f.cpuSec} s), RSS avg ${f.rssMBavg} MB, max ${f.rssMBmax} MB, VmHWM ${f.hwmMB} MB`,
      );
    }
    out(
      JSON.stringify({
        bench: 'agent',
        episodes: files.size,
        airings: manifest.airings.length,
        fileBytes,
        cutBytes: knobs.cutBytes,
        bytesDown: delivered.bytesDown,
        bytesUp: delivered.bytesUp,
        ratio: Math.round(ratio * 10_000) / 10_000,
        targetRatio: TARGET_RATIO,
        cuts: delivered.cuts,
        mediaRequests,
        deliverySec: Math.round(deliverySec * 10) / 10,
        idle,
      }),
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

runBench(main);
