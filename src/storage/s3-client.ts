import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';

export function createS3Client(s3: Config['s3'], endpoint: string | undefined, log?: Logger): S3Client {
  return new S3Client(s3ClientOptions(s3, endpoint, log));
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
