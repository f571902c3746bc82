import { describe, expect, it } from 'vitest';
import { validateDecoded } from '../../src/domain/audio/validate.js';
import {
  isEbur128SummaryLine,
  isProbeSummaryLine,
  isSilenceLine,
  parseEbur128Summary,
  parseProbeLoudness,
  parseSilences,
} from '../../src/media/parse.js';
import { classifyFailure } from '../../src/media/runner.js';

// What the analysis command prints on speech-stereo-44k.wav (ffmpeg 4.1), lightly shortened. The per-frame lines
// carry their own running "I:" and "TPK:" values, deliberately different from the summary here.
const ANALYSIS_STDERR = `Input #0, wav, from 'speech-stereo-44k.wav':
  Duration: 00:00:21.30, bitrate: 1411 kb/s
    Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, stereo, s16, 1411 kb/s
[silencedetect @ 0xa8619c0] silence_start: 0
[Parsed_ebur128_2 @ 0xa862d00] t: 0.1       TARGET:-23 LUFS    M:-120.7 S:-120.7     I: -70.0 LUFS       LRA:   0.0 LU  FTPK: -inf dBFS  TPK: -inf dBFS
[silencedetect @ 0xa8619c0] silence_end: 1.04397 | silence_duration: 1.04397
[Parsed_ebur128_2 @ 0xa862d00] t: 10.5      TARGET:-23 LUFS    M: -20.1 S: -21.0     I: -20.8 LUFS       LRA:   1.9 LU  FTPK:  -3.0 dBFS  TPK:  -2.2 dBFS
[Parsed_ebur128_2 @ 0xa862d00] t: 21.3      TARGET:-23 LUFS    M: -62.6 S: -24.2     I: -21.4 LUFS       LRA:   2.6 LU  FTPK: -52.8 dBFS  TPK:  -1.7 dBFS
size=N/A time=00:00:21.30 bitrate=N/A speed= 135x
video:0kB audio:1997kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_ebur128_2 @ 0xa862d00] Summary:

  Integrated loudness:
    I:         -21.3 LUFS
    Threshold: -31.6 LUFS

  Loudness range:
    LRA:         2.6 LU
    Threshold: -41.5 LUFS
    LRA low:   -22.6 LUFS
    LRA high:  -20.0 LUFS

  True peak:
    Peak:       -1.9 dBFS
[silencedetect @ 0xa8619c0] silence_end: 21.3 | silence_duration: 0.722222`.split('\n');

const SILENCE_SUMMARY = `[Parsed_ebur128_2 @ 0x2db62cc0] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS

  Loudness range:
    LRA:         0.0 LU
    Threshold:   0.0 LUFS
    LRA low:     0.0 LUFS
    LRA high:    0.0 LUFS

  True peak:
    Peak:       -inf dBFS`.split('\n');

