import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { Server, TUS_RESUMABLE } from '@tus/server';
import type { Config } from '../../../config/index.js';
import { REJECTION_RULES } from '../../domain/audio/rejection.js';
import { sniffContainer, SNIFF_BYTES } from '../../domain/audio/sniff.js';
import type { Logger } from '../../logger.js';
import type { ResumableUploadService } from '../../services/resumable-upload-service.js';
import { episodeIdOfTus, tusIdOf, type TusOriginalStore } from '../../storage/tus-store.js';
import { principalOf, type Principal } from '../auth.js';
import { permit } from '../permit.js';
import { decide } from '../../domain/access/policy.js';
import { refusal } from '../../services/access.js';
import { HttpError } from '../errors.js';
import { recordChange } from '../audit-context.js';
import { followBody, type FollowedBody } from '../upload/followed-body.js';
import { drainRequest } from '../upload/multipart-upload.js';
import { tusErrorToHttp, tusTextToHttp, uploadNotFound } from '../upload/tus-errors.js';
import { creationMetadata, finishedUpload, mayContinue } from '../upload/tus-metadata.js';

/** Where the router is mounted: upload URLs are `${TUS_BASE}/<episode id>`. */
export const TUS_BASE = '/api/v1/uploads/tus';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OCTET_STREAM = 'application/offset+octet-stream';
// tus 1.0's methods; GET would stream an upload back through this process, which nothing needs.
const METHODS = new Set(['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS']);

const notAudio = () => new HttpError(415, 'NOT_AUDIO', REJECTION_RULES.NOT_AUDIO.en, REJECTION_RULES.NOT_AUDIO.vi);

export interface TusUploadsDeps {
  config: Config;
  tus: TusOriginalStore;
  uploads: ResumableUploadService;
  /** Where a station sits (null: no such station): an upload for it must be within the caller's area. */
  stationPlace(id: string): Promise<{ areaPath: string } | null>;
}

/**
 * Resumable uploads (tus 1.0) of episodes, for commune operators on 3G: @tus/server speaks the protocol over the
 * S3 store; this router puts the API's rules around it. Every request passes the role check and, for an existing
 * upload, the creator check; the first bytes are judged as they arrive (415, and the upload is removed); creation
 * validates the form fields and the size limit; a finished upload becomes an episode like a multipart one.
 * The upload id is the episode id (a UUID), so a client knows its episode even if the last answer was lost.
 */
