import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { durationSec, encodeWav, joinWithPauses, padTo, parseWav, silence, truncate, WavError, type PcmFormat } from '../../src/media/speech/wav.js';
import { batchChunks, BATCH_CHARS, chooseEngine, previewBatchChars, SpeechError } from '../../src/media/speech/engine.js';
import { escapeXml, ssmlOf } from '../../src/media/speech/ssml.js';
import { FIXTURES } from '../helpers/env.js';

const MONO_22K: PcmFormat = { sampleRate: 22_050, channels: 1, bitsPerSample: 16 };

/** A 16-bit mono WAV whose samples are all `value`, `frames` long. */
function constant(frames: number, value: number, format = MONO_22K): Buffer {
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) data.writeInt16LE(value, i * 2);
  return encodeWav(format, data);
}

const samples = (wav: Buffer): number[] => {
  const { data } = parseWav(wav);
  return Array.from({ length: data.length / 2 }, (_, i) => data.readInt16LE(i * 2));
};

describe('parseWav / encodeWav', () => {
  it('round-trips a canonical file', () => {
    const wav = constant(100, 1234);
    expect(wav.length).toBe(44 + 200);
    const parsed = parseWav(wav);
    expect(parsed.format).toEqual(MONO_22K);
    expect(parsed.data.length).toBe(200);
    expect(samples(encodeWav(parsed.format, parsed.data))).toEqual(Array(100).fill(1234));
  });

  it('reads a real recording from the fixtures (16 kHz mono)', () => {
    const w = parseWav(fs.readFileSync(path.join(FIXTURES, 'speech-quiet-16k-mono.wav')));
    expect(w.format).toEqual({ sampleRate: 16_000, channels: 1, bitsPerSample: 16 });
    expect(durationSec(w)).toBeGreaterThan(20);
  });

  it('takes a data chunk with a streaming size (espeak-ng --stdout writes 0x7ffff000) to end with the buffer', () => {
    const wav = constant(50, 7);
    wav.writeUInt32LE(0x7ffff000, 40);
    wav.writeUInt32LE(0x7ffff024, 4);
    expect(parseWav(wav).data.length).toBe(100);
  });

  it('drops a half frame at the end of a cut stream', () => {
    const wav = Buffer.concat([constant(10, 1), Buffer.from([0x01])]);
    wav.writeUInt32LE(21, 40);
    expect(parseWav(wav).data.length).toBe(20);
  });

  it('skips chunks it does not know, including odd-sized ones with their pad byte', () => {
    const canonical = constant(4, 9);
    const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]);
    const wav = Buffer.concat([canonical.subarray(0, 36), list, canonical.subarray(36)]);
    expect(samples(wav)).toEqual([9, 9, 9, 9]);
  });

  it('refuses what it cannot join: not RIFF, float PCM, no data chunk', () => {
    expect(() => parseWav(Buffer.from('ID3\u0004 not a wav at all', 'latin1'))).toThrow(WavError);
    const float = constant(4, 1);
    float.writeUInt16LE(3, 20);
    expect(() => parseWav(float)).toThrow(/not integer PCM/);
    expect(() => parseWav(constant(4, 1).subarray(0, 36))).toThrow(/no data chunk/);
  });
});

