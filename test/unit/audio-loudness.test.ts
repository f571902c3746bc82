import { describe, expect, it } from 'vitest';
import {
  bracketGains,
  BRACKET_STEPS_DB,
  dbToLinear,
  gainFromBracket,
  initialGain,
  isOnTarget,
  LIMITER_MARGIN_DB,
  limiterCeilingDb,
  limiterEngages,
  LOUDNESS_TOLERANCE_LU,
  MAX_GAIN_DB,
  MAX_GAIN_PASSES,
  nextGain,
  type GainProbe,
  type LoudnessTarget,
} from '../../src/domain/audio/loudness.js';

const target: LoudnessTarget = { integratedLufs: -16, truePeakDbtp: -1.5 };

describe('initialGain', () => {
  it('is the distance to the target', () => {
    expect(initialGain(-21.3, target)).toBeCloseTo(5.3, 10);
    expect(initialGain(-44, target)).toBe(28);
    expect(initialGain(-10, target)).toBe(-6);
    expect(initialGain(-16, target)).toBe(0);
  });

  it('rounds to 0.01 dB', () => {
    expect(initialGain(-21.3333, target)).toBe(5.33);
  });

  it(`is clamped to ±${MAX_GAIN_DB} dB`, () => {
    expect(MAX_GAIN_DB).toBe(40);
    expect(initialGain(-100, target)).toBe(40);
    expect(initialGain(30, target)).toBe(-40);
  });
});

describe('limiter ceiling and engagement', () => {
  it('sits LIMITER_MARGIN_DB below the true-peak ceiling', () => {
    expect(LIMITER_MARGIN_DB).toBe(1.5);
    expect(limiterCeilingDb(target)).toBe(-3);
  });

  it('engages when peak + gain passes the limiter ceiling', () => {
    expect(limiterEngages(-1.9, 5.3, target)).toBe(true);
    expect(limiterEngages(-10, 7.1, target)).toBe(true); // -2.9 > -3
  });

  it('does not engage at or below the ceiling', () => {
    expect(limiterEngages(-10, 7, target)).toBe(false); // exactly -3
    expect(limiterEngages(-20, 5, target)).toBe(false);
    expect(limiterEngages(-1.9, -3, target)).toBe(false);
  });
});

describe('isOnTarget', () => {
  it(`accepts ±${LOUDNESS_TOLERANCE_LU} LU`, () => {
    expect(isOnTarget(-16, target)).toBe(true);
    expect(isOnTarget(-16.15, target)).toBe(true);
    expect(isOnTarget(-15.85, target)).toBe(true);
    expect(isOnTarget(-16.3, target)).toBe(false);
    expect(isOnTarget(-15.5, target)).toBe(false);
    expect(isOnTarget(Number.NEGATIVE_INFINITY, target)).toBe(false);
  });
});

describe('bracketGains', () => {
  it('starts at the unlimited gain and goes up, since a limiter only takes loudness away', () => {
    expect(bracketGains(5.3)).toEqual([5.3, 7.3, 9.3, 11.3]);
  });

  it('stays within the gain bounds without repeating a gain', () => {
    expect(bracketGains(37)).toEqual([37, 39, 40]);
    expect(bracketGains(40)).toEqual([40]);
  });
});

