import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
}

const require = createRequire(import.meta.url);

function onPath(name: string): string | undefined {
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
  const ffmpeg = configured.ffmpegPath ?? onPath('ffmpeg') ?? fromNpm('@ffmpeg-installer/ffmpeg');
  const ffprobe = configured.ffprobePath ?? onPath('ffprobe') ?? fromNpm('@ffprobe-installer/ffprobe');
  if (!ffmpeg) throw new Error('FFMPEG_PATH: no ffmpeg found (not set, not on PATH, @ffmpeg-installer/ffmpeg missing)');
  if (!ffprobe) throw new Error('FFPROBE_PATH: no ffprobe found (not set, not on PATH, @ffprobe-installer/ffprobe missing)');
  return { ffmpeg, ffprobe };
}