describe('joinWithPauses', () => {
  it('puts each part in order, followed by exactly its pause in silent frames', () => {
    const a = parseWav(constant(3, 100));
    const b = parseWav(constant(2, -200));
    // 22050 Hz: 1 ms ≈ 22 frames; 0.5 ms rounds to 11.
    const joined = joinWithPauses([
      { wav: a, pauseAfterMs: 1 },
      { wav: b, pauseAfterMs: 0.5 },
    ]);
    expect(samples(joined)).toEqual([100, 100, 100, ...Array(22).fill(0), -200, -200, ...Array(11).fill(0)]);
    expect(parseWav(joined).format).toEqual(MONO_22K);
  });

  it('adds the pauses to the duration: 2 × 1 s of speech and 700 + 300 ms of pauses last 3 s', () => {
    const second = parseWav(constant(22_050, 500));
    const joined = parseWav(
      joinWithPauses([
        { wav: second, pauseAfterMs: 700 },
        { wav: second, pauseAfterMs: 300 },
      ]),
    );
    expect(durationSec(joined)).toBeCloseTo(3, 6);
  });

  it('writes 8-bit silence as 128 (unsigned PCM)', () => {
    expect([...silence({ sampleRate: 8000, channels: 1, bitsPerSample: 8 }, 1)]).toEqual(Array(8).fill(0x80));
    expect(silence({ sampleRate: 8000, channels: 2, bitsPerSample: 16 }, 1).length).toBe(8 * 4);
  });

  it('refuses parts of different formats rather than play one at the wrong speed', () => {
    const a = parseWav(constant(3, 1));
    const b = parseWav(constant(3, 1, { ...MONO_22K, sampleRate: 16_000 }));
    expect(() => joinWithPauses([{ wav: a, pauseAfterMs: 0 }, { wav: b, pauseAfterMs: 0 }])).toThrow(/part 2 is 1 ch 16000 Hz/);
    expect(() => joinWithPauses([])).toThrow(WavError);
  });
});

describe('truncate / padTo', () => {
  it('keeps a shorter file whole', () => {
    const w = parseWav(constant(100, 1000));
    expect(truncate(w, 1)).toBe(w);
  });

  it('cuts at maxSec and fades the last 30 ms down to silence', () => {
    const w = parseWav(constant(22_050 * 2, 10_000));
    const cut = truncate(w, 1);
    expect(durationSec(cut)).toBe(1);
    const s = samples(encodeWav(cut.format, cut.data));
    expect(s[0]).toBe(10_000);
    expect(s[22_050 - 663]).toBe(10_000);
    expect(s[22_050 - 662]).toBeLessThan(10_000);
    expect(s.at(-1)).toBe(0);
    // Monotonic fade.
    const tail = s.slice(-662);
    expect(tail.every((v, i) => i === 0 || v <= tail[i - 1]!)).toBe(true);
    // The original is untouched.
    expect(w.data.readInt16LE(w.data.length - 2)).toBe(10_000);
  });

  it('pads with trailing silence up to a minimum length, and leaves longer audio alone', () => {
    const w = parseWav(constant(2205, 300));
    const padded = padTo(w, 1.5);
    expect(durationSec(padded)).toBeCloseTo(1.5, 3);
    expect(padded.data.readInt16LE(0)).toBe(300);
    expect(padded.data.readInt16LE(padded.data.length - 2)).toBe(0);
    expect(padTo(padded, 1)).toBe(padded);
  });
});

describe('chooseEngine', () => {
  it('auto prefers the system binary and falls back to WebAssembly', () => {
    expect(chooseEngine('auto', '/usr/bin/espeak-ng')).toBe('espeak-ng');
    expect(chooseEngine('auto', undefined)).toBe('wasm');
  });
  it('honours an explicit choice, and refuses espeak-ng where there is none', () => {
    expect(chooseEngine('wasm', '/usr/bin/espeak-ng')).toBe('wasm');
    expect(chooseEngine('espeak-ng', '/opt/espeak')).toBe('espeak-ng');
    expect(() => chooseEngine('espeak-ng', undefined)).toThrow(SpeechError);
  });
});

