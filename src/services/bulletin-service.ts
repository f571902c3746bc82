import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { EpisodeRow } from '../db/episodes-repo.js';
import { canonicalText, checkBulletinText } from '../domain/bulletins/text.js';
import { DEFAULT_ABBREVIATIONS, normaliseForSpeech, speechChunks } from '../domain/speech/index.js';
import type { Logger } from '../logger.js';
import type { MediaRunner } from '../media/runner.js';
import { SpeechError, type SpeechEngine } from '../media/speech/index.js';
import { previewMp3Spec } from '../media/speech/preview.js';
import { durationSec, encodeWav, padTo, parseWav } from '../media/speech/wav.js';
import { ServiceError } from './errors.js';
import type { EpisodeService } from './episode-service.js';

/** The only voice so far; the API takes `language` so other languages can get theirs. */
const VOICE_OF_LANGUAGE = { vi: 'vi' } as const;
export type BulletinLanguage = keyof typeof VOICE_OF_LANGUAGE;

/** How much of a bulletin a preview reads: enough to judge the voice, speed and the first figures. */
export const PREVIEW_SEC = 20;
/** Above the transcoder's minimum length, so a one-word notice is never refused as too short. */
const MIN_MARGIN_SEC = 0.5;
const PREVIEW_ENCODE_TIMEOUT_SEC = 60;

export interface BulletinInput {
  title: string;
  text: string;
  language: BulletinLanguage;
  rate?: number;
  urgent?: boolean;
}

/** The engine failed: nothing was stored; worth trying again, not the text's fault. */
export class SynthesisFailed extends Error {
  override name = 'SynthesisFailed';
}

/** Extra abbreviations from TTS_ABBREVIATIONS_FILE, checked at start: a bad file stops the service, not a bulletin. */
export function loadAbbreviations(file: string | undefined): Readonly<Record<string, string>> | undefined {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`TTS_ABBREVIATIONS_FILE: cannot read ${file} as JSON (${(err as Error).message})`);
  }
  const table = z.record(z.string().trim().min(1), z.string().trim().min(1)).safeParse(parsed);
  if (!table.success) throw new Error(`TTS_ABBREVIATIONS_FILE: ${file} must be one JSON object of "ABBR": "words" (${table.error.issues[0]?.message})`);
  // The normaliser replaces its table when given one: the file extends the built-in table instead.
  return Object.freeze({ ...DEFAULT_ABBREVIATIONS, ...table.data });
}

export interface BulletinServiceDeps {
  config: Config;
  episodes: EpisodeService;
  engine: SpeechEngine;
  /** ffmpeg, for the preview's MP3. */
  runner: MediaRunner;
  logger: Logger;
}

/**
 * Text bulletins: typed Vietnamese → normalised → cut into sentences and clauses with their pauses → spoken in one
 * engine run (a few for a very long text) → one WAV, which then enters the same ingest as an upload (stored original,
 * episode row, transcode job). Synthesis happens before anything is stored,
 * so a failure leaves nothing behind.
 */
