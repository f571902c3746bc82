import { describe, expect, it } from 'vitest';
import { toArgv, type FfmpegSpec } from '../../src/media/command-spec.js';
import {
  analysisCommand,
  encodeCommands,
  encoderOptions,
  gainProbeCommand,
  LOUDNESS_METER,
  OVERSAMPLED_PEAK_METER,
  PROBE_WHOLE_MAX_SEC,
  probeMeterName,
  probeSamplePlan,
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

  it('without oversampling (the gain probes) limits at 44.1 kHz, with no peak meter', () => {
    const f = processingChain(chain, { oversample: false, peakMeter: true }).split(',');
    expect(f.slice(-2)).toEqual(['aresample=44100', 'alimiter=limit=0.7499:attack=5:release=50:level=0']);
    expect(f).not.toContain('aresample=176400');
  });

  it('leaves out the oversampled limiter when it would not act, still ending at 44.1 kHz', () => {
    const f = filters({ ...chain, limit: false });
    expect(f.some((x) => x.startsWith('alimiter'))).toBe(false);
    expect(f).not.toContain('aresample=176400');
    expect(f).toEqual(['aformat=sample_fmts=flt:channel_layouts=mono', 'volume=5.30dB', 'aresample=44100']);
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
    expect(af).toContain(LOUDNESS_METER);
    expect(LOUDNESS_METER).toBe('ebur128=peak=true:framelog=verbose');
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

describe('probe sample', () => {
  it('probes sources up to 3 minutes whole, and longer ones on 30 blocks of 3 s spread evenly', () => {
    expect(PROBE_WHOLE_MAX_SEC).toBe(180);
    expect(probeSamplePlan('/w/s.f32', null)).toBeNull();
    expect(probeSamplePlan('/w/s.f32', 180)).toBeNull();
    expect(probeSamplePlan('/w/s.f32', 1800)).toEqual({ path: '/w/s.f32', blockSec: 3, everySec: 60 });
    expect(probeSamplePlan('/w/s.f32', 7200)!.everySec).toBe(240);
    expect(probeSamplePlan('/w/s.f32', 300)!.everySec).toBe(10);
  });

  it('the analysis writes the sample of the mono downmix as raw float beside its measurements', () => {
    const spec = analysisCommand('/w/source.wav', { thresholdDb: -50, minSec: 3 }, { path: '/w/s.f32', blockSec: 3, everySec: 60 });
    expect(spec.complexFilter).toBe(
      "[0:a:0]aformat=sample_fmts=flt:channel_layouts=mono,asplit=2[whole][part];" +
        `[whole]silencedetect=n=-50dB:d=3,${LOUDNESS_METER}[measured];` +
        "[part]aselect='lt(mod(t,60),3)',asetpts=N/SR/TB,aresample=44100[sample]",
    );
    expect(spec.outputs).toEqual([
      { path: '-', options: ['-map', '[measured]', '-f', 'null'] },
      { path: '/w/s.f32', options: ['-map', '[sample]', '-c:a', 'pcm_f32le', '-f', 'f32le'] },
    ]);
  });
});

describe('gainProbeCommand', () => {
  const gains = [5.3, 7.3, 9.3].map((gainDb): ChainOptions => ({ ...chain, gainDb, trim: { start: 1, end: 20 } }));

  it('on the source: one decode, trimmed and downmixed once, then one chain and one named meter per gain', () => {
    const spec = gainProbeCommand({ path: '/w/source.wav', sample: false }, gains);
    expect(spec.inputs).toEqual([{ path: '/w/source.wav', options: [] }]);
    const [split, ...branches] = spec.complexFilter!.split(';');
    expect(split).toBe('[0:a:0]atrim=start=1:end=20,asetpts=PTS-STARTPTS,aformat=sample_fmts=flt:channel_layouts=mono,asplit=3[p0][p1][p2]');
    expect(branches).toEqual(
      gains.map((g, i) => `[p${i}]${processingChain({ ...g, trim: undefined }, { oversample: false })},${probeMeterName(i)}=framelog=verbose[m${i}]`),
    );
    expect(spec.outputs).toEqual(gains.map((_, i) => ({ path: '-', options: ['-map', `[m${i}]`, '-f', 'null'] })));
  });

  it('limits at the working rate: loudness only, no 4× oversampling and no peak meter', () => {
    const spec = gainProbeCommand({ path: '/w/source.wav', sample: false }, gains);
    expect(spec.complexFilter).toContain('volume=7.30dB,aresample=44100,alimiter=limit=');
    expect(spec.complexFilter).not.toContain('aresample=176400');
    expect(spec.complexFilter).not.toContain('astats');
  });

  it('on the sample: reads raw mono float at 44.1 kHz and does not trim it again', () => {
    const spec = gainProbeCommand({ path: '/w/s.f32', sample: true }, gains.slice(0, 1));
    expect(spec.inputs).toEqual([{ path: '/w/s.f32', options: ['-f', 'f32le', '-ar', '44100', '-ac', '1'] }]);
    expect(spec.complexFilter).toMatch(/^\[0:a:0\]aformat=sample_fmts=flt:channel_layouts=mono,asplit=1\[p0\];/);
    expect(spec.complexFilter).not.toContain('atrim');
  });
});

describe('encodeCommands', () => {
  const c: ChainOptions = { ...chain, trim: { start: 0.5, end: 21 } };

  describe('in one process', () => {
    const { main, side } = encodeCommands('/w/source.wav', c, [mp3, opus], null);

    it('decodes the input once and has no side process', () => {
      expect(main.inputs).toEqual([{ path: '/w/source.wav', options: [] }]);
      expect(side).toBeNull();
    });

    it('runs the chain, measures it (true peak on the limiter\'s 4× output), and splits it into one label per rendition', () => {
      expect(main.complexFilter).toBe(`[0:a:0]${processingChain(c, { peakMeter: true })},ebur128=framelog=verbose,asplit=2[out0][out1]`);
      const filters = processingChain(c, { peakMeter: true }).split(',');
      expect(filters[filters.indexOf(filters.find((f) => f.startsWith('alimiter='))!) + 1]).toBe(OVERSAMPLED_PEAK_METER);
      expect(filters.at(-1)).toBe('aresample=44100');
    });

    it('on an ffmpeg whose astats cannot measure the peak alone (the bundled 2018 build), ebur128 measures it', () => {
      const old = encodeCommands('/w/source.wav', c, [mp3, opus], null, false).main;
      expect(old.complexFilter).toBe(`[0:a:0]${processingChain(c)},${LOUDNESS_METER},asplit=2[out0][out1]`);
      expect(old.complexFilter).not.toContain('astats');
    });

    it('without the limiter, ebur128 measures the true peak itself', () => {
      const plain = encodeCommands('/w/source.wav', { ...c, limit: false }, [mp3, opus], null).main;
      expect(plain.complexFilter).toBe(`[0:a:0]${processingChain({ ...c, limit: false })},${LOUDNESS_METER},asplit=2[out0][out1]`);
      expect(plain.complexFilter).not.toContain('astats');
    });

    it("maps each output to its own split label, with that rendition's encoder", () => {
      expect(main.outputs).toEqual([
        { path: '/w/rendition.mp3', options: ['-map', '[out0]', ...encoderOptions(mp3)] },
        { path: '/w/rendition.opus', options: ['-map', '[out1]', ...encoderOptions(opus)] },
      ]);
    });

    it('scales to N renditions', () => {
      const three = encodeCommands('/w/s.wav', chain, [mp3, opus, { ...mp3, path: '/w/hi.mp3', bitrateKbps: 128 }], null).main;
      expect(three.complexFilter).toMatch(/,asplit=3\[out0\]\[out1\]\[out2\]$/);
      expect(three.outputs.map((o) => optionAfter(o.options, '-map'))).toEqual(['[out0]', '[out1]', '[out2]']);
      expect(encodeCommands('/w/s.wav', chain, [opus], null).main.complexFilter).toMatch(/,asplit=1\[out0\]$/);
    });
  });

  describe('side by side', () => {
    const { main, side } = encodeCommands('/w/source.wav', c, [mp3, opus], { name: 'opus', link: '/w/processed.f32' });

    it('the main process encodes mp3 and sends the measured, processed signal as raw float into the link', () => {
      expect(main.complexFilter).toBe(`[0:a:0]${processingChain(c, { peakMeter: true })},ebur128=framelog=verbose,asplit=2[out0][out1]`);
      expect(main.outputs).toEqual([
        { path: '/w/rendition.mp3', options: ['-map', '[out0]', ...encoderOptions(mp3)] },
        { path: '/w/processed.f32', options: ['-map', '[out1]', '-c:a', 'pcm_f32le', '-f', 'f32le'] },
      ]);
    });

    it('the side process reads that signal from the link and encodes opus, with no filter of its own', () => {
      expect(side).toEqual({
        inputs: [{ path: '/w/processed.f32', options: ['-f', 'f32le', '-ar', '44100', '-ac', '1'] }],
        outputs: [{ path: '/w/rendition.opus', options: ['-map', '0:a:0', ...encoderOptions(opus)] }],
      });
      expect(side!.complexFilter).toBeUndefined();
    });

    it('the argv both processes receive', () => {
      expect(toArgv(side!)).toEqual([
        '-y', '-f', 'f32le', '-ar', '44100', '-ac', '1', '-i', '/w/processed.f32', '-hide_banner', '-nostdin', '-nostats',
        '-map', '0:a:0', ...encoderOptions(opus), '/w/rendition.opus',
      ]);
      const argv = toArgv(main);
      expect(argv.slice(0, 3)).toEqual(['-y', '-i', '/w/source.wav']);
      expect(argv.at(-1)).toBe('/w/processed.f32');
    });
  });
});
