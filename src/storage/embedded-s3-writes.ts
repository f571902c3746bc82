import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { freeBytesSync, isOutOfSpace, noteRoomRefusal } from './disk-space.js';
import type { KoaContextLike } from './embedded-s3-multipart.js';

/**
 * s3rver's object and part writes, done safely. Its own pipe into the file has no 'error' listener on the write
 * stream, so the upload that fills the disk raised an unhandled ENOSPC and took the whole process down; it also
 * answered before the file was flushed, and left partial files behind. Here a write that fails answers an error
 * (507 when out of space), removes what it wrote, and keeps reading the request so the client hears the answer.
 *
 * The reserve: a write that would leave less than `reserveBytes` free is refused before the disk is full, because the
 * embedded database shares DATA_DIR and cannot survive running out of space itself.
 */

/** The few pieces of s3rver's filesystem store these writes use. */
export interface FilesystemStoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Readable | Buffer | null; metadata: Record<string, unknown> }): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: string | number, content: Readable): Promise<{ size: number; md5: string }>;
}

// Free space is asked again after this many bytes: a statfs costs microseconds, a MiB takes milliseconds to arrive.
const CHECK_EVERY_BYTES = 1024 * 1024;

function outOfRoom(dir: string, free: number, reserve: number): NodeJS.ErrnoException {
  noteRoomRefusal();
  const err: NodeJS.ErrnoException = new Error(`no space left under ${dir}: ${free} bytes free, ${reserve} kept in reserve`);
  err.code = 'ENOSPC';
  return err;
}

/** Writes `content` to `file`; on any failure the file is removed and the request body drained. */
export function writeContent(content: Readable | Buffer, file: string, dir: string, reserveBytes: number): Promise<{ size: number; md5: string }> {
  const md5 = crypto.createHash('md5');
  const room = (incoming: number) => {
    const free = freeBytesSync(dir);
    if (free - incoming < reserveBytes) throw outOfRoom(dir, free, reserveBytes);
  };
  if (Buffer.isBuffer(content)) {
    room(content.length);
    md5.update(content);
    return fs.promises.writeFile(file, content).then(
      () => ({ size: content.length, md5: md5.digest('hex') }),
      async (err: unknown) => {
        await fs.promises.rm(file, { force: true });
        throw err;
      },
    );
  }
  return new Promise((resolve, reject) => {
    try {
      room(0);
    } catch (err) {
      content.resume();
      return reject(err);
    }
    let size = 0;
    let sinceCheck = 0;
    let failure: unknown = null;
    let finished = false;
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        sinceCheck += chunk.length;
        if (sinceCheck >= CHECK_EVERY_BYTES) {
          sinceCheck = 0;
          try {
            room(0);
          } catch (err) {
            return cb(err as Error);
          }
        }
        md5.update(chunk);
        cb(null, chunk);
      },
    });
    const out = fs.createWriteStream(file);
    const fail = (err: unknown) => {
      if (failure !== null) return;
      failure = err;
      content.unpipe(hashing);
      hashing.unpipe(out);
      // The rest of the body is read and dropped: a client cut off mid-send reports a broken pipe, not our answer.
      content.on('error', () => undefined);
      content.resume();
      hashing.destroy();
      if (out.closed) void cleanup();
      else out.destroy();
    };
    const cleanup = async () => {
      await fs.promises.rm(file, { force: true }).catch(() => undefined);
      reject(failure);
    };
    content.on('error', fail);
    // A client gone before the end is a failure too: s3rver would otherwise keep the part it got as the whole object.
    content.on('aborted', () => fail(new Error('request aborted')));
    hashing.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => {
      finished = true;
    });
    out.on('close', () => {
      if (failure !== null) return void cleanup();
      if (finished) resolve({ size, md5: md5.digest('hex') });
      else {
        failure = new Error('file closed before the write finished');
        void cleanup();
      }
    });
    content.pipe(hashing).pipe(out);
  });
}

/** Replaces the store's putObject and putPart with the safe writes above. */
export function installSafeWrites(store: FilesystemStoreLike, rootDir: string, reserveBytes: number): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    const { size, md5 } = await writeContent(object.content ?? Buffer.alloc(0), objectPath, rootDir, reserveBytes);
    try {
      await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    } catch (err) {
      // An object without its metadata would be listed but could not be read: none at all is better.
      await fs.promises.rm(objectPath, { force: true });
      throw err;
    }
    return { size, md5 };
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    await fs.promises.mkdir(path.dirname(partPath), { recursive: true });
    const { size, md5 } = await writeContent(content, partPath, rootDir, reserveBytes);
    try {
      await fs.promises.writeFile(`${partPath}.md5`, md5);
    } catch (err) {
      await fs.promises.rm(partPath, { force: true });
      throw err;
    }
    return { size, md5 };
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Koa middleware in front of s3rver's router: a write that ran out of space answers 507 InsufficientStorage (as MinIO
 * does, and as clients do not retry), where s3rver would answer 500, which clients retry.
 */
export function insufficientStorageAnswers() {
  return async function insufficientStorage(ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> {
    try {
      await next();
    } catch (err) {
      if (!isOutOfSpace(err)) throw err;
      ctx.status = 507;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InsufficientStorage</Code>' +
        `<Message>${esc((err as Error).message)}</Message><Resource>${esc(ctx.path)}</Resource></Error>`;
    }
  };
}
