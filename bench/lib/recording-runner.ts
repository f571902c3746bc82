import path from 'node:path';
import type { FfmpegSpec } from '../../src/media/command-spec.js';
import { probeMeterName } from '../../src/media/commands.js';
import type { MediaRunner } from '../../src/media/runner.js';

export type RecordedOp =
  | { kind: 'run'; spec: FfmpegSpec; label: string; ms: number }
  | { kind: 'probe'; file: string; label: string; ms: number };

/** Names a pipeline command after what it does, for the per-step table. */
export function labelFor(spec: FfmpegSpec): string {
  const filters = `${spec.complexFilter ?? ''} ${spec.outputs.flatMap((o) => o.options).join(' ')}`;
  const input = path.basename(spec.inputs[0]?.path ?? '?');
  if (filters.includes('silencedetect')) return 'analyse';
  if (filters.includes(probeMeterName(0))) return `gain probe ×${spec.outputs.length}`;
  if (input === 'pipe:0' || input.endsWith('.f32')) return `encode ${spec.outputs.map((o) => path.extname(o.path).slice(1)).join('+')} (side)`;
  if (spec.complexFilter) return `encode ${spec.outputs.map((o) => (o.path === 'pipe:1' ? 'pipe' : path.extname(o.path).slice(1))).join('+')}`;
  return `measure ${input}`;
}

/** Decorates a MediaRunner: every run() spec and probe() file is recorded in call order, with how long it took. */
export function recordingRunner(inner: MediaRunner): { runner: MediaRunner; ops: RecordedOp[] } {
  const ops: RecordedOp[] = [];
  const timed = async <T>(op: RecordedOp, work: () => Promise<T>): Promise<T> => {
    ops.push(op);
    const t0 = performance.now();
    try {
      return await work();
    } catch (err) {
      // A run the pipeline stopped (the decode begun beside the probe, for a long file) shows as such in the steps.
      op.label += ' (stopped)';
      throw err;
    } finally {
      op.ms = performance.now() - t0;
    }
  };
  const runner: MediaRunner = {
    binaries: inner.binaries,
    run: (spec, opts) => timed({ kind: 'run', spec: structuredClone(spec), label: labelFor(spec), ms: 0 }, () => inner.run(spec, opts)),
    probe: (file) => timed({ kind: 'probe', file, label: `probe ${path.basename(file)}`, ms: 0 }, () => inner.probe(file)),
  };
  return { runner, ops };
}
