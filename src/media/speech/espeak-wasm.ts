import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.js';
import { SpeechError, type VoiceBackend } from './engine.js';
import { espeakArgs } from './espeak-cli.js';

/**
 * The npm WebAssembly build of eSpeak NG (voices embedded in the .wasm), for machines without the Debian package.
 *
 * It runs in a worker thread: eSpeak's main() is synchronous and takes half a second and more for a bulletin, which
 * on the API's own thread would stall every live channel and manifest poll. The 18 MB module is compiled once per
 * worker; each run (a whole bulletin, or a batch of a long one) gets a fresh instance (eSpeak's command line keeps
 * global state, so an instance cannot run main() twice), which is dropped when the run is done. The worker itself
 * ends after a quiet spell, handing its memory (compiled code, the last instances) back, and is replaced after any
 * timeout, so a stuck synthesis cannot pile up.
 */

// Plain JavaScript evaluated as the worker (so it runs the same from sources, tests and the build).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ready = (async () => {
  const ESpeakNg = (await import(workerData.moduleUrl)).default;
  const compiled = await WebAssembly.compile(fs.readFileSync(workerData.wasmPath));
  return { ESpeakNg, compiled };
})();
ready.catch(() => undefined);
parentPort.on('message', async ({ id, ssml, args }) => {
  const stderr = [];
  try {
    const { ESpeakNg, compiled } = await ready;
    let failInstance;
    const failed = new Promise((_, reject) => (failInstance = reject));
    // Emscripten's exit path sets process.exitCode; it is put back so a failed run never becomes the exit status.
    const exitCode = process.exitCode;
    let module;
    try {
      module = await Promise.race([
        ESpeakNg({
          arguments: [...args, '-w', '/out.wav', '-f', '/in.txt'],
          print: () => undefined,
          printErr: (line) => stderr.push(String(line)),
          preRun: [(m) => m.FS.writeFile('/in.txt', ssml)],
          instantiateWasm: (imports, receive) => {
            WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled)).catch(failInstance);
            return {};
          },
        }),
        failed,
      ]);
    } finally {
      process.exitCode = exitCode;
    }
    let wav;
    try {
      wav = module.FS.readFile('/out.wav');
    } catch {
      throw new Error('no output written');
    }
    parentPort.postMessage({ id, wav }, [wav.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err), stderr: stderr.filter((l) => !l.startsWith('program exited')) });
  }
});
`;

const require = createRequire(import.meta.url);

function locateBuild(): { moduleUrl: string; wasmPath: string } {
  let entry: string;
  try {
    entry = require.resolve('espeak-ng');
  } catch {
    throw new SpeechError('the espeak-ng npm package (WebAssembly eSpeak NG) is not installed');
  }
  return { moduleUrl: pathToFileURL(entry).href, wasmPath: path.join(path.dirname(entry), 'espeak-ng.wasm') };
}

interface Pending {
  resolve(wav: Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

type Reply = { id: number; wav: Uint8Array } | { id: number; error: string; stderr: string[] };

export function espeakWasmBackend(opts: { timeoutMs: number; idleMs?: number; logger?: Logger }): VoiceBackend {
  const build = locateBuild();
  const idleMs = opts.idleMs ?? 60_000;
  let worker: Worker | null = null;
  let idleTimer: NodeJS.Timeout | undefined;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const failAll = (err: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(err);
    }
  };

  const retire = (w: Worker) => {
    if (worker === w) worker = null;
    void w.terminate();
  };

  const start = (): Worker => {
    // Its own stdout/stderr: stray engine output must not land among the service's JSON log lines.
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: build, stdout: true, stderr: true });
    w.stdout.resume();
    w.stderr.resume();
    w.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if ('wav' in m) p.resolve(Buffer.from(m.wav.buffer, m.wav.byteOffset, m.wav.byteLength));
      else p.reject(new SpeechError(`eSpeak NG (WebAssembly) failed: ${m.stderr.find((l) => /error/i.test(l)) ?? m.error}`, m.stderr));
    });
    w.on('error', (err) => {
      opts.logger?.warn({ err }, 'speech worker crashed');
      if (worker === w) worker = null;
      failAll(new SpeechError(`eSpeak NG (WebAssembly) worker crashed: ${err.message}`));
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      if (pending.size) failAll(new SpeechError('eSpeak NG (WebAssembly) worker stopped'));
    });
    return w;
  };

  const armIdle = () => {
    clearTimeout(idleTimer);
    if (pending.size > 0 || !worker) return;
    const w = worker;
    // Idle, the worker must not keep a finished process alive; busy, it must (a script awaiting speech).
    w.unref();
    idleTimer = setTimeout(() => pending.size === 0 && retire(w), idleMs);
    idleTimer.unref();
  };

  return {
    name: 'espeak-ng-wasm',
    speak(ssml, so) {
      clearTimeout(idleTimer);
      const w = (worker ??= start());
      w.ref();
      const id = ++nextId;
      return new Promise<Buffer>((resolve, reject) => {
        const finish = () => {
          so.signal?.removeEventListener('abort', onAbort);
          armIdle();
        };
        // Terminating is the only way to stop a synchronous main(); the next run gets a fresh worker.
        const abandon = (why: string) => {
          const p = pending.get(id);
          if (!p) return;
          pending.delete(id);
          retire(w);
          p.reject(new SpeechError(`eSpeak NG (WebAssembly) ${why}`));
        };
        const onAbort = () => abandon('cancelled');
        const timer = setTimeout(() => abandon(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
        pending.set(id, {
          resolve: (wav) => {
            finish();
            resolve(wav);
          },
          reject: (err) => {
            finish();
            reject(err);
          },
          timer,
        });
        so.signal?.addEventListener('abort', onAbort, { once: true });
        w.postMessage({ id, ssml, args: espeakArgs(so) });
      });
    },
    async close() {
      clearTimeout(idleTimer);
      failAll(new SpeechError('speech engine closed'));
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