describe('parseEbur128Summary', () => {
  it('reads integrated loudness and true peak from the summary block', () => {
    expect(parseEbur128Summary(ANALYSIS_STDERR)).toEqual({ integratedLufs: -21.3, truePeakDbtp: -1.9 });
  });

  it('ignores the per-frame lines (their I: and TPK: are not the summary)', () => {
    const frames = ANALYSIS_STDERR.filter((l) => l.includes(' t: '));
    expect(frames.length).toBeGreaterThan(0);
    expect(parseEbur128Summary(frames)).toBeNull();
    // A frame line after the summary does not override it either.
    expect(parseEbur128Summary([...ANALYSIS_STDERR, frames.at(-1)!])).toEqual({ integratedLufs: -21.3, truePeakDbtp: -1.9 });
  });

  it('does not confuse the threshold or LRA lines with I:', () => {
    const r = parseEbur128Summary(ANALYSIS_STDERR);
    expect(r?.integratedLufs).not.toBe(-31.6);
    expect(r?.integratedLufs).not.toBe(-41.5);
  });

  it('reads -inf as negative infinity', () => {
    expect(parseEbur128Summary(SILENCE_SUMMARY)).toEqual({ integratedLufs: -70, truePeakDbtp: Number.NEGATIVE_INFINITY });
    expect(parseEbur128Summary(['    I:          -inf LUFS', '    Peak:       -inf dBFS'])).toEqual({
      integratedLufs: Number.NEGATIVE_INFINITY,
      truePeakDbtp: Number.NEGATIVE_INFINITY,
    });
  });

  it('reads positive peaks (clipping sources) and tolerates a trailing CR', () => {
    expect(parseEbur128Summary(['    I:          -9.8 LUFS\r', '    Peak:        0.7 dBFS\r'])).toEqual({
      integratedLufs: -9.8,
      truePeakDbtp: 0.7,
    });
  });

  it('takes the last summary when several are printed', () => {
    const twice = [...SILENCE_SUMMARY, ...ANALYSIS_STDERR];
    expect(parseEbur128Summary(twice)).toEqual({ integratedLufs: -21.3, truePeakDbtp: -1.9 });
  });

  it('needs both values', () => {
    expect(parseEbur128Summary([])).toBeNull();
    expect(parseEbur128Summary(['    I:         -21.3 LUFS'])).toBeNull();
    expect(parseEbur128Summary(['    Peak:       -1.9 dBFS'])).toBeNull();
  });

  it('feeds validation: digital silence is rejected as SILENT', () => {
    const loud = parseEbur128Summary(SILENCE_SUMMARY)!;
    const r = validateDecoded({ audioStreams: 1, claimedDurationSec: 10 }, { decodedDurationSec: 10, ...loud }, {
      minDurationSec: 1,
      maxDurationSec: 14_400,
    });
    expect(r?.code).toBe('SILENT');
  });
});

// A three-gain probe as ffmpeg 5.1 prints it, kept lines only: the graph is built twice, and the first build's meters
// print an empty summary (-70 LUFS) before the real ones, which come in reverse order.
const PROBE_STDERR = [
  '[ebur128@gain2 @ 0x56129c498a00] Summary:',
  '    I:         -70.0 LUFS',
  '[ebur128@gain1 @ 0x56129c496600] Summary:',
  '    I:         -70.0 LUFS',
  '[ebur128@gain0 @ 0x56129c4915c0] Summary:',
  '    I:         -70.0 LUFS',
  '[ebur128@gain2 @ 0x56129c5c1c00] Summary:',
  '    I:         -15.3 LUFS',
  '[ebur128@gain1 @ 0x56129c501800] Summary:',
  '    I:         -16.2 LUFS',
  '[ebur128@gain0 @ 0x56129c4a1e80] Summary:',
  '    I:         -17.2 LUFS',
];

describe('parseProbeLoudness', () => {
  it("gives each named meter its own last summary's integrated loudness, whatever the order", () => {
    expect(parseProbeLoudness(PROBE_STDERR, 3)).toEqual([-17.2, -16.2, -15.3]);
  });

  it('leaves null for a meter that printed nothing, and ignores meters beyond the count', () => {
    expect(parseProbeLoudness(PROBE_STDERR.slice(8), 4)).toEqual([-17.2, -16.2, null, null]);
    expect(parseProbeLoudness(PROBE_STDERR, 1)).toEqual([-17.2]);
  });

  it('keeps the summary headers and their loudness lines, not frame lines', () => {
    expect(PROBE_STDERR.every(isProbeSummaryLine)).toBe(true);
    expect(isProbeSummaryLine('[ebur128@gain0 @ 0x1] t: 0.1  TARGET:-23 LUFS  M:-120.7 S:-120.7  I: -70.0 LUFS')).toBe(false);
    expect(isProbeSummaryLine('[Parsed_volume_2 @ 0x1] something')).toBe(false);
  });
});

