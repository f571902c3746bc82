import ffmpeg from 'fluent-ffmpeg';
import type { MediaBinaries } from './binaries.js';
import type { FfmpegSpec } from './command-spec.js';

/**
 * The one place that spawns ffmpeg/ffprobe (through fluent-ffmpeg). It reports progress, keeps the tail of stderr
 * plus any lines the caller asks for, and classifies failures so the job layer knows whether a retry can help.
 */

export type FailureKind = 'bad_input' | 'transient';

export class MediaError extends Error {
  override name = 'MediaError';
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly stderrTail: string[],
  ) {
    super(message);
  }
}

// Messages ffmpeg/ffprobe print when the input itself is the problem: running again cannot help.
const BAD_INPUT_PATTERNS = [
  /Invalid data found when processing input/i,
  /could not find codec parameters/i,
  /does not contain any stream/i,
  /matches no streams/i,
  /moov atom not found/i,
  /Invalid (?:RIFF|WAVE|header)/i,
  /no (?:audio|decoder) (?:stream|found)/i,
  /Unknown input format/i,
  /End of file/i,
  /Failed to read frame size/i,
];

export function classifyFailure(stderr: string[], killedBySignal: boolean): FailureKind {
  if (killedBySignal) return 'transient';
  return stderr.some((l) => BAD_INPUT_PATTERNS.some((p) => p.test(l))) ? 'bad_input' : 'transient';
}

const TAIL_LINES = 30;
const PROGRESS_LINE = /^[a-z_0-9]+=\S*$/;

export interface RunOptions {
  timeoutSec: number;
  /** Progress is reported against this many seconds of output. */
  expectedDurationSec?: number;
  onProgress?: (fraction: number) => void;
  /** Lines to keep in full whatever the length of stderr (e.g. silencedetect events). */
  keep?: (line: string) => boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  kept: string[];
  tail: string[];
  /** The last output timestamp ffmpeg reported, in seconds: the decoded length when the output is null. */
  lastTimeSec: number | null;
}

export interface ProbeStream {
  codecType: string;
  codecName?: string;
  channels?: number;
  sampleRate?: number;
  durationSec?: number;
  bitRate?: number;
}

export interface ProbeResult {
  formatName?: string;
  durationSec: number | null;
  bitRate?: number;
  streams: ProbeStream[];
}

export interface MediaRunner {
  readonly binaries: MediaBinaries;
  run(spec: FfmpegSpec, opts: RunOptions): Promise<RunResult>;
  probe(file: string): Promise<ProbeResult>;
}

const finite = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export function createMediaRunner(binaries: MediaBinaries): MediaRunner {
  return {
    binaries,
    run(spec, opts) {
      return new Promise<RunResult>((resolve, reject) => {
        if (opts.signal?.aborted) {
          reject(new MediaError('ffmpeg not started: the work was stopped', 'transient', []));
          return;
        }
        const tail: string[] = [];
        const kept: string[] = [];
        let lastTimeSec: number | null = null;
        let lastReported = -1;
        let killedBySignal = false;

        const cmd = ffmpeg({ stdoutLines: 1, timeout: opts.timeoutSec }).setFfmpegPath(binaries.ffmpeg);
        // fluent-ffmpeg adds its own -y; the rest of our argv goes in verbatim (spread: no splitting on spaces).
        for (const input of spec.inputs) {
          cmd.input(input.path);
          if (input.options.length) cmd.inputOptions(...input.options);
        }
        // Machine-readable progress on stderr: out_time_us is exact where the stats line rounds to 10 ms.
        cmd.inputOptions('-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:2');
        if (spec.complexFilter) cmd.complexFilter(spec.complexFilter);
        for (const output of spec.outputs) {
          cmd.output(output.path);
          cmd.outputOptions(...output.options);
        }

        cmd.on('stderr', (line: string) => {
          const isProgress = PROGRESS_LINE.test(line);
          if (!isProgress) {
            tail.push(line);
            if (tail.length > TAIL_LINES) tail.shift();
          }
          if (opts.keep?.(line)) kept.push(line);
          const t = /^out_time_us=(\d+)$/.exec(line);
          if (!t) return;
          lastTimeSec = Number(t[1]) / 1e6;
          if (opts.onProgress && opts.expectedDurationSec && opts.expectedDurationSec > 0) {
            const fraction = Math.min(1, lastTimeSec / opts.expectedDurationSec);
            if (fraction - lastReported >= 0.01) {
              lastReported = fraction;
              opts.onProgress(fraction);
            }
          }
        });
        const onAbort = () => {
          killedBySignal = true;
          cmd.kill('SIGKILL');
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        // fluent-ffmpeg spawns a tick or more after run() and ignores a kill before that: a stop that came first is
        // carried out as soon as the process exists.
        cmd.on('start', () => {
          if (killedBySignal) cmd.kill('SIGKILL');
        });
        cmd.on('error', (err: Error) => {
          opts.signal?.removeEventListener('abort', onAbort);
          const signalled = killedBySignal || /killed with signal|SIGKILL|timeout/i.test(err.message);
          const kind = classifyFailure(tail, signalled);
          reject(new MediaError(`ffmpeg failed: ${err.message.split('\n')[0]}`, kind, [...tail]));
        });
        cmd.on('end', () => {
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({ kept, tail, lastTimeSec });
        });
        cmd.run();
      });
    },
    probe(file) {
      return new Promise<ProbeResult>((resolve, reject) => {
        ffmpeg(file)
          .setFfprobePath(binaries.ffprobe)
          .ffprobe((err: Error | null, data: ffmpeg.FfprobeData) => {
            if (err) {
              const lines = String(err.message).split('\n');
              // ffprobe only reads the file: once it ran and exited non-zero, the file is what it could not read.
              const ran = /exited with code/.test(lines[0] ?? '');
              reject(new MediaError(`ffprobe failed: ${lines.at(-1) ?? lines[0]}`, ran ? 'bad_input' : 'transient', lines.slice(-TAIL_LINES)));
              return;
            }
            resolve({
              formatName: data.format.format_name,
              durationSec: finite(data.format.duration) ?? null,
              bitRate: finite(data.format.bit_rate),
              streams: data.streams.map((s) => ({
                codecType: s.codec_type ?? 'unknown',
                codecName: s.codec_name,
                channels: finite(s.channels),
                sampleRate: finite(s.sample_rate),
                durationSec: finite(s.duration),
                bitRate: finite(s.bit_rate),
              })),
            });
          });
      });
    },
  };
}

/**
 * fluent-ffmpeg asks ffmpeg for its formats and encoders before its first command (two more process starts, ~0.5 s
 * measured inside the service), then keeps the answers for the life of the process. Asked once when the worker starts,
 * so that the first bulletin after a restart (a power cut, say) does not wait for it.
 */
export function warmUpFfmpeg(binaries: MediaBinaries): Promise<void> {
  const cmd = ffmpeg().setFfmpegPath(binaries.ffmpeg);
  return new Promise((resolve) => {
    // A failure here is left to the first real command, which reports it with its context.
    cmd.availableFormats(() => cmd.availableEncoders(() => resolve()));
  });
}
