/**
 * Ingest benchmark (`npm run bench:ingest`): issue 2's "Benchmark" section.
 *
 * 1. Upload: a ≥ 500 MB WAV streamed through the API (a separate `ROLE=api` process) into an S3-compatible server
 *    running in a process of its own (bench/lib/s3-server.ts), against a direct PutObject of the same file to the same server (and, for reference, a
 *    direct lib-storage multipart Upload, the protocol the API uses); the API process's peak RSS for that upload and
 *    for a ~100 MB one.
 * 2. Transcode: runAudioPipeline on a 30-minute speech file against the expert floor (one measuring decode + one
 *    encode pass with the same filters, by hand), wall and CPU seconds, on the system ffmpeg and on the bundled one.
 * 3. Emergencies first: a 60-s urgent bulletin from the end of its upload to ready, on an idle worker and while a
 *    2-hour programme is being transcoded (the service on its embedded defaults).
 * 4. Resumable upload: 50 MB with tus through a link cut every 1 MB, bytes on the link against the file's.
 *
 * Human-readable results on stdout, then one JSON line; progress on stderr. Exit 0 even when a target is missed
 * ("target missed"), non-zero only on errors. Sizes and rates use MB = 10^6 bytes.
 *
 * Knobs (environment): BENCH_UPLOAD_SEC (2760 s of 48 kHz stereo s16 ≈ 530 MB), BENCH_SMALL_UPLOAD_SEC (540 ≈ 104 MB),
 * BENCH_UPLOAD_ROUNDS (2; the best round of each side is compared), BENCH_TRANSCODE_SEC (1800),
 * BENCH_SKIP (comma list: upload, transcode, urgent, tus), BENCH_FFMPEG (system, bundled, both: the default), BENCH_DATABASE_URL (a connection allowed to CREATE DATABASE; default
 * DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; the bench makes and drops its own database),
 * REDIS_URL, BENCH_TMP (parent of the temp dir), BENCH_API_ENTRY (what the API process runs, default the build,
 * dist/src/main.js; src/main.ts runs it through tsx), BENCH_API_CPU_PROF (a directory: the API process writes a
 * --cpu-prof profile there, to see where its upload time goes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/index.js';
import { availableMediaBinaries, resolveMediaBinaries, type MediaBinaries } from '../src/media/binaries.js';
import { createS3Client } from '../src/storage/s3-client.js';
import { benchTranscodeWith, printTranscode, speechWav, TRANSCODE_TARGETS } from './ingest-lib/transcode.js';
import { benchUrgent, printUrgent, URGENT_TARGETS } from './ingest-lib/urgent.js';
import { startEmbeddedService } from './ingest-lib/service.js';
import { runTusCutLinkBench, TUS_RATIO_TARGET } from './ingest-lib/tus.js';
import { processCpuSeconds } from './ingest-lib/cpu.js';
import { Cleanup } from './lib/cleanup.js';
import { startNodeFlags } from './lib/start-flags.js';
import { postMultipart } from './lib/multipart.js';
import { startS3Process } from './lib/s3-server.js';
import { envNumber, fmtMB, freePort, LineTail, log, MB, procStatusBytes, runBinary, sampleRss, seconds, stopChild, type RssReport } from './lib/proc.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPEECH_FIXTURE = path.resolve(ROOT, '../shared/fixtures/audio/speech-stereo-44k.wav');

const TARGETS = { uploadRatioMin: 0.8, peakRssMaxMB: 150, transcode: TRANSCODE_TARGETS, urgent: URGENT_TARGETS } as const;

const knobs = {
  uploadSec: envNumber('BENCH_UPLOAD_SEC', 2760),
  smallUploadSec: envNumber('BENCH_SMALL_UPLOAD_SEC', 540),
  uploadRounds: Math.round(envNumber('BENCH_UPLOAD_ROUNDS', 2)),
  transcodeSec: envNumber('BENCH_TRANSCODE_SEC', 1800),
  skip: new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  adminDatabaseUrl: process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  // What the API process runs, relative to the project root: TypeScript through tsx (as `npm start` does) or a build.
  // What `npm start` runs: the compiled build (`npm run build` first). BENCH_API_ENTRY=src/main.ts measures tsx.
  apiEntry: process.env.BENCH_API_ENTRY ?? 'dist/src/main.js',
  // A directory for a CPU profile of the API process during the upload rounds (written when it stops).
  apiCpuProf: process.env.BENCH_API_CPU_PROF,
  // Which ffmpeg the transcode runs on: system, bundled, or both (the default: the issue asks for both).
  ffmpeg: (['system', 'bundled'].includes(process.env.BENCH_FFMPEG ?? '') ? process.env.BENCH_FFMPEG : 'both') as 'system' | 'bundled' | 'both',
};

const out = (line = '') => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'target met' : 'target missed');
// This process's own CPU seconds (the client).
const ownCpuSec = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
// The storage server's process, once the upload bench has started it.
let storagePid = 0;
const storageCpuSec = () => (storagePid ? processCpuSeconds(storagePid) : 0);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------------------------------
// Upload

interface UploadRun {
  side: 'api' | 'direct-put' | 'direct-multipart';
  bytes: number;
  wallSec: number;
  mbPerSec: number;
  /** CPU seconds during the run: this process (the client), the API process and the storage server's process. */
  cpu: { benchSec: number; apiSec: number; storageSec: number };
  rss?: { sampledPeakMB: number; hwmMB: number | null; peakMB: number; samples: number };
}