describe('ssmlOf: one eSpeak run for many chunks', () => {
  it('escapes the five XML specials, so typed text can never become markup', () => {
    expect(escapeXml(`<speak> & "a" 'b' &amp; </speak>`)).toBe('&lt;speak&gt; &amp; &quot;a&quot; &apos;b&apos; &amp;amp; &lt;/speak&gt;');
    expect(escapeXml('Uỷ ban nhân dân xã')).toBe('Uỷ ban nhân dân xã');
  });

  it('puts each chunk\'s pause as a break after it, none after the last, and drops the closing marks', () => {
    const ssml = ssmlOf([
      { text: 'Uỷ ban nhân dân xã thông báo.', pauseAfterMs: 600 },
      { text: 'Theo Đài Khí tượng tỉnh,', pauseAfterMs: 250 },
      { text: 'lượng mưa phổ biến một trăm mi li mét', pauseAfterMs: 120 },
      { text: 'bà con "chú ý!"', pauseAfterMs: 600 },
      { text: 'Hết.', pauseAfterMs: 900 },
    ]);
    expect(ssml).toBe(
      'Uỷ ban nhân dân xã thông báo<break time="600ms"/>Theo Đài Khí tượng tỉnh<break time="250ms"/>' +
        'lượng mưa phổ biến một trăm mi li mét<break time="120ms"/>bà con &quot;chú ý<break time="600ms"/>Hết',
    );
  });

  it('escapes markup inside a chunk and keeps it as text, even a break or a closing root', () => {
    expect(ssmlOf([{ text: 'Mưa <break time="5s"/> lớn </speak> & to', pauseAfterMs: 250 }, { text: 'a', pauseAfterMs: 0 }])).toBe(
      'Mưa &lt;break time=&quot;5s&quot;/&gt; lớn &lt;/speak&gt; &amp; to<break time="250ms"/>a',
    );
  });

  it('writes whole, non-negative milliseconds (0 ms too: the chunks then run on)', () => {
    const pauses = [0, 249.6, -5, Number.NaN].map((pauseAfterMs) => ({ text: 'a', pauseAfterMs }));
    expect(ssmlOf([...pauses, { text: 'b', pauseAfterMs: 0 }])).toBe('a<break time="0ms"/>a<break time="250ms"/>a<break time="0ms"/>a<break time="0ms"/>b');
    expect(ssmlOf([{ text: 'Alô.', pauseAfterMs: 900 }])).toBe('Alô');
  });
});

describe('batchChunks / previewBatchChars', () => {
  const chunk = (n: number, pauseAfterMs = 250) => ({ text: 'x'.repeat(n), pauseAfterMs });

  it('keeps the chunks in order, each run ending with the chunk that reaches the target', () => {
    const chunks = [chunk(100), chunk(150), chunk(50), chunk(200), chunk(10)];
    const batches = batchChunks(chunks, 300);
    expect(batches.map((b) => b.map((c) => c.text.length))).toEqual([[100, 150, 50], [200, 10]]);
    expect(batchChunks(chunks, 260).map((b) => b.map((c) => c.text.length))).toEqual([[100, 150, 50], [200, 10]]);
    expect(batches.flat()).toEqual(chunks);
    expect(batchChunks(chunks, 10_000)).toEqual([chunks]);
  });

  it('gives a chunk at or over the target a run of its own after a full one, and never an empty run', () => {
    expect(batchChunks([chunk(300), chunk(500), chunk(50)], 300).map((b) => b.map((c) => c.text.length))).toEqual([[300], [500], [50]]);
    expect(batchChunks([], 300)).toEqual([]);
  });

  it('reads a 5,000-character bulletin (≈6,800 characters once normalised) in three runs', () => {
    const chunks = Array.from({ length: 138 }, () => chunk(49));
    expect(batchChunks(chunks, BATCH_CHARS)).toHaveLength(3);
  });

  it('asks a preview for more text than its seconds take at the rate, and less for a slower rate', () => {
    // 20 s at 150 "words" a minute is ≈300 characters of normalised Vietnamese, pauses included.
    expect(previewBatchChars(20, 150)).toBe(450);
    expect(previewBatchChars(20, 80)).toBe(240);
    expect(previewBatchChars(0.001, 80)).toBe(1);
  });
});
