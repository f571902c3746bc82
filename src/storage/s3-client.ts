import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { isOutOfSpace, StorageFull } from './disk-space.js';

export function createS3Client(s3: Config['s3'], endpoint: string | undefined, log?: Logger): S3Client {
  const client = new S3Client(s3ClientOptions(s3, endpoint, log));
  // A full store (507) would be retried like any 5xx, each part of a multipart upload three times over: inside the
  // retry loop it becomes StorageFull, which the SDK does not retry, so the refusal comes at once.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw isOutOfSpace(err) && !(err instanceof StorageFull) ? new StorageFull(err) : err;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'storageFullIsFinal' },
  );
  return client;
}

/** The client settings, for code that builds its own client (the tus store) against the same storage. */
export function s3ClientOptions(s3: Config['s3'], endpoint: string | undefined, log?: Logger): S3ClientConfig {
  return {
    // The SDK's own notes (e.g. that a streamed PUT has no length, which is the point of stream mode) go to our log.
    logger: log
      ? { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (...m: unknown[]) => log.debug({ sdk: m }, 'S3 client note'), error: (...m: unknown[]) => log.warn({ sdk: m }, 'S3 client error') }
      : undefined,
    endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Without these, streamed bodies are sent with aws-chunked framing that many non-AWS stores keep verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  };
}
