import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseForSpeech, speechChunks } from '../../src/domain/speech/index.js';
import { onPath, resolveMediaBinaries } from '../../src/media/binaries.js';
import { parseSilences } from '../../src/media/parse.js';
import { chunkedEngine, SpeechError, type SpeechChunk, type SpeechEngine, type VoiceBackend } from '../../src/media/speech/engine.js';
import { espeakCliBackend } from '../../src/media/speech/espeak-cli.js';
import { espeakWasmBackend } from '../../src/media/speech/espeak-wasm.js';
import { durationSec, parseWav } from '../../src/media/speech/wav.js';
import { bulletinOfLength } from '../helpers/bulletin-text.js';
import { inspectAudio } from '../helpers/media-check.js';
import { tempDir, waitFor } from '../helpers/env.js';

/**
 * Both eSpeak NG adapters for real: Debian's binary (one process per run) and the npm WebAssembly build (a worker
 * thread, one instance per run). A bulletin is one run of SSML whose `<break>`s are the chunks' pauses (a very long
 * one, a few runs joined with the pause between them). Same voice, same interface, one mono WAV with the pauses asked
 * for, measured by ffmpeg's silencedetect.
 */
const SYSTEM_ESPEAK = onPath('espeak-ng');
// The last pause is not the normaliser's 0: an engine follows every chunk with its pause, the last one too.
const CHUNKS = [
  { text: 'Uỷ ban nhân dân xã thông báo.', pauseAfterMs: 800 },
  { text: 'Từ chiều nay có mưa to,', pauseAfterMs: 250 },
  { text: 'bà con chú ý phòng tránh.', pauseAfterMs: 400 },
];
const dir = tempDir('loaxa-tts-');
const ffmpeg = resolveMediaBinaries({}).ffmpeg;
const run = promisify(execFile);

/**
 * How far a measured pause may be from the one asked for. silencedetect at −50 dB also counts the fade of the syllable
 * before and the closure before the next one's first consonant: measured +24 ms at 300 words a minute to +70 ms at 80
 * on both builds (joining chunks synthesised one by one with digital silence measured +31 to +94 ms the same way).
 * eSpeak keeps a break in 10 ms steps. So at least the pause less 15 ms, at most the pause plus 100 ms: a tenth of a
 * second, which a listener does not hear as a different pause, while a pause lost (0) or eSpeak's own punctuation
 * pause kept beside it (+200 ms and more) is far outside.
 */
const PAUSE_BELOW_MS = 15;
const PAUSE_ABOVE_MS = 100;
/** Shorter than the shortest pause the normaliser asks for (120 ms, measured ≥ 140), longer than any gap inside a word at 100 wpm and faster. */
const SILENCE_MIN_SEC = 0.1;

/** The silences in a WAV, in milliseconds, in order. */
async function silencesMs(wav: Buffer, name: string): Promise<number[]> {
  const file = path.join(dir, `${name}.wav`);
  fs.writeFileSync(file, wav);
  const { stderr } = await run(ffmpeg, ['-hide_banner', '-nostats', '-i', file, '-af', `silencedetect=n=-50dB:d=${SILENCE_MIN_SEC}`, '-f', 'null', '-'], { maxBuffer: 64 * 1024 * 1024 });
  fs.rmSync(file);
  return parseSilences(stderr.split('\n'), durationSec(parseWav(wav))).map((s) => Math.round((s.end - s.start) * 1000));
}

/** Every pause asked for shows as one silence, close to its length; where none is asked (0 ms) there is none. */
function expectPauses(measured: number[], chunks: readonly SpeechChunk[]): void {
  const asked = chunks.map((c) => c.pauseAfterMs).filter((ms) => ms > 0);
  expect(measured.length, `silences ${JSON.stringify(measured)} for pauses ${JSON.stringify(asked)}`).toBe(asked.length);
  for (const [i, ms] of measured.entries()) {
    expect(ms, `pause ${i + 1} (${asked[i]} ms asked)`).toBeGreaterThanOrEqual(asked[i]! - PAUSE_BELOW_MS);
    expect(ms, `pause ${i + 1} (${asked[i]} ms asked)`).toBeLessThanOrEqual(asked[i]! + PAUSE_ABOVE_MS);
  }
}

