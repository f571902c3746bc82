import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config/index.js';

export function createS3Client(s3: Config['s3'], endpoint: string | undefined): S3Client {
  return new S3Client({
    endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Without these, streamed bodies are sent with aws-chunked framing that many non-AWS stores keep verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}