function rssFigures(r: RssReport): NonNullable<UploadRun['rss']> {
  const peak = Math.max(r.sampledPeakBytes, r.hwmBytes ?? 0);
  return {
    sampledPeakMB: round(r.sampledPeakBytes / MB, 1),
    hwmMB: r.hwmBytes === null ? null : round(r.hwmBytes / MB, 1),
    peakMB: round(peak / MB, 1),
    samples: r.samples,
  };
}

async function generateNoiseWav(ffmpeg: string, file: string, durationSec: number): Promise<number> {
  log(`generating ${durationSec} s of 48 kHz stereo s16 noise → ${path.basename(file)}`);
  const t0 = performance.now();
  await runBinary(ffmpeg, [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `anoisesrc=sample_rate=48000:amplitude=0.25:color=pink:seed=42`,
    '-t', String(durationSec), '-ac', '2', '-c:a', 'pcm_s16le', file,
  ]);
  const size = fs.statSync(file).size;
  log(`  ${fmtMB(size)} MB in ${seconds(performance.now() - t0).toFixed(1)} s`);
  return size;
}

async function createDatabase(cleanup: Cleanup): Promise<string> {
  const name = `loaxa_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: knobs.adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  cleanup.add(`drop database ${name}`, async () => {
    const c = new pg.Client({ connectionString: knobs.adminDatabaseUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  const url = new URL(knobs.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(knobs.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();
  let deleted = 0;
  try {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length) deleted += await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

interface ApiProcess {
  child: ChildProcess;
  url: string;
  output: LineTail;
}

async function startApi(env: NodeJS.ProcessEnv, cleanup: Cleanup): Promise<ApiProcess> {
  const port = await freePort();
  const output = new LineTail(60);
  // The real node process, not an npx/tsx wrapper: its pid is the one whose RSS we read.
  const flags = [...startNodeFlags(), ...(knobs.apiCpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(knobs.apiCpuProf)}`] : [])];
  const args = knobs.apiEntry.endsWith('.ts') ? [...flags, '--import', 'tsx', knobs.apiEntry, 'api'] : [...flags, knobs.apiEntry, 'api'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => output.push(c));
  child.stderr?.on('data', (c: Buffer) => output.push(c));
  cleanup.add('stop API process', () => stopChild(child));
  const url = `http://127.0.0.1:${port}`;

  const cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').join(' ');
  if (!cmdline.includes(knobs.apiEntry)) throw new Error(`pid ${child.pid} is not the API process: ${cmdline}`);

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`API process exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.text()}`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`API not ready after 90 s:\n${output.text()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, output };
}

async function apiUpload(api: ApiProcess, token: string, file: string, s3: S3Client, bucket: string): Promise<UploadRun> {
  const size = fs.statSync(file).size;
  const pid = api.child.pid!;
  const sampler = sampleRss(pid, 50);
  const cpu0 = { bench: ownCpuSec(), api: processCpuSeconds(pid), storage: storageCpuSec() };
  const t0 = performance.now();
  const res = await postMultipart({
    url: `${api.url}/api/v1/episodes`,
    token,
    fields: { title: `Bench ${path.basename(file)}`, language: 'vi' },
    file: { field: 'audio', path: file, filename: path.basename(file), contentType: 'audio/wav' },
  });
  const wallSec = seconds(performance.now() - t0);
  const cpu = { benchSec: ownCpuSec() - cpu0.bench, apiSec: processCpuSeconds(pid) - cpu0.api, storageSec: storageCpuSec() - cpu0.storage };
  const rss = sampler.stop();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${res.body.slice(0, 500)}\n${api.output.text()}`);
  const episode = JSON.parse(res.body) as { id: string; original?: { sizeBytes?: number } };
  if (episode.original?.sizeBytes !== size) {
    throw new Error(`API stored ${episode.original?.sizeBytes} bytes for a ${size}-byte file`);
  }
  // Keep the disk from filling up over the rounds; the temp dir goes at the end anyway.
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `originals/${episode.id}` }));
  return { side: 'api', bytes: size, wallSec, mbPerSec: size / MB / wallSec, cpu, rss: rssFigures(rss) };
}