export function bulletinService(deps: BulletinServiceDeps) {
  const { config, episodes, engine } = deps;
  const abbreviations = loadAbbreviations(config.tts.abbreviationsFile);

  const refuseText = (text: string): void => {
    const r = checkBulletinText(text, config.tts.maxChars);
    if (r) throw new ServiceError('invalid', r.code, r.message, r.messageVi, [{ field: 'text', location: 'body', rule: r.code, message: r.message, messageEn: r.message, messageVi: r.messageVi }]);
  };

  const chunksOf = (text: string, log: Logger) => {
    let spoken: string;
    try {
      spoken = normaliseForSpeech(text, abbreviations ? { abbreviations } : {});
    } catch (err) {
      // In an emergency a bulletin read with its figures unexpanded beats no bulletin at all.
      log.error({ err }, 'text normalisation failed: reading the text as typed');
      spoken = text;
    }
    const chunks = speechChunks(spoken).filter((c) => /[\p{L}\p{N}]/u.test(c.text));
    if (chunks.length === 0) {
      throw new ServiceError('invalid', 'TEXT_NOT_SPEAKABLE', 'text: has no letters or digits to read aloud', '«Nội dung bản tin» không có chữ hoặc số nào để đọc.', [
        { field: 'text', rule: 'TEXT_NOT_SPEAKABLE', message: 'text: nothing left to read after normalisation' },
      ]);
    }
    return chunks;
  };

  async function speak(text: string, opts: { rate: number; language: BulletinLanguage; maxSec?: number; signal?: AbortSignal }, log: Logger): Promise<Buffer> {
    const chunks = chunksOf(text, log);
    const started = performance.now();
    let wav: Buffer;
    try {
      wav = await engine.synthesise(chunks, { rate: opts.rate, voice: VOICE_OF_LANGUAGE[opts.language], maxSec: opts.maxSec, signal: opts.signal });
    } catch (err) {
      if (err instanceof SpeechError) {
        log.error({ err, engine: engine.name, detail: err.detail }, 'speech synthesis failed');
        throw new SynthesisFailed(err.message);
      }
      throw err;
    }
    log.info(
      { engine: engine.name, chars: text.length, chunks: chunks.length, audioSec: Number(durationSec(parseWav(wav)).toFixed(2)), ms: Math.round(performance.now() - started) },
      'speech synthesised',
    );
    return wav;
  }

  return {
    /** Synthesises, stores and records the bulletin as a `tts` episode that is then transcoded like an upload. */
    async create(input: BulletinInput, who: { userId: string | null; stationId: string | null }, log: Logger, signal?: AbortSignal): Promise<EpisodeRow> {
      refuseText(input.text);
      const text = canonicalText(input.text);
      const rate = input.rate ?? config.tts.rate;
      const spoken = parseWav(await speak(text, { rate, language: input.language, signal }, log));
      const padded = padTo(spoken, config.media.minDurationSec + MIN_MARGIN_SEC);
      const wav = encodeWav(padded.format, padded.data);

      const episodeId = episodes.newEpisodeId();
      let stored;
      try {
        stored = await episodes.storeOriginal(episodeId, Readable.from([wav]), { contentType: 'audio/wav', maxBytes: config.upload.maxBytes, signal: signal ?? new AbortController().signal });
      } catch (err) {
        await episodes.discardOriginal(episodeId).catch((e: unknown) => log.error({ err: e, episodeId }, 'could not remove original'));
        throw err;
      }
      // create() removes the stored original itself if the row cannot be written.
      return episodes.create(
        episodeId,
        { title: input.title, series: null, language: input.language, description: null },
        stored,
        { filename: 'ban-tin.wav', contentType: 'audio/wav', createdBy: who.userId, stationId: who.stationId },
        log,
        { urgent: input.urgent ?? false, source: 'tts', sourceText: text, speechRate: rate },
      );
    },

    /** The first PREVIEW_SEC seconds as MP3; nothing is stored. */
    async preview(input: { text: string; rate?: number; language?: BulletinLanguage }, log: Logger, signal?: AbortSignal): Promise<{ mp3: Buffer; durationSec: number; truncated: boolean }> {
      refuseText(input.text);
      const text = canonicalText(input.text);
      const wav = parseWav(await speak(text, { rate: input.rate ?? config.tts.rate, language: input.language ?? 'vi', maxSec: PREVIEW_SEC, signal }, log));
      const seconds = durationSec(wav);
      await fs.promises.mkdir(config.tmpDir, { recursive: true });
      const dir = await fs.promises.mkdtemp(path.join(config.tmpDir, 'loaxa-preview-'));
      try {
        const wavPath = path.join(dir, 'preview.wav');
        const mp3Path = path.join(dir, 'preview.mp3');
        await fs.promises.writeFile(wavPath, encodeWav(wav.format, wav.data));
        try {
          await deps.runner.run(previewMp3Spec(wavPath, mp3Path, config.media), { timeoutSec: PREVIEW_ENCODE_TIMEOUT_SEC, signal });
        } catch (err) {
          log.error({ err }, 'preview encoding failed');
          throw new SynthesisFailed(`preview encoding failed: ${(err as Error).message}`);
        }
        // A cut at exactly PREVIEW_SEC means the text went on.
        return { mp3: await fs.promises.readFile(mp3Path), durationSec: seconds, truncated: seconds >= PREVIEW_SEC - 0.01 };
      } finally {
        await fs.promises.rm(dir, { recursive: true, force: true });
      }
    },

    close: () => engine.close(),
  };
}

export type BulletinService = ReturnType<typeof bulletinService>;
