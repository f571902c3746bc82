/**
 * Recognises audio/video containers from their first bytes, so a body that is plainly not audio is refused before
 * it is stored. Deliberately permissive: anything ffmpeg might decode passes; the worker has the final word.
 */
export const SNIFF_BYTES = 16;

export type Container = 'wav' | 'aiff' | 'mp3' | 'aac' | 'mp4' | 'ogg' | 'flac' | 'matroska' | 'asf' | 'amr' | 'caf';

const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;

export function sniffContainer(head: Buffer): Container | null {
  if ((ascii(head, 0, 'RIFF') || ascii(head, 0, 'RF64') || ascii(head, 0, 'BW64')) && ascii(head, 8, 'WAVE')) return 'wav';
  if (ascii(head, 0, 'FORM') && (ascii(head, 8, 'AIFF') || ascii(head, 8, 'AIFC'))) return 'aiff';
  if (ascii(head, 0, 'ID3')) return 'mp3';
  if (ascii(head, 4, 'ftyp')) return 'mp4';
  if (ascii(head, 0, 'OggS')) return 'ogg';
  if (ascii(head, 0, 'fLaC')) return 'flac';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x3026b275) return 'asf';
  if (ascii(head, 0, '#!AMR')) return 'amr';
  if (ascii(head, 0, 'caff')) return 'caf';
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) {
    // ADTS AAC has layer bits 00; MPEG audio (mp1/2/3) has a non-zero layer.
    return (head[1]! & 0x06) === 0 ? 'aac' : 'mp3';
  }
  return null;
}