describe('gainFromBracket', () => {
  const at = (pairs: [number, number][]): GainProbe[] => pairs.map(([gainDb, integratedLufs]) => ({ gainDb, integratedLufs }));

  it('reads the gain between the two measurements that straddle the target, whatever their order', () => {
    // The speech fixture through the working-rate limiter (ffmpeg 5.1).
    const probes = at([[9.3, -15.3], [5.3, -17.2], [11.3, -14.5], [7.3, -16.2]]);
    expect(gainFromBracket(probes, target)).toEqual({ gainDb: 7.74, bracketed: true });
  });

  it('takes a measurement exactly on the target as it is', () => {
    expect(gainFromBracket(at([[5, -17], [7, -16], [9, -15]]), target)).toEqual({ gainDb: 7, bracketed: true });
  });

  it('already too loud at the lowest gain (the limiter did nothing): steps down by the difference', () => {
    expect(gainFromBracket(at([[5, -15.5], [7, -13.5]]), target)).toEqual({ gainDb: 4.5, bracketed: true });
  });

  it('beyond the loudest measurement: a secant guess from the top two, not yet bracketed', () => {
    expect(gainFromBracket(at([[5, -19], [7, -18.5], [9, -18], [11, -17.5]]), target)).toEqual({ gainDb: 17, bracketed: false });
  });

  it('beyond the loudest but within tolerance of it: that one will do', () => {
    expect(gainFromBracket(at([[5, -17.5], [7, -16.9], [9, -16.4], [11, -16.1]]), target)).toEqual({ gainDb: 11, bracketed: true });
  });

  it('needs a measurement', () => {
    expect(() => gainFromBracket([], target)).toThrow();
  });
});

