import { parseFile } from 'music-metadata';

/**
 * What a finished rendition's container says about itself, read in-process with music-metadata. A player trusts the
 * container, not the encoder's log, so the pipeline checks the two agree. Reading it here rather than with ffprobe
 * saves a process start per rendition (~0.12 s of dynamic linking each with Debian's ffmpeg), on the path an urgent
 * bulletin waits on; and it is a reader independent of the ffmpeg that wrote the file.
 */
export interface ContainerFacts {
  /** 'mp3' or 'opus' when the file holds one of those, else whatever the reader called it. */
  codec: string | null;
  channels: number | null;
  sampleRate: number | null;
  /** From the header (an mp3's Info frame count) or the last page (an Ogg's granule position). */
  durationSec: number | null;
}

const CODECS: Record<string, string> = { 'MPEG 1 Layer 3': 'mp3', Opus: 'opus' };

export async function readContainer(file: string): Promise<ContainerFacts> {
  const { format } = await parseFile(file, { duration: true, skipCovers: true });
  return {
    codec: format.codec ? (CODECS[format.codec] ?? format.codec) : null,
    channels: format.numberOfChannels ?? null,
    sampleRate: format.sampleRate ?? null,
    durationSec: format.duration ?? null,
  };
}
