import * as tus from 'tus-js-client';

export const TUS_PATH = '/api/v1/uploads/tus';

// Patient as a 3G uploader is: after each cut, try again soon, for long enough to outlast many cuts.
const RETRY_DELAYS = [0, 100, 250, 500, 1000, ...Array<number>(200).fill(1000)];

export interface TusResult {
  /** The upload URL; its last segment is the episode id. */
  url: string;
  episodeId: string;
}

/** Uploads with tus-js-client (its Node build) the way a client on a weak link would: resuming after every cut. */
export function tusUpload(base: string, token: string, data: Buffer, metadata: Record<string, string>, opts: { chunkSize?: number; onProgress?: (sent: number, total: number) => void } = {}): Promise<TusResult> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(data, {
      endpoint: `${base}${TUS_PATH}`,
      headers: { authorization: `Bearer ${token}` },
      metadata,
      retryDelays: RETRY_DELAYS,
      ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
      onProgress: opts.onProgress ?? null,
      onError: reject,
      onSuccess: () => resolve({ url: upload.url!, episodeId: upload.url!.split('/').pop()! }),
    });
    upload.start();
  });
}

/** The HTTP status and the API's error body of a refusal tus-js-client reported. */
export function refusalOf(err: unknown): { status: number; body: any } {
  const res = (err as tus.DetailedError).originalResponse;
  const text = res?.getBody() ?? '';
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res?.getStatus() ?? 0, body };
}

/** tus 1.0 Upload-Metadata: comma-separated `key base64(value)`. */
export function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');
}
