import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffContainer, type Container } from '../../src/domain/audio/sniff.js';

const FIXTURES = '/work/shared/fixtures/audio';

/** A 16-byte head: the given parts, zero-padded. */
function head(...parts: (string | number[])[]): Buffer {
  const b = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
  return Buffer.concat([b, Buffer.alloc(Math.max(0, SNIFF_BYTES - b.length))]);
}

function fixtureHead(name: string): Buffer {
  const fd = fs.openSync(path.join(FIXTURES, name), 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

const SIZE = [0x24, 0x00, 0x00, 0x00];

describe('sniffContainer: audio containers', () => {
  const cases: [string, Buffer, Container][] = [
    ['RIFF/WAVE', head('RIFF', SIZE, 'WAVEfmt '), 'wav'],
    ['RF64/WAVE', head('RF64', [0xff, 0xff, 0xff, 0xff], 'WAVEds64'), 'wav'],
    ['BW64/WAVE', head('BW64', [0xff, 0xff, 0xff, 0xff], 'WAVEds64'), 'wav'],
    ['AIFF', head('FORM', SIZE, 'AIFFCOMM'), 'aiff'],
    ['AIFF-C', head('FORM', SIZE, 'AIFCFVER'), 'aiff'],
    ['ID3-tagged mp3', head('ID3', [0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x23]), 'mp3'],
    ['raw MPEG-1 Layer III frame sync', head([0xff, 0xfb, 0x90, 0x64]), 'mp3'],
    ['raw MPEG-2 Layer III frame sync', head([0xff, 0xf3, 0x64, 0xc4]), 'mp3'],
    ['raw MPEG-2.5 Layer III frame sync', head([0xff, 0xe3, 0x18, 0xc4]), 'mp3'],
    ['MPEG-1 Layer II (mp2)', head([0xff, 0xfd, 0x94, 0x00]), 'mp3'],
    ['ADTS AAC (MPEG-4)', head([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), 'aac'],
    ['ADTS AAC (MPEG-2)', head([0xff, 0xf9, 0x50, 0x80]), 'aac'],
    ['MP4 ftyp M4A', head([0x00, 0x00, 0x00, 0x1c], 'ftypM4A ', [0, 0, 2, 0]), 'mp4'],
    ['MP4 ftyp isom', head([0x00, 0x00, 0x00, 0x20], 'ftypisom'), 'mp4'],
    ['3GP ftyp', head([0x00, 0x00, 0x00, 0x18], 'ftyp3gp4'), 'mp4'],
    ['Ogg', head('OggS', [0x00, 0x02]), 'ogg'],
    ['FLAC', head('fLaC', [0x00, 0x00, 0x00, 0x22]), 'flac'],
    ['Matroska/WebM', head([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), 'matroska'],
    ['ASF/WMA', head([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]), 'asf'],
    ['AMR', head('#!AMR\n'), 'amr'],
    ['AMR-WB', head('#!AMR-WB\n'), 'amr'],
    ['CAF', head('caff', [0x00, 0x01, 0x00, 0x00]), 'caf'],
  ];
  for (const [what, buf, expected] of cases) {
    it(`recognises ${what}`, () => {
      expect(sniffContainer(buf)).toBe(expected);
    });
  }
});

describe('sniffContainer: not audio', () => {
  const cases: [string, Buffer][] = [
    ['PNG', head([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR')],
    ['plain text', Buffer.from('This is not audio, just text.\n', 'utf8').subarray(0, SNIFF_BYTES)],
    ['UTF-8 Vietnamese text', Buffer.from('Chuyên mục chính sách', 'utf8').subarray(0, SNIFF_BYTES)],
    ['JPEG (JFIF)', head([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF')],
    ['JPEG (Exif)', head([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10], 'Exif')],
    ['PDF', head('%PDF-1.7\n%\xe2\xe3\xcf\xd3')],
    ['ZIP', head([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])],
    ['RIFF that is not WAVE (AVI)', head('RIFF', SIZE, 'AVI LIST')],
    ['FORM that is not AIFF', head('FORM', SIZE, 'ILBMBMHD')],
    ['HTML', head('<!DOCTYPE html>')],
    ['all zeros', Buffer.alloc(SNIFF_BYTES)],
    ['empty buffer', Buffer.alloc(0)],
    ['one 0xFF byte', Buffer.from([0xff])],
    ['RIFF cut before the form type', Buffer.from('RIFF\x24\x00\x00\x00', 'latin1')],
  ];
  for (const [what, buf] of cases) {
    it(`refuses ${what}`, () => {
      expect(sniffContainer(buf)).toBeNull();
    });
  }
});

describe('sniffContainer on the real fixtures', () => {
  const expected: Record<string, Container | null> = {
    'speech-stereo-44k.wav': 'wav',
    'speech-quiet-16k-mono.wav': 'wav',
    'silence-10s.wav': 'wav', // refused later, by the worker: nothing audible
    'lying-header.wav': 'wav', // refused later, by the worker: truncated
    'speech-128k.mp3': 'mp3',
    'truncated.mp3': 'mp3',
    'speech-phone.m4a': 'mp4',
    'speech.ogg': 'ogg',
    'not-audio.mp3': null,
    'image-renamed.wav': null,
    'empty.wav': null,
  };
  for (const [file, container] of Object.entries(expected)) {
    it(`${file} → ${String(container)}`, () => {
      expect(sniffContainer(fixtureHead(file))).toBe(container);
    });
  }
});