describe('line filters used to keep stderr small', () => {
  it('isEbur128SummaryLine keeps the I: and Peak: summary lines only', () => {
    const kept = ANALYSIS_STDERR.filter(isEbur128SummaryLine);
    expect(kept.map((l) => l.trim())).toEqual(['I:         -21.3 LUFS', 'Peak:       -1.9 dBFS']);
    // What is kept is enough to parse.
    expect(parseEbur128Summary(kept)).toEqual({ integratedLufs: -21.3, truePeakDbtp: -1.9 });
  });

  it('isSilenceLine keeps silencedetect events only', () => {
    const kept = ANALYSIS_STDERR.filter(isSilenceLine);
    expect(kept).toHaveLength(3);
    expect(kept.every((l) => l.startsWith('[silencedetect'))).toBe(true);
  });
});

describe('parseSilences', () => {
  it('pairs start and end lines', () => {
    const lines = [
      '[silencedetect @ 0x1] silence_start: 0',
      '[silencedetect @ 0x1] silence_end: 1.04397 | silence_duration: 1.04397',
      'size=N/A time=00:00:10.00 bitrate=N/A',
      '[silencedetect @ 0x1] silence_start: 20.0629',
      '[silencedetect @ 0x1] silence_end: 21.3 | silence_duration: 1.2371',
    ];
    expect(parseSilences(lines, 21.3)).toEqual([
      { start: 0, end: 1.04397 },
      { start: 20.0629, end: 21.3 },
    ]);
  });

  it('works on the realistic analysis output', () => {
    expect(parseSilences(ANALYSIS_STDERR, 21.3)).toEqual([{ start: 0, end: 1.04397 }]);
  });

  it('runs a silence still open at the end to the decoded duration', () => {
    const lines = ['[silencedetect @ 0x1] silence_start: 30', 'video:0kB audio:1kB'];
    expect(parseSilences(lines, 40)).toEqual([{ start: 30, end: 40 }]);
  });

  it('drops an open silence that starts at or after the end', () => {
    expect(parseSilences(['[silencedetect @ 0x1] silence_start: 40'], 40)).toEqual([]);
  });

  it('clamps a slightly negative start to 0', () => {
    const lines = ['[silencedetect @ 0x1] silence_start: -0.00133333', '[silencedetect @ 0x1] silence_end: 5 | silence_duration: 5'];
    expect(parseSilences(lines, 30)).toEqual([{ start: 0, end: 5 }]);
  });

  it('ignores an end without a start', () => {
    expect(parseSilences(['[silencedetect @ 0x1] silence_end: 5 | silence_duration: 5'], 30)).toEqual([]);
  });

  it('returns nothing for no silence', () => {
    expect(parseSilences([], 30)).toEqual([]);
  });

  // ffmpeg prints silencedetect times with %g: a silence starting on the first samples reads 6.80272e-05.
  it('reads times printed in scientific notation', () => {
    const lines = [
      '[silencedetect @ 0x16e915c0] silence_start: 6.80272e-05',
      '[silencedetect @ 0x16e915c0] silence_end: 4.00002 | silence_duration: 3.99995',
    ];
    const [s] = parseSilences(lines, 8);
    expect(s?.start).toBeCloseTo(0.0000680272, 9);
    expect(s?.end).toBe(4.00002);
  });
});

describe('classifyFailure', () => {
  it('calls it bad input when ffmpeg cannot read the file', () => {
    expect(classifyFailure(['x.mp3: Invalid data found when processing input'], false)).toBe('bad_input');
    expect(classifyFailure(['[mov,mp4,m4a @ 0x1] moov atom not found', 'x.m4a: Invalid data found when processing input'], false)).toBe(
      'bad_input',
    );
    expect(classifyFailure(['Stream map \'0:a:0\' matches no streams.'], false)).toBe('bad_input');
  });

  it('calls a process killed by a signal transient, whatever stderr says', () => {
    expect(classifyFailure(['Invalid data found when processing input'], true)).toBe('transient');
    expect(classifyFailure([], true)).toBe('transient');
  });

  it('calls unknown errors transient (worth a retry)', () => {
    expect(classifyFailure(['Cannot allocate memory'], false)).toBe('transient');
    expect(classifyFailure(['/tmp/x/rendition.mp3: No space left on device'], false)).toBe('transient');
    expect(classifyFailure([], false)).toBe('transient');
  });
});
