import busboy from 'busboy';
import type { Request } from 'express';
import type { StoredObject } from '../../storage/object-store.js';
import { SizeLimitExceeded } from '../../storage/meter.js';
import { sniffContainer, SNIFF_BYTES } from '../../domain/audio/sniff.js';
import { REJECTION_RULES } from '../../domain/audio/rejection.js';
import { HttpError } from '../errors.js';
import { peek } from './peek.js';
import { pipeReleasingReadBuffers } from './read-buffer-release.js';
import { fieldName, hasNul } from '../../domain/input/nul-text.js';
import { nulRefused } from '../nul-guard.js';
import type { Readable } from 'node:stream';
import { viNumber } from '../../domain/text/bilingual.js';

export interface ParsedUpload {
  fields: Record<string, string>;
  stored: StoredObject;
  filename: string | null;
  contentType: string | null;
}

export interface UploadSink {
  store(body: Readable, opts: { contentType?: string; maxBytes: number; signal: AbortSignal }): Promise<StoredObject>;
  discard(): Promise<void>;
}

// Room for the multipart boundaries and text fields around the file.
const ENVELOPE_BYTES = 1024 * 1024;

// One socket read (Node reads 64 KiB at a time): the parser takes a whole read before it asks the request to wait,
// where the 16 KiB default paused and resumed the request for every read. No more than that: what is in flight when
// V8 collects young objects tends to be promoted, and freed only much later.
const PARSER_BUFFER_BYTES = 64 * 1024;

const noBoundary = (detail: string) =>
  new HttpError(
    400,
    'BAD_MULTIPART',
    `Content-Type multipart/form-data needs its boundary parameter (${detail}); let the HTTP client build the form`,
    'Tiêu đề Content-Type multipart/form-data thiếu tham số boundary: hãy để trình duyệt hoặc thư viện gửi biểu mẫu tự tạo tiêu đề này',
    [{ field: 'Content-Type', in: 'header', rule: 'boundary', message: 'multipart/form-data; boundary=… is required' }],
  );

export const tooLarge = (maxBytes: number) =>
  new HttpError(413, 'TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`, `Tệp vượt quá giới hạn ${viNumber(maxBytes)} byte`);

// Reading (and discarding) what a refused client is still sending lets it receive the answer: closing on it mid-send
// makes many clients report a broken connection instead of the 413/415. Past this much, close after all.
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

export function drainRequest(req: Request): void {
  let drained = 0;
  req.unpipe();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) req.destroy();
  });
  req.resume();
}

/** The client went away (or went silent and was cut) before the whole upload arrived: its doing, not a failure here. */
export class ClientGone extends Error {
  override name = 'ClientGone';
}

/**
 * Streams the `audio` part of a multipart form into storage, refusing early what can be refused early
 * (declared size over the limit, first bytes not a media container, empty file) and never buffering the file.
 * Whatever fails, no object is left behind.
 */
export function receiveUpload(req: Request, sink: UploadSink, maxBytes: number): Promise<ParsedUpload> {
  return new Promise<ParsedUpload>((resolve, reject) => {
    const refuse = (err: HttpError) => {
      if (!req.complete) drainRequest(req);
      reject(err);
    };
    const type = req.headers['content-type'] ?? '';
    if (!type.toLowerCase().startsWith('multipart/form-data')) {
      return refuse(new HttpError(415, 'MULTIPART_REQUIRED', 'Send the episode as multipart/form-data with the file in the field "audio"', 'Cần gửi dạng multipart/form-data, tệp trong trường "audio"'));
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) return refuse(tooLarge(maxBytes));

    const abort = new AbortController();
    const fields: Record<string, string> = {};
    let stored: Promise<StoredObject> | null = null;
    let fileInfo: { filename: string | null; contentType: string | null } = { filename: null, contentType: null };
    let settled = false;

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      abort.abort(err instanceof Error ? err : new Error(String(err)));
      req.unpipe(bb);
      // The original may already be (partly) stored: remove it before answering.
      if (!req.complete) drainRequest(req);
      void (stored ? stored.then(() => sink.discard(), () => sink.discard()) : Promise.resolve())
        .catch(() => undefined)
        .finally(() => reject(err));
    };

    req.on('close', () => {
      if (!req.complete) fail(new ClientGone('client disconnected before the upload completed'));
    });

    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 20, fieldSize: 20_000, parts: 30 },
        highWaterMark: PARSER_BUFFER_BYTES,
        fileHwm: PARSER_BUFFER_BYTES,
        // Browsers send a file's name as raw UTF-8 ("Chương trình.wav"); busboy would read it as Latin-1.
        defParamCharset: 'utf8',
      });
    } catch (err) {
      // busboy refuses a Content-Type it cannot split into parts (no boundary) before reading anything.
      settled = true;
      return refuse(noBoundary((err as Error).message));
    }
    bb.on('field', (name, value) => {
      // The database cannot store U+0000: refused as soon as the field arrives, before the file is stored.
      if (hasNul(name) || hasNul(value)) return fail(nulRefused(fieldName([name], '(form)'), 'form'));
      fields[name] = value;
    });
    bb.on('file', (name, file, info) => {
      if (name !== 'audio' || stored) {
        file.resume();
        return;
      }
      if (hasNul(info.filename ?? '') || hasNul(info.mimeType ?? '')) {
        file.resume();
        return fail(nulRefused(hasNul(info.filename ?? '') ? 'audio.filename' : 'audio.contentType', 'form'));
      }
      fileInfo = { filename: info.filename || null, contentType: info.mimeType || null };
      stored = (async () => {
        const { head, replay } = await peek(file, SNIFF_BYTES);
        if (head.length === 0) {
          throw new HttpError(422, 'EMPTY', REJECTION_RULES.EMPTY.en, REJECTION_RULES.EMPTY.vi);
        }
        if (!sniffContainer(head)) {
          throw new HttpError(415, 'NOT_AUDIO', REJECTION_RULES.NOT_AUDIO.en, REJECTION_RULES.NOT_AUDIO.vi);
        }
        return sink.store(replay, { contentType: fileInfo.contentType ?? undefined, maxBytes, signal: abort.signal });
      })();
      stored.catch((err: unknown) => fail(err instanceof SizeLimitExceeded ? tooLarge(maxBytes) : err));
    });
    bb.on('error', (err) => fail(new HttpError(400, 'BAD_MULTIPART', `Malformed multipart body: ${(err as Error).message}`, 'Dữ liệu tải lên không hợp lệ')));
    bb.on('close', () => {
      if (settled) return;
      if (!stored) {
        settled = true;
        return reject(new HttpError(422, 'FILE_REQUIRED', 'The form has no file in the field "audio"', 'Chưa có tệp âm thanh (trường "audio")'));
      }
      stored.then(
        (s) => {
          if (settled) return;
          settled = true;
          resolve({ fields, stored: s, ...fileInfo });
        },
        () => undefined, // already handled by fail()
      );
    });
    pipeReleasingReadBuffers(req, bb);
  });
}