describe('nextGain', () => {
  it('needs at least one measurement', () => {
    expect(() => nextGain([], target)).toThrow();
  });

  it('assumes a slope of 1 with a single measurement', () => {
    expect(nextGain([{ gainDb: 5, integratedLufs: -17.68 }], target)).toBe(6.68);
    expect(nextGain([{ gainDb: 5, integratedLufs: -15 }], target)).toBe(4);
  });

  it('uses the secant slope of the last two measurements', () => {
    // Slope 0.5: 1 LU short needs 2 dB more.
    const probes: GainProbe[] = [
      { gainDb: 4, integratedLufs: -18 },
      { gainDb: 6, integratedLufs: -17 },
    ];
    expect(nextGain(probes, target)).toBe(8);
  });

  it('uses only the last two measurements', () => {
    const probes: GainProbe[] = [
      { gainDb: 0, integratedLufs: -40 }, // would give a wild slope with the last one
      { gainDb: 4, integratedLufs: -18 },
      { gainDb: 6, integratedLufs: -17 },
    ];
    expect(nextGain(probes, target)).toBe(8);
  });

  it('never assumes a slope above 1', () => {
    // Measured slope 2 → treated as 1.
    const probes: GainProbe[] = [
      { gainDb: 4, integratedLufs: -19 },
      { gainDb: 5, integratedLufs: -17 },
    ];
    expect(nextGain(probes, target)).toBe(6);
  });

  it('never assumes a slope below 0.2, so steps stay bounded', () => {
    // Measured slope 0.05 → treated as 0.2: 1 LU short needs 5 dB, not 20.
    const probes: GainProbe[] = [
      { gainDb: 4, integratedLufs: -17.1 },
      { gainDb: 6, integratedLufs: -17 },
    ];
    expect(nextGain(probes, target)).toBe(11);
  });

  it('treats a negative measured slope as the minimum 0.2', () => {
    const probes: GainProbe[] = [
      { gainDb: 4, integratedLufs: -16.5 },
      { gainDb: 6, integratedLufs: -17 },
    ];
    expect(nextGain(probes, target)).toBe(11);
  });

  it('falls back to slope 1 when the last two gains are equal', () => {
    const probes: GainProbe[] = [
      { gainDb: 6, integratedLufs: -17.2 },
      { gainDb: 6, integratedLufs: -17 },
    ];
    expect(nextGain(probes, target)).toBe(7);
  });

  it('lowers the gain when the last measurement overshot', () => {
    const probes: GainProbe[] = [
      { gainDb: 5, integratedLufs: -17 },
      { gainDb: 7, integratedLufs: -15 },
    ];
    expect(nextGain(probes, target)).toBe(6);
  });

  it(`is clamped to ±${MAX_GAIN_DB} dB`, () => {
    expect(nextGain([{ gainDb: 39, integratedLufs: -60 }], target)).toBe(40);
    expect(nextGain([{ gainDb: -39, integratedLufs: 20 }], target)).toBe(-40);
  });

  describe('against a synthetic monotone limiter', () => {
    // Below the ceiling gain is linear; above it the limiter eats 30 % of every extra dB.
    const model = (base: number, peak: number) => (g: number) =>
      base + g - Math.max(0, peak + g - limiterCeilingDb(target)) * 0.3;

    // The same loop the pipeline runs: one pass over the bracket, then single probes only if it fell short.
    function converge(base: number, peak: number) {
      const lufs = model(base, peak);
      let gainDb = initialGain(base, target);
      const probes: GainProbe[] = [];
      let passes = 0;
      if (!limiterEngages(peak, gainDb, target)) return { gainDb, probes, passes };
      let gains = bracketGains(gainDb);
      for (; passes < MAX_GAIN_PASSES; ) {
        passes++;
        probes.push(...gains.map((g) => ({ gainDb: g, integratedLufs: lufs(g) })));
        const found = gainFromBracket(probes, target);
        gainDb = found.gainDb;
        if (found.bracketed) break;
        gains = [gainDb];
      }
      return { gainDb, probes, passes };
    }

    it('reaches the target from the speech fixture levels in one pass over the bracket', () => {
      for (const [base, peak] of [
        [-21.3, -1.9],
        [-44, -22],
        [-30, -3],
        [-25, -8],
      ] as const) {
        const { gainDb, probes, passes } = converge(base, peak);
        expect(probes.length, `${base}/${peak}`).toBe(BRACKET_STEPS_DB.length);
        expect(passes).toBe(1);
        // The model is piecewise linear, so reading between two measurements is exact here.
        expect(Math.abs(model(base, peak)(gainDb) - target.integratedLufs), `${base}/${peak}`).toBeLessThan(0.01);
      }
    });

    it('a limiter that eats almost everything: beyond the bracket, further probes one at a time reach the target', () => {
      // Above the ceiling only 30 % of every extra dB comes through: the bracket's 6 dB give 1.8 LU of the 3.5 needed.
      const steep = (g: number) => -22 + g - Math.max(0, -3.5 + g - limiterCeilingDb(target)) * 0.7;
      let gainDb = initialGain(-22, target);
      const probes: GainProbe[] = bracketGains(gainDb).map((g) => ({ gainDb: g, integratedLufs: steep(g) }));
      let found = gainFromBracket(probes, target);
      expect(found.bracketed).toBe(false);
      let passes = 1;
      while (!found.bracketed && passes < MAX_GAIN_PASSES) {
        gainDb = found.gainDb;
        probes.push({ gainDb, integratedLufs: steep(gainDb) });
        found = gainFromBracket(probes, target);
        passes++;
      }
      expect(found.bracketed).toBe(true);
      expect(Math.abs(steep(found.gainDb) - target.integratedLufs)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    });

    it('first step under-shoots (limiter eats loudness), the secant step corrects it', () => {
      const lufs = model(-21.3, -1.9);
      const g0 = initialGain(-21.3, target);
      const l0 = lufs(g0);
      expect(l0).toBeLessThan(target.integratedLufs - LOUDNESS_TOLERANCE_LU);
      const g1 = nextGain([{ gainDb: g0, integratedLufs: l0 }], target);
      expect(g1).toBeGreaterThan(g0);
      const l1 = lufs(g1);
      const g2 = nextGain(
        [
          { gainDb: g0, integratedLufs: l0 },
          { gainDb: g1, integratedLufs: l1 },
        ],
        target,
      );
      expect(Math.abs(lufs(g2) - target.integratedLufs)).toBeLessThan(0.05);
    });

    it('needs no measuring pass when the limiter does not engage', () => {
      const { probes, gainDb } = converge(-20, -12);
      expect(probes).toHaveLength(0);
      expect(gainDb).toBe(4);
    });
  });
});

describe('dbToLinear', () => {
  it('converts dB to amplitude', () => {
    expect(dbToLinear(0)).toBe(1);
    expect(dbToLinear(-20)).toBeCloseTo(0.1, 12);
    expect(dbToLinear(-2.5)).toBeCloseTo(0.7499, 4);
    expect(dbToLinear(6)).toBeCloseTo(1.9953, 4);
  });
});