async function directPut(s3: S3Client, bucket: string, file: string): Promise<UploadRun> {
  const size = fs.statSync(file).size;
  const key = `bench/direct-put-${crypto.randomUUID()}`;
  const cpu0 = { bench: ownCpuSec(), storage: storageCpuSec() };
  const t0 = performance.now();
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size, ContentType: 'audio/wav' }),
  );
  const wallSec = seconds(performance.now() - t0);
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return { side: 'direct-put', bytes: size, wallSec, mbPerSec: size / MB / wallSec, cpu: { benchSec: ownCpuSec() - cpu0.bench, apiSec: 0, storageSec: storageCpuSec() - cpu0.storage } };
}

/**
 * The multipart protocol the API has to use for a body of unknown length, without the API: lib-storage Upload of a
 * file stream with ObjectStore's settings (8 MiB parts, 4 in flight; keep in step with src/storage/object-store.ts).
 */
async function directMultipart(s3: S3Client, bucket: string, file: string): Promise<UploadRun> {
  const size = fs.statSync(file).size;
  const key = `bench/direct-multipart-${crypto.randomUUID()}`;
  const cpu0 = { bench: ownCpuSec(), storage: storageCpuSec() };
  const t0 = performance.now();
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentType: 'audio/wav' },
    partSize: 8 * 1024 * 1024,
    queueSize: 4,
    leavePartsOnError: false,
  }).done();
  const wallSec = seconds(performance.now() - t0);
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return { side: 'direct-multipart', bytes: size, wallSec, mbPerSec: size / MB / wallSec, cpu: { benchSec: ownCpuSec() - cpu0.bench, apiSec: 0, storageSec: storageCpuSec() - cpu0.storage } };
}

const describeRun = (r: UploadRun) =>
  `${r.wallSec.toFixed(2)} s, ${r.mbPerSec.toFixed(1)} MB/s, CPU: client ${r.cpu.benchSec.toFixed(2)} s` +
  (r.side === 'api' ? `, API process ${r.cpu.apiSec.toFixed(2)} s` : '') +
  `, storage ${r.cpu.storageSec.toFixed(2)} s` +
  (r.rss ? `, API peak RSS ${r.rss.peakMB} MB (sampled ${r.rss.sampledPeakMB} MB over ${r.rss.samples} samples, VmHWM ${r.rss.hwmMB ?? 'n/a'} MB)` : '');

