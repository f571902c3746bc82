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
