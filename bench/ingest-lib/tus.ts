/**
 * Resumable upload over a weak link (issue 10, item 4): a 50 MB WAV sent with tus-js-client (Node build) through a
 * TCP proxy that cuts every connection after 1 MB towards the service, as a commune's 3G link drops. Reports the
 * bytes the uploader put on the link against the file's (target ≤ 1.05×) and the wall time to a stored episode.
 *
 * `runTusCutLinkBench` runs against a service that is already up (bench/ingest.ts passes its API process); run
 * this file directly (`npx tsx bench/ingest-lib/tus.ts`) to measure against an in-process service of its own.
 * Knobs: BENCH_TUS_MB (50), BENCH_TUS_CUT_MB (1); MB = 10^6 bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tusUpload } from '../../test/helpers/tus-client.js';
import { startUploadLink } from '../../test/helpers/upload-link.js';
import { envNumber, log, MB } from '../lib/proc.js';

export interface TusCutLinkResult {
  fileBytes: number;
  /** Every byte the uploader put on the link (headers, HEADs and what was lost at each cut included). */
  bytesSent: number;
  /** bytesSent / fileBytes; the target is ≤ 1.05. */
  ratio: number;
  wallSec: number;
  cuts: number;
  connections: number;
}

export const TUS_RATIO_TARGET = 1.05;

/** A valid 48 kHz stereo 16-bit WAV of about `bytes` bytes (a quiet tone), written without ffmpeg. */
export function writeToneWav(file: string, bytes: number): number {
  const frames = Math.floor((bytes - 44) / 4);
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const s = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48_000));
    data.writeInt16LE(s, i * 4);
    data.writeInt16LE(s, i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(48_000 * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
  return header.length + data.length;
}

/**
 * Uploads a fileBytes WAV to `baseUrl` with tus through a link that cuts every connection after cutEveryBytes
 * towards the service. `token` must be allowed to upload (editor or admin).
 */
export async function runTusCutLinkBench(opts: { baseUrl: string; token: string; fileBytes?: number; cutEveryBytes?: number; tmpDir?: string }): Promise<TusCutLinkResult> {
  const dir = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), 'loaxa-bench-tus-'));
  const target = new URL(opts.baseUrl);
  const link = await startUploadLink({ host: target.hostname, port: Number(target.port) }, { cutEvery: opts.cutEveryBytes ?? MB });
  try {
    const file = path.join(dir, 'tone.wav');
    const fileBytes = writeToneWav(file, opts.fileBytes ?? 50 * MB);
    const data = fs.readFileSync(file);
    log(`tus: ${(fileBytes / MB).toFixed(1)} MB through a link cut every ${((opts.cutEveryBytes ?? MB) / MB).toFixed(2)} MB`);
    const started = performance.now();
    await tusUpload(link.url, opts.token, data, { title: 'bench: tus over a cut link', filename: 'tone.wav', filetype: 'audio/wav' });
    const wallSec = (performance.now() - started) / 1000;
    const { bytesUp, cuts, connections } = link.stats;
    return { fileBytes, bytesSent: bytesUp, ratio: bytesUp / fileBytes, wallSec, cuts, connections };
  } finally {
    await link.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Standalone: an in-process service (PGlite, embedded S3) of its own, then the figure. */
async function standalone(): Promise<void> {
  const { startRuntime } = await import('../../src/runtime.js');
  const { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } = await import('../../test/helpers/env.js');
  const s3 = await startTestS3();
  const rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { ROLE: 'all', LOG_LEVEL: 'warn' } }));
  try {
    const r = await runTusCutLinkBench({ baseUrl: rt.url!, token: ADMIN_TOKEN, fileBytes: envNumber('BENCH_TUS_MB', 50) * MB, cutEveryBytes: envNumber('BENCH_TUS_CUT_MB', 1) * MB });
    process.stdout.write(
      `tus over a cut link: ${(r.fileBytes / MB).toFixed(1)} MB file, ${(r.bytesSent / MB).toFixed(2)} MB sent (${r.ratio.toFixed(4)}×; target ≤ ${TUS_RATIO_TARGET}×: ${r.ratio <= TUS_RATIO_TARGET ? 'target met' : 'target missed'}), ${r.cuts} cuts, ${r.connections} connections, ${r.wallSec.toFixed(1)} s\n`,
    );
    process.stdout.write(`${JSON.stringify({ tus: r })}\n`);
  } finally {
    await rt.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  standalone().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
