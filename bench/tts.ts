/**
 * Text bulletin benchmark (`npm run bench:tts`): issue 12's "Benchmark" section.
 *
 * 1. POST /api/v1/bulletins of 1,000 characters → episode `ready`, on an idle service (one process, every role, as
 *    `npm start` runs it: dist/src/main.js, the engine TTS_ENGINE picks: Debian's espeak-ng here). Target < 5 s.
 *    Split into the POST's answer (normalise + synthesise + store + row) and the rest (queue + transcode).
 * 2. POST of a 300-character urgent bulletin → `ready` → POST /api/v1/play-now → the player starting on a connected
 *    real agent (own process, default poll interval, live channel open, recording player). Target < 15 s.
 * 3. Baseline, measured in the same run on the same texts: the raw `espeak-ng` CLI on the text as typed (one run, no
 *    normalisation, no pauses) plus one ffmpeg encode to the MP3 rendition's format, by hand. The ratio is printed.
 * 4. The WebAssembly engine in this process (what a machine without the Debian package runs): time for the 1,000
 *    characters, and RSS over 50 calls (one fresh WebAssembly instance per call) to show that nothing accumulates.
 *
 * Human-readable results on stdout, then one JSON line; progress on stderr. Exit 0 even when a target is missed.
 * Knobs: BENCH_ROUNDS (3: rounds of parts 1–3; the median is judged), BENCH_WASM_CALLS (50), BENCH_SKIP (comma list:
 * ready, urgent, baseline, wasm), BENCH_DATABASE_URL (a connection allowed to CREATE DATABASE; default DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL, BENCH_API_ENTRY (default dist/src/main.js when built).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { normaliseForSpeech, speechChunks } from '../src/domain/speech/index.js';
import { onPath, resolveMediaBinaries } from '../src/media/binaries.js';
import { chunkedEngine } from '../src/media/speech/engine.js';
import { espeakWasmBackend } from '../src/media/speech/espeak-wasm.js';
import { recordingPlayer } from '../test/helpers/agent-player.js';
import { bulletinOfLength } from '../test/helpers/bulletin-text.js';
import { Cleanup } from './lib/cleanup.js';
import { printVerdicts, runBench } from './lib/finish.js';
import { envNumber, freePort, log, runBinary } from './lib/proc.js';
import { benchScratch, clearRedisPrefix, serviceEnv } from './lib/scratch.js';
import { httpJson, loadAverage, ROOT, sleep, spawnTs, type Child } from './distribution-lib/util.js';
import { startNodeFlags } from './lib/start-flags.js';

const TARGETS = { readyMs: 5000, urgentPlayMs: 15_000 } as const;
const ADMIN_TOKEN = `bench-admin-${crypto.randomBytes(12).toString('hex')}`;
const POLL_MS = 25;

const knobs = {
  rounds: Math.round(envNumber('BENCH_ROUNDS', 3)),
  wasmCalls: Math.round(envNumber('BENCH_WASM_CALLS', 50)),
  skip: new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  adminDatabaseUrl: process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  apiEntry: process.env.BENCH_API_ENTRY ?? (fs.existsSync(path.join(ROOT, 'dist/src/main.js')) ? 'dist/src/main.js' : 'src/main.ts'),
};

const out = (line = '') => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'target met' : 'target missed');
const r1 = (n: number) => Math.round(n * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;
const mb = (bytes: number) => r1(bytes / 1e6);
const rss = () => process.memoryUsage().rss;

async function waitReady(base: string, id: string, timeoutMs = 120_000): Promise<{ at: number; episode: any }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpJson(base, 'GET', `/api/v1/episodes/${id}`, { token: ADMIN_TOKEN });
    if (r.body?.status === 'ready') return { at: performance.now(), episode: r.body };
    if (r.body?.status === 'failed') throw new Error(`episode ${id} failed: ${JSON.stringify(r.body.error)}`);
    if (Date.now() > deadline) throw new Error(`episode ${id} not ready after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

async function postBulletin(base: string, body: Record<string, unknown>): Promise<{ t0: number; answeredMs: number; id: string }> {
  const t0 = performance.now();
  const r = await httpJson(base, 'POST', '/api/v1/bulletins', { token: ADMIN_TOKEN, body });
  if (r.status !== 202) throw new Error(`POST /bulletins answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return { t0, answeredMs: performance.now() - t0, id: r.body.id };
}

/** The raw CLI on the text as typed, then one ffmpeg encode to the MP3 rendition's format. */
async function baseline(espeak: string, ffmpeg: string, dir: string, text: string): Promise<{ speakMs: number; encodeMs: number; totalMs: number; audioSec: number }> {
  const txt = path.join(dir, 'baseline.txt');
  const wav = path.join(dir, 'baseline.wav');
  const mp3 = path.join(dir, 'baseline.mp3');
  fs.writeFileSync(txt, text);
  const t0 = performance.now();
  await runBinary(espeak, ['-v', 'vi', '-s', '150', '-w', wav, '-f', txt]);
  const t1 = performance.now();
  await runBinary(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', wav, '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', mp3]);
  const t2 = performance.now();
  const audioSec = (fs.statSync(wav).size - 44) / 2 / 22_050;
  for (const f of [txt, wav, mp3]) fs.rmSync(f, { force: true });
  return { speakMs: t1 - t0, encodeMs: t2 - t1, totalMs: t2 - t0, audioSec };
}

async function main(): Promise<void> {
  const cleanup = new Cleanup((m) => log(m));
  cleanup.onSignals();
  const summary: Record<string, unknown> = { bench: 'tts', loadAverage: loadAverage() };
  const verdicts: string[] = [];
  const text1000 = bulletinOfLength(1000);
  const text300 = bulletinOfLength(300);
  const bins = resolveMediaBinaries({});
  const espeak = onPath('espeak-ng');
  const prefix = `bench-tts-${process.pid}`;
  try {
    const scratch = await benchScratch('tts', knobs.adminDatabaseUrl, cleanup);
    cleanup.add('redis keys', () => clearRedisPrefix(knobs.redisUrl, prefix));
    const port = await freePort();
    const env = { ...process.env, ...serviceEnv(scratch, knobs.redisUrl, prefix, ADMIN_TOKEN), PORT: String(port), ROLE: 'all' };
    log(`starting the service (${knobs.apiEntry}, every role) on port ${port}`);
    const service: Child = spawnTs(knobs.apiEntry, [], env, { nodeArgs: knobs.apiEntry.endsWith('.js') ? startNodeFlags() : [] });
    cleanup.add('service', () => service.stop());
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 90_000; ; ) {
      if (service.proc.exitCode !== null) throw new Error(`the service exited (${service.proc.exitCode}):\n${service.tail.toString()}`);
      const r = await httpJson(base, 'GET', '/readyz').catch(() => null);
      if (r?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`the service is not ready:\n${service.tail.toString()}`);
      await sleep(200);
    }
    const probe = await httpJson(base, 'POST', '/api/v1/bulletins/preview', { token: ADMIN_TOKEN, body: { text: 'Alô.' } });
    if (probe.status === 404) throw new Error('POST /api/v1/bulletins/preview answers 404: text bulletins are not in this build (npm run build)');
    out(`Text bulletins: ${knobs.rounds} rounds, service ${knobs.apiEntry}, system espeak-ng ${espeak ?? 'absent'}; load average ${loadAverage()}`);

    // Warm-up: the first synthesis and transcode pay for cold caches; "idle worker" means ready and waiting.
    log('warm-up bulletin');
    const warm = await postBulletin(base, { title: 'Khởi động', text: text300 });
    await waitReady(base, warm.id);

    // ----- 1. 1,000 characters → ready -------------------------------------------------------------------------
    if (!knobs.skip.has('ready')) {
      const rounds: { answeredMs: number; readyMs: number; audioSec: number }[] = [];
      for (let i = 0; i < knobs.rounds; i++) {
        const p = await postBulletin(base, { title: `Bản tin ${i + 1}`, text: text1000 });
        const ready = await waitReady(base, p.id);
        rounds.push({ answeredMs: p.answeredMs, readyMs: ready.at - p.t0, audioSec: ready.episode.durationSec });
        log(`  round ${i + 1}: answered in ${ms(p.answeredMs)}, ready after ${ms(ready.at - p.t0)} (${r1(ready.episode.durationSec)} s of audio)`);
      }
      const m = median(rounds.map((r) => r.readyMs));
      const ok = m < TARGETS.readyMs;
      out();
      out(`1. POST of 1,000 characters → ready (idle worker, ${r1(rounds[0]!.audioSec)} s of speech):`);
      out(`   POST answered (normalise + synthesise + store)  median ${ms(median(rounds.map((r) => r.answeredMs)))}`);
      out(`   ready                                           median ${ms(m)}  [${rounds.map((r) => ms(r.readyMs)).join(', ')}]  — target < ${TARGETS.readyMs} ms: ${verdict(ok)}`);
      verdicts.push(`1,000 characters to ready: ${verdict(ok)}`);
      summary.ready = { rounds, medianMs: Math.round(m), targetMs: TARGETS.readyMs, met: ok };
    }

    // ----- 2. 300 characters, urgent → play on a real agent ----------------------------------------------------
    if (!knobs.skip.has('urgent')) {
      const st = await httpJson(base, 'POST', '/api/v1/stations', { token: ADMIN_TOKEN, body: { code: '07001', name: 'Đài xã Nậm Cang', grid: [] } });
      if (st.status !== 201) throw new Error(`station not created: ${st.status} ${JSON.stringify(st.body)}`);
      const dir = path.join(scratch.tmp, 'agent');
      fs.mkdirSync(dir, { recursive: true });
      const player = recordingPlayer(dir, 2);
      const builtAgent = path.join(ROOT, 'dist/src/agent/main.js');
      const agentEntry = fs.existsSync(builtAgent) ? builtAgent : 'src/agent/main.ts';
      const agent = spawnTs(agentEntry, ['--server', base, '--dir', path.join(dir, 'data'), '--player', player.command], { PATH: process.env.PATH, HOME: process.env.HOME, LOAXA_TOKEN: st.body.token, LOAXA_LOG_LEVEL: 'warn' });
      cleanup.add('agent', () => agent.stop());
      for (const deadline = Date.now() + 120_000; ; ) {
        if (agent.proc.exitCode !== null) throw new Error(`the agent exited (${agent.proc.exitCode}):\n${agent.tail.toString()}`);
        try {
          const status = JSON.parse(fs.readFileSync(path.join(dir, 'data/status.json'), 'utf8')) as { link?: { online?: boolean }; channel?: { open?: boolean } | null };
          if (status.link?.online && status.channel?.open) break;
        } catch {
          // not written yet
        }
        if (Date.now() > deadline) throw new Error(`the agent did not connect:\n${agent.tail.toString()}`);
        await sleep(200);
      }
      log('agent connected (live channel open)');
      const rounds: { answeredMs: number; readyMs: number; playNowMs: number; playingMs: number }[] = [];
      for (let i = 0; i < knobs.rounds; i++) {
        const before = player.events().length;
        const p = await postBulletin(base, { title: `Khẩn ${i + 1}`, text: text300, urgent: true });
        const ready = await waitReady(base, p.id);
        const pn = await httpJson(base, 'POST', '/api/v1/play-now', { token: ADMIN_TOKEN, body: { episodeId: p.id, stationIds: [st.body.id] } });
        if (pn.status !== 201) throw new Error(`play-now answered ${pn.status}: ${JSON.stringify(pn.body).slice(0, 300)}`);
        const playNowAt = performance.now();
        let startedAt: number | null = null;
        for (const deadline = Date.now() + 60_000; startedAt === null; ) {
          const started = player.events().slice(before).find((e) => e.event === 'start');
          if (started) startedAt = performance.now() - (Date.now() - started.at);
          else if (Date.now() > deadline) throw new Error(`the agent did not start playing:\n${agent.tail.toString()}`);
          else await sleep(POLL_MS);
        }
        rounds.push({ answeredMs: p.answeredMs, readyMs: ready.at - p.t0, playNowMs: playNowAt - p.t0, playingMs: startedAt - p.t0 });
        log(`  round ${i + 1}: ready after ${ms(ready.at - p.t0)}, playing after ${ms(startedAt - p.t0)}`);
        await httpJson(base, 'POST', `/api/v1/play-now/${pn.body.id}/stop`, { token: ADMIN_TOKEN });
        // The next round starts with the agent idle again.
        for (const deadline = Date.now() + 30_000; player.events().slice(before).filter((e) => e.event !== 'start').length === 0 && Date.now() < deadline; ) await sleep(100);
      }
      const m = median(rounds.map((r) => r.playingMs));
      const ok = m < TARGETS.urgentPlayMs;
      out();
      out('2. POST of a 300-character urgent bulletin → ready → Phát ngay → player started on a connected real agent:');
      out(`   POST answered median ${ms(median(rounds.map((r) => r.answeredMs)))}; ready median ${ms(median(rounds.map((r) => r.readyMs)))}; play-now sent median ${ms(median(rounds.map((r) => r.playNowMs)))}`);
      out(`   player started      median ${ms(m)}  [${rounds.map((r) => ms(r.playingMs)).join(', ')}]  — target < ${TARGETS.urgentPlayMs} ms: ${verdict(ok)}`);
      verdicts.push(`300-character urgent bulletin to air: ${verdict(ok)}`);
      summary.urgent = { rounds, medianMs: Math.round(m), targetMs: TARGETS.urgentPlayMs, met: ok };
      await agent.stop();
    }

    // ----- 3. baseline: espeak-ng + ffmpeg by hand ----------------------------------------------------------------
    if (!knobs.skip.has('baseline')) {
      if (!espeak) {
        out();
        out('3. Baseline skipped: no espeak-ng on PATH');
      } else {
        const dir = path.join(scratch.tmp, 'baseline');
        fs.mkdirSync(dir, { recursive: true });
        const b1000: Awaited<ReturnType<typeof baseline>>[] = [];
        const b300: Awaited<ReturnType<typeof baseline>>[] = [];
        for (let i = 0; i < knobs.rounds; i++) {
          b1000.push(await baseline(espeak, bins.ffmpeg, dir, text1000));
          b300.push(await baseline(espeak, bins.ffmpeg, dir, text300));
        }
        const m1000 = median(b1000.map((b) => b.totalMs));
        const m300 = median(b300.map((b) => b.totalMs));
        out();
        out('3. Baseline by hand (raw espeak-ng on the text as typed, then one ffmpeg MP3 encode):');
        out(`   1,000 characters: espeak-ng ${ms(median(b1000.map((b) => b.speakMs)))} + ffmpeg ${ms(median(b1000.map((b) => b.encodeMs)))} = ${ms(m1000)} (${r1(b1000[0]!.audioSec)} s of audio)`);
        out(`     300 characters: espeak-ng ${ms(median(b300.map((b) => b.speakMs)))} + ffmpeg ${ms(median(b300.map((b) => b.encodeMs)))} = ${ms(m300)}`);
        const ready = summary.ready as { medianMs: number } | undefined;
        const urgent = summary.urgent as { medianMs: number; rounds: { readyMs: number }[] } | undefined;
        if (ready) out(`   ratio, service 1,000 characters → ready vs by hand: ${r1(ready.medianMs / m1000)}×`);
        if (urgent) {
          out(`   ratio, service 300 characters urgent → ready vs by hand: ${r1(median(urgent.rounds.map((r) => r.readyMs)) / m300)}×; → playing on the agent vs by hand: ${r1(urgent.medianMs / m300)}×`);
        }
        out('   (the service also normalises the text, pauses sentence by sentence, measures and normalises loudness, encodes two renditions, stores and records them)');
        summary.baseline = { chars1000: b1000, chars300: b300, median1000Ms: Math.round(m1000), median300Ms: Math.round(m300) };
      }
    }

    // ----- 4. the WebAssembly engine: time and memory --------------------------------------------------------------
    if (!knobs.skip.has('wasm')) {
      const engine = chunkedEngine(espeakWasmBackend({ timeoutMs: 60_000 }));
      const chunks = speechChunks(normaliseForSpeech(text1000));
      let t = performance.now();
      await engine.synthesise(chunks, { rate: 150, voice: 'vi' });
      const coldMs = performance.now() - t;
      t = performance.now();
      await engine.synthesise(chunks, { rate: 150, voice: 'vi' });
      const warmMs = performance.now() - t;
      const sentence = chunks.slice(0, 1);
      const start = rss();
      const samples: { call: number; rssMB: number }[] = [{ call: 0, rssMB: mb(start) }];
      const times: number[] = [];
      for (let i = 1; i <= knobs.wasmCalls; i++) {
        t = performance.now();
        await engine.synthesise(sentence, { rate: 150, voice: 'vi' });
        times.push(performance.now() - t);
        if (i % 10 === 0 || i === knobs.wasmCalls) samples.push({ call: i, rssMB: mb(rss()) });
      }
      await engine.close();
      await sleep(500);
      const afterClose = mb(rss());
      const firstTen = samples.find((s) => s.call === 10)?.rssMB ?? samples[0]!.rssMB;
      const last = samples.at(-1)!.rssMB;
      out();
      out(`4. WebAssembly eSpeak NG in this process (${chunks.length} chunks for the 1,000 characters):`);
      out(`   1,000 characters: ${ms(coldMs)} with the worker starting (module compile), ${ms(warmMs)} warm`);
      out(`   ${knobs.wasmCalls} calls of one sentence, a fresh instance each: median ${ms(median(times))} per call`);
      out(`   RSS MB by call: ${samples.map((s) => `${s.call}: ${s.rssMB}`).join(', ')}; after close ${afterClose}`);
      out(`   growth from call 10 to call ${knobs.wasmCalls}: ${r1(last - firstTen)} MB (bounded: each instance's 32 MB heap is dropped after its call)`);
      summary.wasm = { chunks: chunks.length, coldMs: Math.round(coldMs), warmMs: Math.round(warmMs), perCallMedianMs: Math.round(median(times)), rss: samples, afterCloseMB: afterClose, growthMB: r1(last - firstTen) };
    }

    // Two cores shared with whatever else runs: the figures mean little without the load they ran under.
    summary.loadAverageEnd = loadAverage();
    out();
    out(`Load average at the end: ${summary.loadAverageEnd}`);
    printVerdicts(out, summary, verdicts);
  } finally {
    await cleanup.run();
  }
}

runBench(main);
