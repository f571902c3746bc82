/** What is known about a finished rendition, measured from the file itself. */
export interface RenditionFacts {
  name: 'mp3' | 'opus';
  format: string;
  codec: string;
  mimeType: string;
  bitrateKbps: number;
  channels: number;
  sampleRate: number;
  durationSec: number;
  sizeBytes: number;
  sha256: string;
  integratedLufs: number;
  truePeakDbtp: number;
}

// Containers round and pad a little (an mp3 frame is 26 ms); more than this means a truncated or mis-stamped file.
export const CONTAINER_SLACK_SEC = 0.25;

/**
 * Why a rendition's container, read back, is not what the encode produced (another codec, no length, or a length
 * players would show wrongly), or null when it agrees.
 */
export function containerMismatch(
  produced: { codec: string; durationSec: number },
  container: { codec: string | null; durationSec: number | null },
): string | null {
  if (container.codec !== produced.codec) return `container holds ${container.codec ?? 'no known codec'}, the encode produced ${produced.codec}`;
  if (container.durationSec === null) return 'container states no length';
  if (Math.abs(container.durationSec - produced.durationSec) > CONTAINER_SLACK_SEC) {
    return `container says ${container.durationSec} s, the encode produced ${produced.durationSec} s`;
  }
  return null;
}
