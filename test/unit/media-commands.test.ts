import { describe, expect, it } from 'vitest';
import { toArgv, type FfmpegSpec } from '../../src/media/command-spec.js';
import {
  analysisCommand,
  encodeCommand,
  encoderOptions,
  gainProbeCommand,
  measureCommand,
  processingChain,
  type ChainOptions,
  type RenditionTarget,
} from '../../src/media/commands.js';

/** The value following `flag` in an option list. */
function optionAfter(options: string[], flag: string): string | undefined {
  const i = options.indexOf(flag);
  return i < 0 ? undefined : options[i + 1];
}

const chain: ChainOptions = { gainDb: 5.3, limiterCeilingDb: -2.5 };
const mp3: RenditionTarget = { name: 'mp3', path: '/w/rendition.mp3', bitrateKbps: 64 };
const opus: RenditionTarget = { name: 'opus', path: '/w/rendition.opus', bitrateKbps: 24 };

describe('encoderOptions', () => {
  it('mp3: libmp3lame at a constant bitrate, 44.1 kHz mono, mp3 container', () => {
    const o = encoderOptions(mp3);
    expect(optionAfter(o, '-c:a')).toBe('libmp3lame');
    expect(optionAfter(o, '-b:a')).toBe('64k');
    expect(optionAfter(o, '-ar')).toBe('44100');
    expect(optionAfter(o, '-ac')).toBe('1');
    expect(optionAfter(o, '-f')).toBe('mp3');
    // CBR: no VBR quality option that would override -b:a.
    expect(o).not.toContain('-q:a');
    expect(o).not.toContain('-qscale:a');
    expect(o).not.toContain('-vbr');
  });

  it('opus: libopus at 48 kHz mono, in an Ogg container', () => {
    const o = encoderOptions(opus);
    expect(optionAfter(o, '-c:a')).toBe('libopus');
    expect(optionAfter(o, '-b:a')).toBe('24k');
    expect(optionAfter(o, '-ar')).toBe('48000');
    expect(optionAfter(o, '-ac')).toBe('1');
    expect(optionAfter(o, '-f')).toBe('ogg');
  });

  it('follows the configured bitrate', () => {
    expect(optionAfter(encoderOptions({ ...mp3, bitrateKbps: 128 }), '-b:a')).toBe('128k');
    expect(optionAfter(encoderOptions({ ...opus, bitrateKbps: 48 }), '-b:a')).toBe('48k');
  });

  it('drops source metadata and any video (cover art) from renditions', () => {
    for (const t of [mp3, opus]) {
      const o = encoderOptions(t);
      expect(optionAfter(o, '-map_metadata')).toBe('-1');
      expect(o).toContain('-vn');
    }
  });
});

