import type { Logger } from '../../logger.js';
import { ssmlOf } from './ssml.js';
import { durationSec, joinWithPauses, parseWav, truncate, encodeWav, WavError, type Wav, type WavPart } from './wav.js';

/**
 * One small interface in front of every speech engine, so a licensed neural voice can be added beside eSpeak NG
 * without touching the bulletin service. An engine turns sentence-sized chunks, each with its pause, into one mono WAV.
 */

/** A sentence or clause to say, and the silence after it (the normaliser decides both). */
export interface SpeechChunk {
  readonly text: string;
  readonly pauseAfterMs: number;
}

export interface SpeechOptions {
  /** Words per minute. */
  readonly rate: number;
  /** The engine's voice name, e.g. `vi`. */
  readonly voice: string;
  /** Stop once this much audio exists, and cut there (a preview). */
  readonly maxSec?: number;
  readonly signal?: AbortSignal;
}

export interface SpeechEngine {
  readonly name: string;
  /** One mono WAV of every chunk in order, each followed by its pause. */
  synthesise(chunks: readonly SpeechChunk[], opts: SpeechOptions): Promise<Buffer>;
  close(): Promise<void>;
}

/** The engine could not speak (missing binary or voice, crash, timeout): never the caller's text's fault. */
export class SpeechError extends Error {
  override name = 'SpeechError';
  constructor(
    message: string,
    readonly detail: string[] = [],
  ) {
    super(message);
  }
}

/** What an adapter provides: one eSpeak run over an SSML document (see ssmlOf) in, one WAV out. */
export interface VoiceBackend {
  readonly name: string;
  /** Runs it can make at once (separate processes can; one worker thread cannot). */
  readonly parallel?: number;
  speak(ssml: string, opts: { rate: number; voice: string; signal?: AbortSignal }): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * About the most (normalised) text one run reads. Starting eSpeak costs more than reading a sentence (a process, or a
 * fresh WebAssembly instance), so a bulletin goes in as few runs as possible: the 1,000-character benchmark bulletin
 * (≈1,360 characters once normalised) is one run. The cap keeps one run's time, and so its timeout, bounded whatever
 * TTS_MAX_CHARS allows, keeps one WebAssembly instance's output small (≈3 MB of WAV per 1,000 characters), and lets
 * the binary read a 5,000-character bulletin (≈6,800 normalised) as three runs on two cores.
 */
export const BATCH_CHARS = 3000;

/**
 * Normalised text the Vietnamese voice reads per "word" of the rate, pauses included: ≈6 (the 1,000-character
 * bulletin, 1,356 characters normalised, lasts 91 s at 150). Half as much again, so that one run is almost always
 * enough for a preview and a second one rare.
 */
const PREVIEW_CHARS_PER_WORD = 9;

/** Text for `maxSec` seconds at `rate` words a minute: a preview of a long bulletin reads only its opening. */
export function previewBatchChars(maxSec: number, rate: number): number {
  return Math.max(1, Math.ceil(((maxSec * rate) / 60) * PREVIEW_CHARS_PER_WORD));
}

/**
 * Consecutive chunks grouped into runs, each ending with the chunk that brings it to `targetChars` (so a run holds at
 * least that much text unless it is the last, and at most that plus one chunk).
 */
export function batchChunks<T extends { readonly text: string }>(chunks: readonly T[], targetChars: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const c of chunks) {
    current.push(c);
    chars += c.text.length;
    if (chars >= targetChars) {
      batches.push(current);
      current = [];
      chars = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** At most `limit` callers at once; the rest wait in order. */
function semaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Chunks through a backend in as few runs as BATCH_CHARS allows, each run one SSML document whose `<break>`s are the
 * chunks' pauses; the runs are joined with the pause of each run's last chunk. Synthesis is CPU work: a few
 * bulletins at once share the machine's cores with the transcoder instead of starving it.
 */
export function chunkedEngine(backend: VoiceBackend, opts: { concurrency?: number; logger?: Logger } = {}): SpeechEngine {
  const limit = semaphore(opts.concurrency ?? 2);
  return {
    name: backend.name,
    synthesise: (chunks, so) =>
      limit(async () => {
        if (chunks.length === 0) throw new SpeechError('nothing to say');
        const speakRun = async (batch: readonly SpeechChunk[]): Promise<Wav> => {
          let wav: Wav;
          try {
            wav = parseWav(await backend.speak(ssmlOf(batch), { rate: so.rate, voice: so.voice, signal: so.signal }));
          } catch (err) {
            if (err instanceof WavError) throw new SpeechError(`${backend.name} wrote no usable WAV: ${err.message}`);
            throw err;
          }
          if (wav.format.channels !== 1) throw new SpeechError(`${backend.name} wrote ${wav.format.channels} channels, not mono`);
          return wav;
        };
        const budget = so.maxSec === undefined ? BATCH_CHARS : Math.min(BATCH_CHARS, previewBatchChars(so.maxSec, so.rate));
        const batches = batchChunks(chunks, budget);
        const parts: WavPart[] = [];
        let seconds = 0;
        // A few runs at a time, kept in order; a preview stops asking once it has enough.
        const step = Math.max(1, backend.parallel ?? 1);
        for (let i = 0; i < batches.length && !(so.maxSec !== undefined && seconds >= so.maxSec); i += step) {
          if (so.signal?.aborted) throw new SpeechError('synthesis cancelled');
          const group = batches.slice(i, i + step);
          const wavs = await Promise.all(group.map(speakRun));
          for (const [j, wav] of wavs.entries()) {
            const pauseAfterMs = group[j]!.at(-1)!.pauseAfterMs;
            parts.push({ wav, pauseAfterMs });
            seconds += durationSec(wav) + pauseAfterMs / 1000;
          }
        }
        const joined = joinWithPauses(parts);
        if (so.maxSec === undefined) return joined;
        const cut = truncate(parseWav(joined), so.maxSec);
        return encodeWav(cut.format, cut.data);
      }),
    close: () => backend.close(),
  };
}

export type EngineChoice = 'auto' | 'wasm' | 'espeak-ng';
export type EngineKind = 'wasm' | 'espeak-ng';

/**
 * `auto` takes Debian's espeak-ng when it is installed, else the WebAssembly build. Both are eSpeak NG with the same
 * Vietnamese voice, but the system binary runs as its own short process: nothing is held in the API's memory
 * between bulletins, it starts in milliseconds where the WebAssembly build compiles 18 MB once per worker and needs a
 * fresh instance per run, and its voice data gets the distribution's updates. The WebAssembly build is what makes a
 * machine without that package work.
 */
export function chooseEngine(choice: EngineChoice, systemBinary: string | undefined): EngineKind {
  if (choice === 'espeak-ng' && !systemBinary) throw new SpeechError('TTS_ENGINE=espeak-ng, but no espeak-ng binary was found (TTS_ESPEAK_PATH or PATH)');
  if (choice === 'auto') return systemBinary ? 'espeak-ng' : 'wasm';
  return choice;
}