/** The real backend, with its runs counted. */
function counted(backend: VoiceBackend): { backend: VoiceBackend; runs: () => number } {
  let runs = 0;
  return {
    backend: { ...backend, speak: (ssml, so) => (runs++, backend.speak(ssml, so)) },
    runs: () => runs,
  };
}

const backends: [string, () => VoiceBackend][] = [
  ['WebAssembly', () => espeakWasmBackend({ timeoutMs: 60_000 })],
  ...(SYSTEM_ESPEAK ? ([['Debian espeak-ng', () => espeakCliBackend({ binary: SYSTEM_ESPEAK, timeoutMs: 30_000 })]] as [string, () => VoiceBackend][]) : []),
];

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(backends)('speech engine: %s', (name, make) => {
  const { backend, runs } = counted(make());
  const engine: SpeechEngine = chunkedEngine(backend);
  afterAll(() => engine.close());
  const say = async (chunks: readonly SpeechChunk[], rate = 150) => {
    const before = runs();
    const wav = await engine.synthesise(chunks, { rate, voice: 'vi' });
    return { wav, sec: durationSec(parseWav(wav)), runs: runs() - before };
  };

  it('says a 1,000-character bulletin in one run as one mono WAV, each chunk followed by the pause asked for', async () => {
    const chunks = speechChunks(normaliseForSpeech(bulletinOfLength(1000)));
    expect(chunks.length).toBeGreaterThan(20);
    const { wav, sec, runs: used } = await say(chunks);
    expect(used).toBe(1);
    expect(parseWav(wav).format).toEqual({ sampleRate: 22_050, channels: 1, bitsPerSample: 16 });
    expect(sec).toBeGreaterThan(60);
    expectPauses(await silencesMs(wav, `${name}-1000`), chunks);
    // ffmpeg reads it as what it is, and it is not silent.
    const file = path.join(dir, `${name}.wav`);
    fs.writeFileSync(file, wav);
    const facts = await inspectAudio(file);
    expect(facts.codec).toBe('pcm_s16le');
    expect(facts.channels).toBe(1);
    expect(facts.decodedSec).toBeCloseTo(sec, 1);
    expect(facts.integratedLufs).toBeGreaterThan(-40);
  });

  it('says a 5,000-character bulletin in three runs, joined with the same pauses as inside a run', async () => {
    const chunks = speechChunks(normaliseForSpeech(bulletinOfLength(5000)));
    const { wav, sec, runs: used } = await say(chunks);
    expect(used).toBe(3);
    expect(sec).toBeGreaterThan(5 * 60);
    expectPauses(await silencesMs(wav, `${name}-5000`), chunks);
  });

  it('keeps every pause as asked, 0 ms included, and at the shortest and longest pauses the normaliser uses', async () => {
    const chunks = [
      { text: 'Theo Đài Khí tượng Thủy văn tỉnh,', pauseAfterMs: 0 },
      { text: 'từ chiều nay có mưa to,', pauseAfterMs: 120 },
      { text: 'bà con chú ý phòng tránh!', pauseAfterMs: 900 },
      { text: 'Có cần sơ tán không?', pauseAfterMs: 250 },
      { text: 'Có.', pauseAfterMs: 0 },
    ];
    // The 0 ms boundary shows no silence: the chunks run on.
    expectPauses(await silencesMs((await say(chunks)).wav, `${name}-pauses`), chunks);
  });

  it('reads faster at a higher rate, and the pauses keep their length', async () => {
    const slow = await say(CHUNKS, 100);
    const fast = await say(CHUNKS, 250);
    expect(fast.sec).toBeLessThan(slow.sec * 0.7);
    expectPauses(await silencesMs(slow.wav, `${name}-slow`), CHUNKS);
    expectPauses(await silencesMs(fast.wav, `${name}-fast`), CHUNKS);
  });

  it('reads markup typed in the text as text: it adds no pause, ends nothing, and the run goes on', async () => {
    const plain = await say([{ text: 'Mưa lớn kéo dài.', pauseAfterMs: 400 }, { text: 'Bà con chú ý.', pauseAfterMs: 0 }]);
    const marked = await say([
      { text: 'Mưa <break time="5s"/> lớn </speak> kéo dài.', pauseAfterMs: 400 },
      { text: `Bà con <speak> &amp; "chú" 'ý'.`, pauseAfterMs: 0 },
    ]);
    // Obeyed, the break would be 5 s of silence; read, it is words.
    const silences = await silencesMs(marked.wav, `${name}-markup`);
    expect(Math.max(...silences)).toBeLessThan(1000);
    // Everything after the markup is still said: the words of the tags themselves make it longer, not shorter.
    expect(marked.sec).toBeGreaterThan(plain.sec + 1);
  });

  it('stops at maxSec for a preview, reading only the opening of a long bulletin', async () => {
    const long = Array.from({ length: 8 }, () => CHUNKS[1]!);
    const cut = parseWav(await engine.synthesise(long, { rate: 150, voice: 'vi', maxSec: 3 }));
    expect(durationSec(cut)).toBe(3);
    const before = runs();
    const preview = parseWav(await engine.synthesise(speechChunks(normaliseForSpeech(bulletinOfLength(3000))), { rate: 150, voice: 'vi', maxSec: 20 }));
    expect(durationSec(preview)).toBe(20);
    // One group of runs (one per core the backend uses) is enough for 20 s.
    expect(runs() - before).toBeLessThanOrEqual(backend.parallel ?? 1);
  });

  it('fails with a SpeechError for a voice it does not have, and leaves the process exit status alone', async () => {
    await expect(engine.synthesise(CHUNKS, { rate: 150, voice: 'xx-none' })).rejects.toThrow(SpeechError);
    await expect(engine.synthesise(CHUNKS, { rate: 150, voice: 'xx-none' })).rejects.toThrow(/voice does not exist/);
    expect(process.exitCode).toBeUndefined();
    // And it still works afterwards.
    expect((await say([CHUNKS[0]!])).sec).toBeGreaterThan(1);
  });

  it('reads text that starts with "-" as text, not as an option', async () => {
    expect((await say([{ text: '-v en hello', pauseAfterMs: 0 }])).sec).toBeGreaterThan(0.5);
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    const running = engine.synthesise(speechChunks(normaliseForSpeech(bulletinOfLength(5000))), { rate: 150, voice: 'vi', signal: ac.signal });
    ac.abort();
    await expect(running).rejects.toThrow(SpeechError);
  });
});

