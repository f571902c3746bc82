import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The multipart calls s3rver leaves out (ListParts, AbortMultipartUpload, ListMultipartUploads, and UploadPart's
 * refusal of an upload that is gone), answered from s3rver's own upload directories. Resumable (tus) uploads
 * resume by listing the parts already stored and are cleaned up by aborting them, so the embedded default needs
 * them as much as any S3 does. Runs in front of s3rver's router; every other request passes through untouched.
 */

/** The few pieces of a Koa context this middleware reads and writes. */
export interface KoaContextLike {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}

/** s3rver's filesystem store: where it keeps a bucket's uploads (`<dir>/<bucket>/._S3rver_uploads/<uploadId>/`). */
export interface UploadDirs {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const PAGE = 1000;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: string | number | boolean) => `<${name}>${esc(String(value))}</${name}>`;
const xml = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${XMLNS}">${inner}</${root}>`;

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function send(ctx: KoaContextLike, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = body;
}

function noSuchUpload(ctx: KoaContextLike, uploadId: string): void {
  const inner = el('Code', 'NoSuchUpload') + el('Message', 'The specified upload does not exist.') + el('UploadId', uploadId);
  send(ctx, 404, `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${inner}</Error>`);
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

// Upload ids are s3rver's own hex strings; anything else would be a path outside the uploads directory.
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function embeddedMultipartCalls(store: UploadDirs) {
  const uploadsDir = (bucket: string) => store.getResourcePath(bucket, undefined, 'uploads');

  async function listParts(ctx: KoaContextLike, bucket: string, key: string, uploadId: string, dir: string) {
    const marker = Number(one(ctx.query['part-number-marker']) ?? 0) || 0;
    const max = Math.min(PAGE, Number(one(ctx.query['max-parts']) ?? PAGE) || PAGE);
    const numbers = (await fs.readdir(dir))
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .filter((n) => n > marker)
      .sort((a, b) => a - b);
    const page = numbers.slice(0, max);
    const truncated = numbers.length > page.length;
    const parts = await Promise.all(
      page.map(async (n) => {
        const [stat, md5] = await Promise.all([fs.stat(path.join(dir, String(n))), fs.readFile(path.join(dir, `${n}.md5`), 'utf8').catch(() => '')]);
        return `<Part>${el('PartNumber', n)}${el('LastModified', stat.mtime.toISOString())}${el('ETag', `"${md5.trim()}"`)}${el('Size', stat.size)}</Part>`;
      }),
    );
    const next = page.at(-1) ?? marker;
    send(
      ctx,
      200,
      xml(
        'ListPartsResult',
        el('Bucket', bucket) + el('Key', key) + el('UploadId', uploadId) + el('PartNumberMarker', marker) + el('NextPartNumberMarker', next) +
          el('MaxParts', max) + el('IsTruncated', truncated) + el('StorageClass', 'STANDARD') + parts.join(''),
      ),
    );
  }

  async function listUploads(ctx: KoaContextLike, bucket: string) {
    const prefix = one(ctx.query.prefix) ?? '';
    const keyMarker = one(ctx.query['key-marker']) ?? '';
    const idMarker = one(ctx.query['upload-id-marker']) ?? '';
    const max = Math.min(PAGE, Number(one(ctx.query['max-uploads']) ?? PAGE) || PAGE);
    const root = uploadsDir(bucket);
    const ids = await fs.readdir(root).catch(() => [] as string[]);
    const uploads = (
      await Promise.all(
        ids.map(async (id) => {
          // A directory without its key file is not an upload s3rver started (or one being removed).
          const keyFile = path.join(root, id, 'key');
          const [key, stat] = await Promise.all([fs.readFile(keyFile, 'utf8').catch(() => null), fs.stat(keyFile).catch(() => null)]);
          return key !== null && stat ? { key, id, initiated: stat.mtime } : null;
        }),
      )
    )
      .filter((u): u is { key: string; id: string; initiated: Date } => u !== null && u.key.startsWith(prefix))
      .filter((u) => u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.id > idMarker))
      .sort((a, b) => (a.key === b.key ? (a.id < b.id ? -1 : 1) : a.key < b.key ? -1 : 1));
    const page = uploads.slice(0, max);
    const truncated = uploads.length > page.length;
    const last = page.at(-1);
    const items = page
      .map((u) => `<Upload>${el('Key', u.key)}${el('UploadId', u.id)}${el('StorageClass', 'STANDARD')}${el('Initiated', u.initiated.toISOString())}</Upload>`)
      .join('');
    send(
      ctx,
      200,
      xml(
        'ListMultipartUploadsResult',
        el('Bucket', bucket) + el('KeyMarker', keyMarker) + el('UploadIdMarker', idMarker) + el('NextKeyMarker', last?.key ?? '') +
          el('NextUploadIdMarker', last?.id ?? '') + el('Prefix', prefix) + el('MaxUploads', max) + el('IsTruncated', truncated) + items,
      ),
    );
  }

  return async function multipartCalls(ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> {
    const segments = ctx.path.split('/').slice(1);
    const bucket = decodeURIComponent(segments[0] ?? '');
    const key = segments.slice(1).map(decodeURIComponent).join('/');
    const uploadId = one(ctx.query.uploadId);
    if (!bucket) return void (await next());

    if (!key && ctx.method === 'GET' && 'uploads' in ctx.query) {
      if (!(await exists(path.dirname(uploadsDir(bucket))))) return void (await next()); // NoSuchBucket, from s3rver
      return listUploads(ctx, bucket);
    }
    if (!key || uploadId === undefined) return void (await next());
    if (!UPLOAD_ID.test(uploadId)) return noSuchUpload(ctx, uploadId);
    const dir = path.join(uploadsDir(bucket), uploadId);
    const started = await exists(path.join(dir, 'key'));

    if (ctx.method === 'GET') return started ? listParts(ctx, bucket, key, uploadId, dir) : noSuchUpload(ctx, uploadId);
    if (ctx.method === 'DELETE') {
      if (!started) return noSuchUpload(ctx, uploadId);
      await fs.rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    // s3rver would otherwise recreate the directory of an aborted upload for a late part, and complete nothing.
    if ((ctx.method === 'PUT' || ctx.method === 'POST') && !started) return noSuchUpload(ctx, uploadId);
    await next();
  };
}
