/**
 * Pure WAV (RIFF, integer PCM) reading and writing: enough to join a speech engine's sentence-by-sentence output
 * with pauses into one file, and to cut a preview short. No I/O.
 */

export interface PcmFormat {
  readonly sampleRate: number;
  readonly channels: number;
  /** 8, 16, 24 or 32 (integer PCM). */
  readonly bitsPerSample: number;
}

export interface Wav {
  readonly format: PcmFormat;
  /** The PCM frames, interleaved, little-endian. */
  readonly data: Buffer;
}

export class WavError extends Error {
  override name = 'WavError';
}

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
const HEADER_BYTES = 44;

export const blockAlign = (f: PcmFormat): number => f.channels * (f.bitsPerSample / 8);

export const durationSec = (w: Wav): number => w.data.length / blockAlign(w.format) / w.format.sampleRate;

/**
 * Reads a RIFF/WAVE buffer. A data chunk whose declared size runs past the end (what an engine writing to a pipe
 * leaves in the header, 0x7ffff000 or 0xffffffff) is taken to end with the buffer.
 */
export function parseWav(buf: Buffer): Wav {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavError('not a RIFF/WAVE file');
  }
  let format: PcmFormat | null = null;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const declared = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (declared < 16 || body + 16 > buf.length) throw new WavError('fmt chunk too short');
      const tag = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID, whose first two bytes are the tag.
      const realTag = tag === FORMAT_EXTENSIBLE && declared >= 40 ? buf.readUInt16LE(body + 24) : tag;
      if (realTag !== FORMAT_PCM) throw new WavError(`format ${tag} is not integer PCM`);
      const channels = buf.readUInt16LE(body + 2);
      const sampleRate = buf.readUInt32LE(body + 4);
      const bitsPerSample = buf.readUInt16LE(body + 14);
      if (channels < 1 || sampleRate < 1 || ![8, 16, 24, 32].includes(bitsPerSample)) {
        throw new WavError(`unsupported PCM layout: ${channels} channels, ${sampleRate} Hz, ${bitsPerSample} bits`);
      }
      format = { sampleRate, channels, bitsPerSample };
    } else if (id === 'data') {
      if (!format) throw new WavError('data chunk before fmt chunk');
      const available = buf.length - body;
      const size = Math.min(declared, available);
      // Only whole frames: a stream cut mid-frame must not shift every later sample.
      const whole = size - (size % blockAlign(format));
      return { format, data: buf.subarray(body, body + whole) };
    }
    // Chunks are word-aligned: an odd size is followed by a pad byte.
    offset = body + declared + (declared % 2);
  }
  throw new WavError(format ? 'no data chunk' : 'no fmt chunk');
}

/** A canonical 44-byte-header WAV around PCM data (given as one buffer or as parts, copied once). */
export function encodeWav(format: PcmFormat, data: Buffer | readonly Buffer[]): Buffer {
  const parts = Buffer.isBuffer(data) ? [data] : data;
  const dataBytes = parts.reduce((n, p) => n + p.length, 0);
  if (dataBytes + HEADER_BYTES - 8 > 0xffffffff) throw new WavError('audio too long for one WAV file');
  const header = Buffer.alloc(HEADER_BYTES);
  const align = blockAlign(format);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(HEADER_BYTES - 8 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(FORMAT_PCM, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * align, 28);
  header.writeUInt16LE(align, 32);
  header.writeUInt16LE(format.bitsPerSample, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, ...parts], HEADER_BYTES + dataBytes);
}

/** Silence of `ms` milliseconds in a format (8-bit PCM is unsigned: its zero is 128). */
export function silence(format: PcmFormat, ms: number): Buffer {
  const frames = Math.max(0, Math.round((ms * format.sampleRate) / 1000));
  return Buffer.alloc(frames * blockAlign(format), format.bitsPerSample === 8 ? 0x80 : 0);
}

const sameFormat = (a: PcmFormat, b: PcmFormat) => a.sampleRate === b.sampleRate && a.channels === b.channels && a.bitsPerSample === b.bitsPerSample;

export interface WavPart {
  readonly wav: Wav;
  /** Silence after this part, in milliseconds. */
  readonly pauseAfterMs: number;
}

/** Joins parts of one format into one WAV, each followed by its pause. */
export function joinWithPauses(parts: readonly WavPart[]): Buffer {
  const first = parts[0];
  if (!first) throw new WavError('nothing to join');
  const pieces: Buffer[] = [];
  for (const [i, p] of parts.entries()) {
    if (!sameFormat(p.wav.format, first.wav.format)) {
      const f = p.wav.format;
      throw new WavError(`part ${i + 1} is ${f.channels} ch ${f.sampleRate} Hz ${f.bitsPerSample} bit, unlike the first`);
    }
    pieces.push(p.wav.data);
    if (p.pauseAfterMs > 0) pieces.push(silence(first.wav.format, p.pauseAfterMs));
  }
  return encodeWav(first.wav.format, pieces);
}

/**
 * The first `maxSec` seconds (or all, if shorter). A cut inside speech ends with a short linear fade (16-bit only,
 * what speech engines write) so it does not click.
 */
export function truncate(w: Wav, maxSec: number, fadeMs = 30): Wav {
  const align = blockAlign(w.format);
  const maxBytes = Math.floor(maxSec * w.format.sampleRate) * align;
  if (w.data.length <= maxBytes) return w;
  const data = Buffer.from(w.data.subarray(0, maxBytes));
  if (w.format.bitsPerSample === 16 && fadeMs > 0) {
    const fadeFrames = Math.min(Math.round((fadeMs * w.format.sampleRate) / 1000), maxBytes / align);
    const start = maxBytes / align - fadeFrames;
    for (let f = 0; f < fadeFrames; f++) {
      const gain = (fadeFrames - f - 1) / fadeFrames;
      for (let c = 0; c < w.format.channels; c++) {
        const at = (start + f) * align + c * 2;
        data.writeInt16LE(Math.round(data.readInt16LE(at) * gain), at);
      }
    }
  }
  return { format: w.format, data };
}

/** Trailing silence added so the audio lasts at least `minSec` (a one-word notice must pass the minimum length). */
export function padTo(w: Wav, minSec: number): Wav {
  const missingSec = minSec - durationSec(w);
  if (missingSec <= 0) return w;
  return { format: w.format, data: Buffer.concat([w.data, silence(w.format, Math.ceil(missingSec * 1000))]) };
}
