import { spawn } from 'node:child_process';
import { SpeechError, type VoiceBackend } from './engine.js';

const STDERR_KEEP = 4000;

/**
 * The eSpeak NG arguments both adapters share: UTF-8 input read as SSML (the pauses are `<break>`s, the text is
 * escaped), no final pause (the run's last pause is added when runs are joined).
 */
export function espeakArgs(opts: { rate: number; voice: string }): string[] {
  return ['-m', '-z', '-b', '1', '-v', opts.voice, '-s', String(Math.round(opts.rate))];
}

/**
 * Debian's `espeak-ng` binary, one process per run. The SSML goes in on stdin (never as an argument, where a
 * leading "-" would be read as an option) and the WAV comes back on stdout, so no temporary file is involved.
 */
export function espeakCliBackend(opts: { binary: string; timeoutMs: number }): VoiceBackend {
  return {
    name: 'espeak-ng',
    // Two runs at once: each is its own process, so a bulletin too long for one run is read on both cores.
    parallel: 2,
    speak: (ssml, so) =>
      new Promise<Buffer>((resolve, reject) => {
        const child = spawn(opts.binary, [...espeakArgs(so), '--stdin', '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        let stderr = '';
        let why: string | null = null;
        const stop = (reason: string) => {
          why ??= reason;
          child.kill('SIGKILL');
        };
        const timer = setTimeout(() => stop(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
        const onAbort = () => stop('cancelled');
        so.signal?.addEventListener('abort', onAbort, { once: true });
        child.stdout.on('data', (c: Buffer) => out.push(c));
        child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-STDERR_KEEP)));
        // A binary that dies before reading its input closes stdin under us: the exit status tells the story.
        child.stdin.on('error', () => undefined);
        child.once('error', (err) => {
          why ??= err.message;
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          so.signal?.removeEventListener('abort', onAbort);
          const wav = Buffer.concat(out);
          const lines = stderr.split('\n').filter(Boolean);
          if (why || code !== 0 || wav.length === 0) {
            reject(new SpeechError(`espeak-ng failed: ${why ?? (code !== null ? `exit ${code}` : `signal ${signal}`)}${lines[0] ? ` (${lines[0]})` : ''}`, lines));
            return;
          }
          resolve(wav);
        });
        child.stdin.end(ssml, 'utf8');
      }),
    close: async () => undefined,
  };
}
