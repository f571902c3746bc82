import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedS3 } from '../../src/storage/embedded-s3.js';
import type { Cleanup } from './cleanup.js';
import { LineTail, stopChild } from './proc.js';

/**
 * The embedded S3 server in a process of its own, as a storage server is to its clients: a bench that times a client
 * against it then measures the client, not a client and a server taking turns on one event loop. Run as a script,
 * this file is that process: it prints its endpoint on one line and serves until SIGTERM.
 */
const SELF = fileURLToPath(import.meta.url);

export async function startS3Process(opts: { directory: string; bucket: string; cleanup: Cleanup }): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, opts.directory, opts.bucket], { cwd: path.dirname(SELF), stdio: ['ignore', 'pipe', 'pipe'] });
  opts.cleanup.add('stop the S3 server process', () => stopChild(child));
  const errors = new LineTail(20);
  child.stderr.on('data', (c: Buffer) => errors.push(c));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (c: Buffer) => {
      text += c.toString();
      const line = /^(http:\/\/\S+)\n/m.exec(text);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`S3 server process exited (${code}):\n${errors.text()}`)));
  });
  return { endpoint, child };
}

if (process.argv[1] === SELF) {
  const [directory, bucket] = process.argv.slice(2);
  if (!directory || !bucket) throw new Error('usage: s3-server.ts <directory> <bucket>');
  const s3 = await startEmbeddedS3({ directory, port: 0, bucket });
  process.stdout.write(`${s3.endpoint}\n`);
  process.once('SIGTERM', () => void s3.close().then(() => process.exit(0)));
}
