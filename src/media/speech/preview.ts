import type { Config } from '../../../config/index.js';
import type { FfmpegSpec } from '../command-spec.js';

/**
 * A bulletin preview as the listener will roughly hear it: brought to the programme loudness in one pass (the
 * aired file gets the measured two-step treatment; a preview need not wait for it), mono MP3 at the renditions'
 * bitrate, small enough to arrive quickly over a commune's 3G link (20 s ≈ 160 KB where the WAV is ≈ 880 KB).
 */
export function previewMp3Spec(wavPath: string, mp3Path: string, media: Pick<Config['media'], 'loudnessTargetLufs' | 'truePeakMaxDbtp' | 'mp3BitrateKbps'>): FfmpegSpec {
  return {
    inputs: [{ path: wavPath, options: [] }],
    outputs: [
      {
        path: mp3Path,
        options: [
          '-af',
          `loudnorm=I=${media.loudnessTargetLufs}:TP=${media.truePeakMaxDbtp}:LRA=11`,
          '-ac',
          '1',
          '-ar',
          '44100',
          '-c:a',
          'libmp3lame',
          '-b:a',
          `${media.mp3BitrateKbps}k`,
          '-map_metadata',
          '-1',
          '-f',
          'mp3',
        ],
      },
    ],
  };
}