async function benchUpload(tmp: string, binaries: MediaBinaries, cleanup: Cleanup) {
  const bigFile = path.join(tmp, 'upload-big.wav');
  const smallFile = path.join(tmp, 'upload-small.wav');
  const bigSize = await generateNoiseWav(binaries.ffmpeg, bigFile, knobs.uploadSec);
  const smallSize = await generateNoiseWav(binaries.ffmpeg, smallFile, knobs.smallUploadSec);

  const bucket = 'loaxa-bench';
  const s3dir = path.join(tmp, 's3');
  // Its own process, as storage is to the API and to a direct client: neither side's client shares its event loop.
  const embedded = await startS3Process({ directory: s3dir, bucket, cleanup });
  storagePid = embedded.child.pid!;
  log(`embedded S3 at ${embedded.endpoint} (its own process, pid ${storagePid})`);
  const config = loadConfig({}, { S3_BUCKET: bucket });
  const s3 = createS3Client(config.s3, embedded.endpoint);
  cleanup.add('destroy S3 client', () => s3.destroy());

  const databaseUrl = await createDatabase(cleanup);
  const prefix = `bench-${process.pid}`;
  cleanup.add(`delete Redis keys ${prefix}:*`, async () => log(`deleted ${await deleteRedisPrefix(prefix)} Redis keys under ${prefix}:*`));
  const token = crypto.randomBytes(24).toString('hex');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ROLE: 'api',
    DATABASE_URL: databaseUrl,
    REDIS_URL: knobs.redisUrl,
    QUEUE_PREFIX: prefix,
    S3_ENDPOINT: embedded.endpoint,
    // The embedded default's way of storing an original (one streamed PUT); s3rver is slow at multipart.
    S3_UPLOAD_MODE: process.env.S3_UPLOAD_MODE ?? 'stream',
    S3_BUCKET: bucket,
    S3_REGION: config.s3.region,
    S3_ACCESS_KEY_ID: config.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: config.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    ADMIN_TOKEN: token,
    UPLOAD_MAX_BYTES: String(Math.max(1024 ** 3, bigSize * 2)),
    DATA_DIR: path.join(tmp, 'api-data'),
    TMP_DIR: path.join(tmp, 'api-tmp'),
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  log('starting the API process (ROLE=api)');
  const api = await startApi(childEnv, cleanup);
  const idleRss = procStatusBytes(api.child.pid!, 'VmRSS') ?? 0;
  log(`API ready at ${api.url}, pid ${api.child.pid}, idle RSS ${fmtMB(idleRss)} MB`);

  // The small upload first: it also warms the API process up (lazy imports, JIT) before the timed big rounds.
  log(`API upload of the small file (${fmtMB(smallSize)} MB)`);
  const small = await apiUpload(api, token, smallFile, s3, bucket);
  log(`  ${describeRun(small)}`);

  const runs: UploadRun[] = [];
  for (let i = 0; i < knobs.uploadRounds; i++) {
    // Alternate the order so neither side always runs on a warmer (or busier) machine.
    const order: UploadRun['side'][] =
      i % 2 === 0 ? ['direct-put', 'api', 'direct-multipart'] : ['direct-multipart', 'api', 'direct-put'];
    for (const side of order) {
      log(`round ${i + 1}/${knobs.uploadRounds}: ${side} upload of ${fmtMB(bigSize)} MB`);
      const r =
        side === 'api'
          ? await apiUpload(api, token, bigFile, s3, bucket)
          : side === 'direct-put'
            ? await directPut(s3, bucket, bigFile)
            : await directMultipart(s3, bucket, bigFile);
      log(`  ${describeRun(r)}`);
      runs.push(r);
    }
  }
  const postRss = procStatusBytes(api.child.pid!, 'VmRSS') ?? 0;

  const best = (side: UploadRun['side']) =>
    runs.filter((r) => r.side === side).reduce((a, b) => (b.mbPerSec > a.mbPerSec ? b : a));
  const apiRuns = runs.filter((r) => r.side === 'api');
  const apiBest = best('api');
  const putBest = best('direct-put');
  const multipartBest = best('direct-multipart');
  const bigPeakMB = Math.max(...apiRuns.map((r) => r.rss?.peakMB ?? 0));
  const smallPeakMB = small.rss?.peakMB ?? 0;
  const ratio = apiBest.mbPerSec / putBest.mbPerSec;
  // "Not growing with file size": the 5× larger file may not cost more than 10 % (at least 10 MB) extra peak RSS.
  const growthMB = bigPeakMB - smallPeakMB;
  const growthAllowedMB = Math.max(10, smallPeakMB * 0.1);

  const ok = {
    ratio: ratio >= TARGETS.uploadRatioMin,
    rss: bigPeakMB < TARGETS.peakRssMaxMB && smallPeakMB < TARGETS.peakRssMaxMB,
    flat: growthMB <= growthAllowedMB,
  };

  out('== Upload ==');
  out(`file: ${fmtMB(bigSize)} MB WAV (48 kHz stereo s16, ${knobs.uploadSec} s); small file: ${fmtMB(smallSize)} MB`);
  out(`storage: s3rver (src/storage/embedded-s3.ts) in a process of its own, pid ${storagePid}; API: separate process \`node ${startNodeFlags().join(' ')} ${knobs.apiEntry.endsWith('.ts') ? '--import tsx ' : ''}${knobs.apiEntry} api\`, pid ${api.child.pid}`);
  out(`rounds: ${knobs.uploadRounds}, alternating order; the best round of each side is compared`);
  for (const r of runs) out(`  ${r.side.padEnd(12)} ${describeRun(r)}`);
  out(`API upload (multipart POST /api/v1/episodes):    ${apiBest.wallSec.toFixed(2)} s, ${apiBest.mbPerSec.toFixed(1)} MB/s (best)`);
  out(`baseline: direct PutObject (one streamed PUT, ContentLength set, client from createS3Client): ${putBest.wallSec.toFixed(2)} s, ${putBest.mbPerSec.toFixed(1)} MB/s (best)`);
  out(`second baseline: direct lib-storage Upload (multipart, 8 MiB parts × 4 in flight, as ObjectStore.putStream): ${multipartBest.wallSec.toFixed(2)} s, ${multipartBest.mbPerSec.toFixed(1)} MB/s (best)`);
  out(`throughput ratio API / direct PutObject: ${ratio.toFixed(2)} (target ≥ ${TARGETS.uploadRatioMin}) — ${verdict(ok.ratio)}`);
  out(`throughput ratio API / direct lib-storage Upload (same multipart protocol): ${(apiBest.mbPerSec / multipartBest.mbPerSec).toFixed(2)}`);
  out(`API peak RSS, ${fmtMB(bigSize)} MB upload: ${bigPeakMB.toFixed(1)} MB (target < ${TARGETS.peakRssMaxMB}) — ${verdict(bigPeakMB < TARGETS.peakRssMaxMB)}`);
  out(`API peak RSS, ${fmtMB(smallSize)} MB upload: ${smallPeakMB.toFixed(1)} MB; idle before: ${fmtMB(idleRss)} MB; after all rounds: ${fmtMB(postRss)} MB`);
  out(`RSS growth from ${fmtMB(smallSize)} MB to ${fmtMB(bigSize)} MB file: ${growthMB >= 0 ? '+' : ''}${growthMB.toFixed(1)} MB (allowed ≤ ${growthAllowedMB.toFixed(1)} MB) — ${verdict(ok.flat)}`);
  out();

  return {
    fileBytes: bigSize,
    smallFileBytes: smallSize,
    rounds: knobs.uploadRounds,
    runs: runs.map((r) => ({ ...r, wallSec: round(r.wallSec, 3), mbPerSec: round(r.mbPerSec, 1) })),
    small: { ...small, wallSec: round(small.wallSec, 3), mbPerSec: round(small.mbPerSec, 1) },
    apiMBps: round(apiBest.mbPerSec, 1),
    directPutMBps: round(putBest.mbPerSec, 1),
    directMultipartMBps: round(multipartBest.mbPerSec, 1),
    ratioToMultipart: round(apiBest.mbPerSec / multipartBest.mbPerSec, 3),
    baseline: 'PutObject, streamed fs.ReadStream body with ContentLength',
    apiEntry: knobs.apiEntry,
    ratio: round(ratio, 3),
    peakRssMB: bigPeakMB,
    smallPeakRssMB: smallPeakMB,
    idleRssMB: round(idleRss / MB, 1),
    rssGrowthMB: round(growthMB, 1),
    ok,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Transcode

// ---------------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  // Node 20 is what this project targets: the SDK's notice about its future Node 22 floor is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const tmp = fs.mkdtempSync(path.join(process.env.BENCH_TMP ?? os.tmpdir(), 'loaxa-bench-ingest-'));
  cleanup.add('remove temp dir', () => fs.promises.rm(tmp, { recursive: true, force: true }));
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  try {
    const binaries = resolveMediaBinaries({});
    const version = (await runBinary(binaries.ffmpeg, ['-version'], { stdout: 'collect' })).stdout.split('\n')[0] ?? '';
    out(`Loa xã ingest benchmark — node ${process.version}, ${os.cpus().length} CPUs, load ${loadBefore.join(' ')}`);
    out(`ffmpeg: ${binaries.ffmpeg} (${version.slice(0, 60)})`);
    out(`temp dir: ${tmp}; MB = 10^6 bytes`);
    out();

    const summary: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, loadBefore, targets: TARGETS };
    const missed: string[] = [];
    if (!knobs.skip.has('upload')) {
      const u = await benchUpload(tmp, binaries, cleanup);
      summary.upload = u;
      if (!u.ok.ratio) missed.push('upload throughput ratio');
      if (!u.ok.rss) missed.push('upload peak RSS');
      if (!u.ok.flat) missed.push('upload RSS growth');
      // The API process, storage and database are no longer needed: free the CPU for the transcode.
      await cleanup.run();
      fs.mkdirSync(tmp, { recursive: true });
      cleanup.add('remove temp dir', () => fs.promises.rm(tmp, { recursive: true, force: true }));
    }
    if (!knobs.skip.has('transcode')) {
      const input = path.join(tmp, `speech-${knobs.transcodeSec}s.wav`);
      log(`generating ${knobs.transcodeSec} s of speech (looping ${path.basename(SPEECH_FIXTURE)})`);
      const inputSize = await speechWav(binaries.ffmpeg, SPEECH_FIXTURE, input, knobs.transcodeSec);
      const all = [];
      for (const bins of availableMediaBinaries().filter((b) => knobs.ffmpeg === 'both' || b.source === knobs.ffmpeg)) {
        all.push(await benchTranscodeWith(bins, input, knobs.transcodeSec, tmp));
      }
      summary.transcode = { inputSec: knobs.transcodeSec, runs: all };
      missed.push(...printTranscode(out, knobs.transcodeSec, fmtMB(inputSize), all));
    }
    if (!knobs.skip.has('urgent')) {
      const u = await benchUrgent({
        root: ROOT,
        tmp,
        bins: availableMediaBinaries()[0]!,
        fixtures: { wav: SPEECH_FIXTURE, mp3: path.resolve(ROOT, '../shared/fixtures/audio/speech-128k.mp3') },
        redisUrl: knobs.redisUrl,
        cleanup,
      });
      summary.urgent = u;
      missed.push(...printUrgent(out, u));
    }
    if (!knobs.skip.has('tus')) {
      const dir = fs.mkdtempSync(path.join(tmp, 'tus-'));
      const service = await startEmbeddedService({ root: ROOT, dir, bins: availableMediaBinaries()[0]!, redisUrl: knobs.redisUrl, cleanup, name: 'tus' });
      log('tus: 50 MB through a link cut every 1 MB');
      const t = await runTusCutLinkBench({ baseUrl: service.base, token: service.token, tmpDir: dir });
      summary.tus = t;
      const ok = t.ratio <= TUS_RATIO_TARGET;
      out('== Resumable upload over a weak link ==');
      out(`${(t.fileBytes / MB).toFixed(1)} MB file through a proxy that cuts every connection after 1 MB: ${t.cuts} cuts, ${t.connections} connections, ${t.wallSec.toFixed(1)} s`);
      out(`bytes sent ${(t.bytesSent / MB).toFixed(2)} MB = ${t.ratio.toFixed(3)}× the file (floor: the file itself, 1×; target ≤ ${TUS_RATIO_TARGET}×) — ${verdict(ok)}`);
      out();
      if (!ok) missed.push('tus bytes sent');
    }
    summary.loadAfter = os.loadavg().map((l) => round(l, 2));
    summary.targetsMissed = missed;
    out(missed.length ? `target missed: ${missed.join(', ')}` : 'all targets met');
    out(JSON.stringify({ bench: 'ingest', ...summary }));
    return 0;
  } catch (err) {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

// Explicit exit: a lingering socket (S3 client, Redis) must not keep the bench alive.
process.exit(await main());
