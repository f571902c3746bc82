import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { MediaBinaries } from '../../src/media/binaries.js';
import type { Cleanup } from '../lib/cleanup.js';
import { clearRedisPrefix } from '../lib/scratch.js';
import { startNodeFlags } from '../lib/start-flags.js';
import { freePort, LineTail, stopChild } from '../lib/proc.js';

/**
 * The service as a newcomer runs it (`npm start`: the build, one process, PGlite and the embedded S3 server under its
 * data dir), with a queue prefix and an admin token of its own. Stopped with SIGTERM at cleanup, with time for the
 * worker's grace period, so a transcode still running is cancelled and its ffmpeg killed.
 */
export async function startEmbeddedService(opts: { root: string; dir: string; bins: MediaBinaries; redisUrl: string; cleanup: Cleanup; name: string }): Promise<{ base: string; token: string }> {
  const port = await freePort();
  const token = crypto.randomBytes(24).toString('hex');
  const prefix = `bench-${opts.name}-${process.pid}`;
  opts.cleanup.add(`delete Redis keys ${prefix}:*`, async () => void (await clearRedisPrefix(opts.redisUrl, prefix)));
  const output = new LineTail(40);
  const child = spawn(process.execPath, [...startNodeFlags(), 'dist/src/main.js'], {
    cwd: opts.root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(opts.dir, 'data'),
      REDIS_URL: opts.redisUrl,
      QUEUE_PREFIX: prefix,
      ADMIN_TOKEN: token,
      LOG_LEVEL: 'warn',
      FFMPEG_PATH: opts.bins.ffmpeg,
      FFPROBE_PATH: opts.bins.ffprobe,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => output.push(c));
  child.stderr.on('data', (c: Buffer) => output.push(c));
  opts.cleanup.add(`stop the ${opts.name} service`, () => stopChild(child, 60_000));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${base}/readyz`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null) throw new Error(`service exited:\n${output.text()}`);
    if (Date.now() > deadline) throw new Error(`service not ready after 90 s:\n${output.text()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, token };
}