describe('speech engine failures (WebAssembly adapter)', () => {
  it('gives up on a synthesis that overruns its time, and the next call gets a fresh worker', async () => {
    // 1 ms: not even the module compiles in that time.
    const stuck = chunkedEngine(espeakWasmBackend({ timeoutMs: 1 }));
    await expect(stuck.synthesise(CHUNKS, { rate: 150, voice: 'vi' })).rejects.toThrow(/timed out after 1 ms/);
    await expect(stuck.synthesise(CHUNKS, { rate: 150, voice: 'vi' })).rejects.toThrow(/timed out after 1 ms/);
    await stuck.close();
  });

  it('ends its worker after a quiet spell and starts another when asked again', async () => {
    // A worker is an OS thread of this process: its end shows in the thread count.
    const threads = () => Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
    const engine = chunkedEngine(espeakWasmBackend({ timeoutMs: 60_000, idleMs: 200 }));
    try {
      const first = durationSec(parseWav(await engine.synthesise([CHUNKS[0]!], { rate: 150, voice: 'vi' })));
      const busy = threads();
      await waitFor(() => threads() < busy, { timeoutMs: 10_000, what: 'the idle worker to end' });
      expect(durationSec(parseWav(await engine.synthesise([CHUNKS[0]!], { rate: 150, voice: 'vi' })))).toBe(first);
    } finally {
      await engine.close();
    }
  });
});

describe('speech engine failures (Debian adapter)', () => {
  it('names a missing binary, a failing one and one that hangs', async () => {
    await expect(chunkedEngine(espeakCliBackend({ binary: '/nonexistent/espeak-ng', timeoutMs: 5000 })).synthesise(CHUNKS, { rate: 150, voice: 'vi' })).rejects.toThrow(/ENOENT/);
    await expect(chunkedEngine(espeakCliBackend({ binary: '/bin/false', timeoutMs: 5000 })).synthesise(CHUNKS, { rate: 150, voice: 'vi' })).rejects.toThrow(/exit 1/);
    const hang = path.join(dir, 'hang.sh');
    fs.writeFileSync(hang, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = Date.now();
    await expect(chunkedEngine(espeakCliBackend({ binary: hang, timeoutMs: 300 })).synthesise(CHUNKS, { rate: 150, voice: 'vi' })).rejects.toThrow(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
