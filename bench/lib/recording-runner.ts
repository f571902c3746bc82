import path from 'node:path';
import type { FfmpegSpec } from '../../src/media/command-spec.js';
import type { MediaRunner } from '../../src/media/runner.js';

export type RecordedOp =
  | { kind: 'run'; spec: FfmpegSpec; label: string; ms: number }
  | { kind: 'probe'; file: string; label: string; ms: number };

/** Names a pipeline command after what it does, for the per-step table. */
export function labelFor(spec: FfmpegSpec): string {
  const options = spec.outputs.flatMap((o) => o.options).join(' ');
  const input = path.basename(spec.inputs[0]?.path ?? '?');
  if (spec.complexFilter) return `encode ${spec.outputs.map((o) => path.extname(o.path).slice(1)).join('+')}`;
  if (options.includes('silencedetect')) return 'analyse';
  if (options.includes('alimiter')) return 'gain probe';
  return `measure ${input}`;
}

/**
 * Decorates a MediaRunner: every run() spec and probe() file is recorded in call order, with how long the inner
 * runner took, so the same commands can be replayed by hand and compared step by step. `after`, if given, runs once
 * each call has succeeded and before the pipeline sees the result (to replay it by hand right away); its time is
 * added to `pausedMs` so the caller can take it out of the pipeline's wall time.
 */
export function recordingRunner(
  inner: MediaRunner,
  after?: (op: RecordedOp) => Promise<void>,
): { runner: MediaRunner; ops: RecordedOp[]; pausedMs: () => number } {
  const ops: RecordedOp[] = [];
  let paused = 0;
  const pause = async (op: RecordedOp) => {
    if (!after) return;
    const t0 = performance.now();
    try {
      await after(op);
    } finally {
      paused += performance.now() - t0;
    }
  };
  const runner: MediaRunner = {
    binaries: inner.binaries,
    async run(spec, opts) {
      const op: RecordedOp = { kind: 'run', spec: structuredClone(spec), label: labelFor(spec), ms: 0 };
      ops.push(op);
      const t0 = performance.now();
      let result;
      try {
        result = await inner.run(spec, opts);
      } finally {
        op.ms = performance.now() - t0;
      }
      await pause(op);
      return result;
    },
    async probe(file) {
      const op: RecordedOp = { kind: 'probe', file, label: `probe ${path.basename(file)}`, ms: 0 };
      ops.push(op);
      const t0 = performance.now();
      let result;
      try {
        result = await inner.probe(file);
      } finally {
        op.ms = performance.now() - t0;
      }
      await pause(op);
      return result;
    },
  };
  return { runner, ops, pausedMs: () => paused };
}

/** The same op with every path under fromDir moved under toDir (the hand-run outputs go to a directory of their own). */
export function rebase(op: RecordedOp, fromDir: string, toDir: string): RecordedOp {
  const move = (p: string) => (p.startsWith(fromDir + path.sep) ? path.join(toDir, path.relative(fromDir, p)) : p);
  if (op.kind === 'probe') return { ...op, file: move(op.file) };
  return {
    ...op,
    spec: {
      ...op.spec,
      inputs: op.spec.inputs.map((i) => ({ ...i, path: move(i.path) })),
      outputs: op.spec.outputs.map((o) => ({ ...o, path: move(o.path) })),
    },
  };
}