export function tusUploadsRouter(deps: TusUploadsDeps): Router {
  const maxBytes = deps.config.upload.maxBytes;
  // The hooks receive the web Request built below; this is how they learn who is calling.
  const callers = new WeakMap<globalThis.Request, { principal: Principal; log: Logger; req: Request }>();
  const callerOf = (req: globalThis.Request) => {
    const c = callers.get(req);
    if (!c) throw new Error('tus request without a caller');
    return c;
  };

  const server = new Server({
    path: TUS_BASE,
    datastore: deps.tus,
    maxSize: maxBytes,
    // Same origin only, like the rest of the API.
    allowedOrigins: [],
    namingFunction: () => tusIdOf(crypto.randomUUID()),
    generateUrl: (_req, { id }) => `${TUS_BASE}/${episodeIdOfTus(id)}`,
    getFileIdFromRequest: (_req, last) => (last && UUID.test(last) ? tusIdOf(last) : undefined),
    // A finished upload is an episode: it is removed as one, not through tus.
    disableTerminationForFinishedUploads: true,
    async onUploadCreate(req, upload) {
      const { principal, log } = callerOf(req);
      const { stored, stationToCheck } = creationMetadata(upload.size, upload.metadata, principal);
      if (stationToCheck) {
        const place = await deps.stationPlace(stationToCheck);
        if (!place) throw new HttpError(422, 'VALIDATION_FAILED', 'stationId: no such station', 'Không có đài này', [{ field: 'stationId', rule: 'exists', message: 'no such station' }]);
        const d = decide(principal, 'episode.upload', { areaPath: place.areaPath, stationId: stationToCheck });
        if (!d.allowed) {
          const r = refusal(d.reason, 'episode.upload');
          throw new HttpError(403, r.code, r.message, r.messageVi, [{ field: 'stationId' }]);
        }
      }
      log.info({ episodeId: episodeIdOfTus(upload.id), sizeBytes: upload.size, stationId: stored.stationId ?? null }, 'resumable upload created');
      return { metadata: stored };
    },
    async onUploadFinish(req, upload) {
      const { log, req: from } = callerOf(req);
      const episodeId = episodeIdOfTus(upload.id)!;
      const result = await deps.uploads.complete(episodeId, finishedUpload(upload.metadata), log);
      if (result.kind === 'refused') {
        const rule = REJECTION_RULES[result.code];
        throw new HttpError(result.code === 'EMPTY' ? 422 : 415, result.code, rule.en, rule.vi);
      }
      const row = result.row;
      await recordChange(from, { action: 'episode.create', targetType: 'episode', targetId: row.id, stationId: row.stationId, after: { title: row.title, series: row.series, language: row.language, urgent: row.urgent, stationId: row.stationId, filename: row.originalFilename ?? null, via: 'tus' } });
      return { headers: { 'Episode-Location': `/api/v1/episodes/${episodeId}` } };
    },
    onResponseError(req, err) {
      const http = tusErrorToHttp(err, maxBytes);
      const caller = callers.get(req);
      if (!http) {
        caller?.log.error({ err }, 'resumable upload failed');
        return { status_code: 500, body: errorBody(new HttpError(500, 'INTERNAL', 'Internal error', 'Lỗi hệ thống, vui lòng thử lại sau')) };
      }
      caller?.log.info({ code: http.code, status: http.status }, http.message);
      return { status_code: http.status, body: errorBody(http) };
    },
  });

  /** A finished upload's bookkeeping is gone once it is an episode; its creator asking again learns it is complete. */
  async function headOfIngested(res: Response, episodeId: string, principal: Principal): Promise<boolean> {
    const row = await deps.uploads.ingested(episodeId);
    if (!row || row.createdBy !== principal.userId) return false;
    if (principal.role === 'operator' && row.stationId !== principal.stationId) return false;
    res.status(200).set({ 'Upload-Offset': String(row.originalSizeBytes), 'Upload-Length': String(row.originalSizeBytes), 'Cache-Control': 'no-store' }).end();
    return true;
  }

  /** Judges the first bytes of the file: those stored before (a piece cut short) and those arriving now. */
  async function firstBytesAreAudio(tusId: string | null, offset: number, body: FollowedBody, size: number | undefined): Promise<boolean | 'undecided'> {
    const before = offset > 0 && tusId ? await deps.tus.storedHead(tusId, offset) : Buffer.alloc(0);
    // What came before is not all stored yet (another request is still writing it): decide on a later piece.
    if (before.length < offset) return 'undecided';
    const head = Buffer.concat([before, body.head]);
    const whole = body.state === 'ended' && size !== undefined && head.length >= size;
    if (head.length < SNIFF_BYTES && !whole) return 'undecided';
    return sniffContainer(head) !== null;
  }

  const handle = async (req: Request, res: Response) => {
    const principal = principalOf(req);
    if (!METHODS.has(req.method)) {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not part of the tus protocol here`, 'Phương thức không được hỗ trợ');
    }
    const idParam = typeof req.params.id === 'string' ? req.params.id : undefined;
    let tusId: string | null = null;
    let size: number | undefined;
    if (idParam !== undefined) {
      if (!UUID.test(idParam)) throw uploadNotFound();
      tusId = tusIdOf(idParam);
      const record = await deps.tus.record(tusId);
      if (!record) {
        if (req.method === 'HEAD' && (await headOfIngested(res, idParam, principal))) return;
        throw uploadNotFound();
      }
      // Another user's upload (or, for an operator, another station's) does not exist as far as this caller knows.
      if (!mayContinue(record.file.metadata, principal)) throw uploadNotFound();
      size = record.file.size;
    } else if (req.method !== 'POST' && req.method !== 'OPTIONS') {
      throw uploadNotFound();
    } else {
      const declared = Number(req.headers['upload-length']);
      size = Number.isSafeInteger(declared) ? declared : undefined;
    }

    const carriesBytes = req.method === 'PATCH' || (req.method === 'POST' && req.headers['content-type'] === OCTET_STREAM);
    let body: FollowedBody | null = null;
    if (carriesBytes) {
      const offset = req.method === 'PATCH' ? Number(req.headers['upload-offset']) : 0;
      // Only a piece that really continues the first bytes is judged; a wrong offset is tus's to answer (409).
      const judging = Number.isSafeInteger(offset) && offset >= 0 && offset < SNIFF_BYTES && (!tusId || (await deps.tus.getUpload(tusId)).offset === offset);
      body = await followBody(req, judging ? SNIFF_BYTES - offset : 0);
      if (judging && (await firstBytesAreAudio(tusId, offset, body, size)) === false) {
        body.stop();
        if (tusId) await deps.tus.remove(tusId).catch((err: unknown) => req.log.warn({ err, episodeId: idParam }, 'refused upload left for the sweep'));
        if (!req.complete) drainRequest(req);
        throw notAudio();
      }
    }

    const web = new globalThis.Request(`http://tus.invalid${req.originalUrl}`, {
      method: req.method,
      headers: headersOf(req),
      body: body ? (Readable.toWeb(body.stream) as ReadableStream) : undefined,
      duplex: 'half',
    } as RequestInit);
    callers.set(web, { principal, log: req.log, req });
    const answer = await server.handleWeb(web);
    const cut = body?.state === 'cut';
    // Refused before the end of the body (a conflict, a size): read the rest so the client hears the answer.
    if (body && body.state === 'open') {
      body.stop();
      drainRequest(req);
    }
    if (req.method === 'PATCH' && answer.status === 204) {
      req.log.info({ episodeId: idParam, from: Number(req.headers['upload-offset']), to: Number(answer.headers.get('upload-offset')), cut }, cut ? 'upload piece stored before the link was cut' : 'upload piece stored');
    }
    await sendAnswer(res, answer);
  };

  const r = Router();
  r.use((_req, res, next) => {
    res.setHeader('Tus-Resumable', TUS_RESUMABLE);
    next();
  });
  r.use(permit('episode.upload'));
  r.all('/', handle);
  r.all('/:id', handle);
  return r;
}

function errorBody(e: HttpError): string {
  return JSON.stringify({ error: { code: e.code, message: e.messageVi ?? e.message, messageVi: e.messageVi ?? e.message, messageEn: e.message, details: e.details } });
}

function headersOf(req: Request): Headers {
  const h = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) h.append(name, v);
  }
  return h;
}

async function sendAnswer(res: Response, answer: globalThis.Response): Promise<void> {
  const text = answer.body ? await answer.text() : '';
  res.status(answer.status);
  // Our keep-alive and length, not those of the web Response.
  answer.headers.forEach((value, name) => {
    if (name !== 'connection' && name !== 'content-length' && name !== 'content-type') res.setHeader(name, value);
  });
  if (answer.status < 400) {
    res.end(text);
    return;
  }
  const json = text.startsWith('{"error"') ? text : errorBody(tusTextToHttp(answer.status, text));
  res.type('application/json').send(json);
}

/** tus-js-client's browser build (one self-contained file) for the dashboard, from the installed package. */
export function tusClientScript(): RequestHandler {
  const file = createRequire(import.meta.url).resolve('tus-js-client/dist/tus.min.js');
  return (_req, res, next) => res.sendFile(file, { maxAge: 0 }, (err) => err && next(err));
}