describe('processingChain', () => {
  const filters = (o: ChainOptions) => processingChain(o).split(',');

  it('has no atrim without a trim', () => {
    const f = filters(chain);
    expect(f.some((x) => x.startsWith('atrim'))).toBe(false);
    expect(f.some((x) => x.startsWith('asetpts'))).toBe(false);
  });

  it('starts with atrim (and resets timestamps) when a trim is given', () => {
    const f = filters({ ...chain, trim: { start: 9.5, end: 30.5 } });
    expect(f[0]).toBe('atrim=start=9.5:end=30.5');
    expect(f[1]).toBe('asetpts=PTS-STARTPTS');
  });

  it('downmixes to mono float before the gain, and the gain comes before the limiter', () => {
    const f = filters(chain);
    const mono = f.indexOf('aformat=sample_fmts=flt:channel_layouts=mono');
    const volume = f.findIndex((x) => x.startsWith('volume='));
    const limiter = f.findIndex((x) => x.startsWith('alimiter='));
    expect(mono).toBeGreaterThanOrEqual(0);
    expect(volume).toBeGreaterThan(mono);
    expect(limiter).toBeGreaterThan(volume);
  });

  it('formats the gain in dB with two decimals', () => {
    expect(filters(chain)).toContain('volume=5.30dB');
    expect(filters({ ...chain, gainDb: -3.456 })).toContain('volume=-3.46dB');
    expect(filters({ ...chain, gainDb: 28 })).toContain('volume=28.00dB');
  });

  it('gives the limiter its ceiling as linear amplitude, without auto make-up gain', () => {
    const limiter = filters(chain).find((x) => x.startsWith('alimiter='));
    expect(limiter).toBeDefined();
    const params = new Map(
      limiter!
        .slice('alimiter='.length)
        .split(':')
        .map((kv) => kv.split('=') as [string, string]),
    );
    expect(params.get('limit')).toBe('0.7499'); // -2.5 dB
    expect(params.get('level')).toBe('0');
    expect(filters({ ...chain, limiterCeilingDb: -1 })).toContain('alimiter=limit=0.8913:attack=5:release=50:level=0');
  });

  it('limits oversampled (true peak) and returns to 44.1 kHz', () => {
    const f = filters(chain);
    const limiter = f.findIndex((x) => x.startsWith('alimiter='));
    expect(f[limiter - 1]).toBe('aresample=176400');
    expect(f[limiter + 1]).toBe('aresample=44100');
    expect(f.at(-1)).toBe('aresample=44100');
  });
});

describe('analysisCommand', () => {
  const spec = analysisCommand('/w/source.wav', { thresholdDb: -50, minSec: 3 });
  const out = spec.outputs[0]!;

  it('reads one input and writes to the null muxer', () => {
    expect(spec.inputs).toEqual([{ path: '/w/source.wav', options: [] }]);
    expect(spec.outputs).toHaveLength(1);
    expect(out.path).toBe('-');
    expect(optionAfter(out.options, '-f')).toBe('null');
    expect(spec.complexFilter).toBeUndefined();
  });

  it('maps only the first audio stream', () => {
    expect(out.options.filter((o) => o === '-map')).toHaveLength(1);
    expect(optionAfter(out.options, '-map')).toBe('0:a:0');
    expect(out.options).toEqual(expect.arrayContaining(['-vn', '-sn', '-dn']));
  });

  it('detects silence with the configured threshold and minimum duration, and measures loudness with true peak', () => {
    const af = optionAfter(out.options, '-af')!.split(',');
    expect(af).toContain('silencedetect=n=-50dB:d=3');
    expect(af).toContain('ebur128=peak=true');
    // Measured on the mono downmix listeners hear.
    expect(af[0]).toBe('aformat=sample_fmts=flt:channel_layouts=mono');
    const other = analysisCommand('x', { thresholdDb: -60, minSec: 0.5 }).outputs[0]!;
    expect(optionAfter(other.options, '-af')).toContain('silencedetect=n=-60dB:d=0.5');
  });

  it('does not apply gain or limiting', () => {
    const af = optionAfter(out.options, '-af')!;
    expect(af).not.toContain('volume=');
    expect(af).not.toContain('alimiter');
  });
});

describe('gainProbeCommand', () => {
  it('measures the exact processing chain the encoder will use', () => {
    const c: ChainOptions = { ...chain, trim: { start: 1, end: 20 } };
    const spec = gainProbeCommand('/w/source.wav', c);
    const out = spec.outputs[0]!;
    expect(optionAfter(out.options, '-map')).toBe('0:a:0');
    expect(optionAfter(out.options, '-af')).toBe(`${processingChain(c)},ebur128=peak=true`);
    expect(optionAfter(out.options, '-f')).toBe('null');
    expect(out.path).toBe('-');
  });
});

