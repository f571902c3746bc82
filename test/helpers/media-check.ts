import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveMediaBinaries } from '../../src/media/binaries.js';

const run = promisify(execFile);
const bins = resolveMediaBinaries({});

/** Facts about an audio file read straight from ffprobe/ffmpeg, independent of the service's own parsers. */
export async function inspectAudio(file: string) {
  const probe = await run(bins.ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  const info = JSON.parse(probe.stdout) as { format: Record<string, string>; streams: Record<string, string | number>[] };
  const stream = info.streams.find((s) => s.codec_type === 'audio')!;
  const loud = await run(bins.ffmpeg, ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const integrated = [...loud.stderr.matchAll(/^\s+I:\s+(-?[\d.]+) LUFS/gm)].at(-1)?.[1];
  const peak = [...loud.stderr.matchAll(/^\s+Peak:\s+(-?[\d.]+) dBFS/gm)].at(-1)?.[1];
  const time = [...loud.stderr.matchAll(/time=(\d+):(\d+):([\d.]+)/g)].at(-1);
  return {
    formatName: info.format.format_name,
    codec: String(stream.codec_name),
    channels: Number(stream.channels),
    sampleRate: Number(stream.sample_rate),
    bitRate: Number(stream.bit_rate ?? info.format.bit_rate),
    decodedSec: time ? Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]) : NaN,
    integratedLufs: Number(integrated),
    truePeakDbtp: Number(peak),
  };
}
