import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where ffmpeg came from: FFMPEG_PATH, the system's PATH, or the static build in the npm package. */
  source: 'configured' | 'system' | 'bundled';
  /**
   * Whether astats can be told to measure the peak alone (ffmpeg ≥ 4.4): the cheap true-peak meter of the encode
   * pass, and the mark of a build recent enough for the side-by-side encoders. The bundled 2018 build is not: ebur128
   * measures the true peak itself and both encoders share one process. Read once, at start.
   */
  astatsPeakOnly?: boolean;
}

/** Asks this ffmpeg which astats options it has (a few milliseconds, once). */
export function detectAstatsPeakOnly(ffmpeg: string): boolean {
  try {
    return execFileSync(ffmpeg, ['-hide_banner', '-h', 'filter=astats'], { encoding: 'utf8', timeout: 10_000 }).includes('measure_perchannel');
  } catch {
    return false;
  }
}

/**
 * What the bundled build costs, measured with `npm run bench:ingest` on 30 minutes of speech (2 cores): said once at
 * start so whoever runs the worker knows that installing the system's ffmpeg is worth it.
 */
export const BUNDLED_FFMPEG_NOTE =
  'ffmpeg: only the bundled static build is available (@ffmpeg-installer, built in 2018); it measured 2.8× slower than ' +
  "Debian's ffmpeg 5.1 for the same transcode. Install the system's ffmpeg (apt-get install ffmpeg) for speed.";

const require = createRequire(import.meta.url);

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function fromNpm(pkg: string): string | undefined {
  try {
    return (require(pkg) as { path: string }).path;
  } catch {
    return undefined;
  }
}

/** Configured path, else the one on PATH, else the static build shipped in the npm package. */
export function resolveMediaBinaries(configured: { ffmpegPath?: string; ffprobePath?: string }): MediaBinaries {
  const system = onPath('ffmpeg');
  const ffmpeg = configured.ffmpegPath ?? system ?? fromNpm('@ffmpeg-installer/ffmpeg');
  const source = configured.ffmpegPath ? 'configured' : system ? 'system' : 'bundled';
  const ffprobe = configured.ffprobePath ?? onPath('ffprobe') ?? fromNpm('@ffprobe-installer/ffprobe');
  if (!ffmpeg) throw new Error('FFMPEG_PATH: no ffmpeg found (not set, not on PATH, @ffmpeg-installer/ffmpeg missing)');
  if (!ffprobe) throw new Error('FFPROBE_PATH: no ffprobe found (not set, not on PATH, @ffprobe-installer/ffprobe missing)');
  return { ffmpeg, ffprobe, source, astatsPeakOnly: detectAstatsPeakOnly(ffmpeg) };
}

/** Each ffmpeg this machine has, system first: for benchmarks and checks that compare the two. */
export function availableMediaBinaries(): MediaBinaries[] {
  const found: MediaBinaries[] = [];
  const [ffmpeg, ffprobe] = [onPath('ffmpeg'), onPath('ffprobe')];
  if (ffmpeg && ffprobe) found.push({ ffmpeg, ffprobe, source: 'system', astatsPeakOnly: detectAstatsPeakOnly(ffmpeg) });
  const [bundledFfmpeg, bundledFfprobe] = [fromNpm('@ffmpeg-installer/ffmpeg'), fromNpm('@ffprobe-installer/ffprobe')];
  if (bundledFfmpeg && bundledFfprobe) found.push({ ffmpeg: bundledFfmpeg, ffprobe: bundledFfprobe, source: 'bundled', astatsPeakOnly: detectAstatsPeakOnly(bundledFfmpeg) });
  return found;
}