describe('encodeCommand', () => {
  const c: ChainOptions = { ...chain, trim: { start: 0.5, end: 21 } };
  const spec = encodeCommand('/w/source.wav', c, [mp3, opus]);

  it('decodes the input once', () => {
    expect(spec.inputs).toEqual([{ path: '/w/source.wav', options: [] }]);
  });

  it('runs the processing chain on the first audio stream and splits it into one label per rendition', () => {
    expect(spec.complexFilter).toBe(`[0:a:0]${processingChain(c)},asplit=2[out0][out1]`);
  });

  it('maps each output to its own split label, with that rendition\'s encoder', () => {
    expect(spec.outputs).toHaveLength(2);
    const [a, b] = spec.outputs;
    expect(a!.path).toBe('/w/rendition.mp3');
    expect(optionAfter(a!.options, '-map')).toBe('[out0]');
    expect(a!.options).toEqual(['-map', '[out0]', ...encoderOptions(mp3)]);
    expect(b!.path).toBe('/w/rendition.opus');
    expect(optionAfter(b!.options, '-map')).toBe('[out1]');
    expect(b!.options).toEqual(['-map', '[out1]', ...encoderOptions(opus)]);
  });

  it('scales to N renditions', () => {
    const three = encodeCommand('/w/s.wav', chain, [mp3, opus, { ...mp3, path: '/w/hi.mp3', bitrateKbps: 128 }]);
    expect(three.complexFilter).toMatch(/,asplit=3\[out0\]\[out1\]\[out2\]$/);
    expect(three.outputs.map((o) => optionAfter(o.options, '-map'))).toEqual(['[out0]', '[out1]', '[out2]']);
    const one = encodeCommand('/w/s.wav', chain, [opus]);
    expect(one.complexFilter).toMatch(/,asplit=1\[out0\]$/);
  });
});

describe('measureCommand', () => {
  it('decodes a rendition as is and measures it', () => {
    const spec = measureCommand('/w/rendition.mp3');
    expect(spec.inputs).toEqual([{ path: '/w/rendition.mp3', options: [] }]);
    const out = spec.outputs[0]!;
    expect(optionAfter(out.options, '-map')).toBe('0:a:0');
    expect(optionAfter(out.options, '-af')).toBe('ebur128=peak=true');
    expect(optionAfter(out.options, '-f')).toBe('null');
  });
});

describe('toArgv', () => {
  const spec = encodeCommand('/w/source.wav', chain, [mp3, opus]);
  const argv = toArgv(spec);

  it('is non-interactive and overwrites outputs', () => {
    expect(argv[0]).toBe('-y');
    expect(argv).toContain('-nostdin');
    expect(argv).toContain('-hide_banner');
  });

  it('puts inputs before -filter_complex before outputs', () => {
    const input = argv.indexOf('-i');
    const fc = argv.indexOf('-filter_complex');
    const firstMap = argv.indexOf('-map');
    expect(argv[input + 1]).toBe('/w/source.wav');
    expect(argv[fc + 1]).toBe(spec.complexFilter);
    expect(input).toBeLessThan(fc);
    expect(fc).toBeLessThan(firstMap);
    expect(argv.indexOf('/w/rendition.mp3')).toBeLessThan(argv.indexOf('/w/rendition.opus'));
    expect(argv.at(-1)).toBe('/w/rendition.opus');
  });

  it('puts each output\'s options before its path, and each input\'s options before -i', () => {
    const twoInputs: FfmpegSpec = {
      inputs: [
        { path: 'a.wav', options: ['-ss', '2'] },
        { path: 'b.wav', options: [] },
      ],
      outputs: [{ path: 'o.mp3', options: ['-c:a', 'libmp3lame'] }],
    };
    expect(toArgv(twoInputs)).toEqual([
      '-y', '-ss', '2', '-i', 'a.wav', '-i', 'b.wav', '-hide_banner', '-nostdin', '-nostats', '-c:a', 'libmp3lame', 'o.mp3',
    ]);
  });

  it('has no -filter_complex when the spec has none', () => {
    expect(toArgv(measureCommand('/w/x.mp3'))).not.toContain('-filter_complex');
  });

  it('keeps arguments with spaces whole', () => {
    const a = toArgv(analysisCommand('/w/my file.wav', { thresholdDb: -50, minSec: 3 }));
    expect(a).toContain('/w/my file.wav');
  });
});
