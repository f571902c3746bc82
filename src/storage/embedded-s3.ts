import fs from 'node:fs';
import S3rver from 's3rver';
import { embeddedMultipartCalls, type UploadDirs } from './embedded-s3-multipart.js';
import { insufficientStorageAnswers, installSafeWrites, type FilesystemStoreLike } from './embedded-s3-writes.js';

export interface EmbeddedS3 {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * The embedded S3-compatible server for the one-machine default. It does not check signatures, which is why
 * media downloads in embedded mode go through the authenticated API instead of presigned links.
 */
export async function startEmbeddedS3(opts: {
  directory: string;
  port: number;
  bucket: string;
  /** Writes that would leave less free space than this under the directory are refused (507). */
  reserveBytes?: number;
}): Promise<EmbeddedS3> {
  fs.mkdirSync(opts.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port,
    silent: true,
    directory: opts.directory,
    configureBuckets: [{ name: opts.bucket }],
  });
  // Just ahead of s3rver's router (the last of its middleware): the multipart calls it lacks.
  const koa = server as unknown as { middleware: unknown[]; store: UploadDirs & FilesystemStoreLike };
  installSafeWrites(koa.store, opts.directory, opts.reserveBytes ?? 0);
  koa.middleware.splice(koa.middleware.length - 1, 0, insufficientStorageAnswers(), embeddedMultipartCalls(koa.store));
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => server.close(),
  };
}
