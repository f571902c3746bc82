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
 * runner took, so the same commands can be replayed by hand and compared step by step.
 */
export function recordingRunner(inner: MediaRunner): { runner: MediaRunner; ops: RecordedOp[] } {
  const ops: RecordedOp[] = [];
  const runner: MediaRunner = {
    binaries: inner.binaries,
    async run(spec, opts) {
      const op: RecordedOp = { kind: 'run', spec: structuredClone(spec), label: labelFor(spec), ms: 0 };
      ops.push(op);
      const t0 = performance.now();
      try {
        return await inner.run(spec, opts);
      } finally {
        op.ms = performance.now() - t0;
      }
    },
    async probe(file) {
      const op: RecordedOp = { kind: 'probe', file, label: `probe ${path.basename(file)}`, ms: 0 };
      ops.push(op);
      const t0 = performance.now();
      try {
        return await inner.probe(file);
      } finally {
        op.ms = performance.now() - t0;
      }
    },
  };
  return { runner, ops };
}
