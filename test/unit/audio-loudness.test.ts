import { describe, expect, it } from 'vitest';
import {
  dbToLinear,
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
    expect(LIMITER_MARGIN_DB).toBe(1);
    expect(limiterCeilingDb(target)).toBe(-2.5);
  });

  it('engages when peak + gain passes the limiter ceiling', () => {
    expect(limiterEngages(-1.9, 5.3, target)).toBe(true);
    expect(limiterEngages(-10, 7.6, target)).toBe(true); // -2.4 > -2.5
  });

  it('does not engage at or below the ceiling', () => {
    expect(limiterEngages(-10, 7.5, target)).toBe(false); // exactly -2.5
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

    // The same loop the pipeline runs.
    function converge(base: number, peak: number) {
      const lufs = model(base, peak);
      let gainDb = initialGain(base, target);
      const probes: GainProbe[] = [];
      const errors: number[] = [];
      if (!limiterEngages(peak, gainDb, target)) return { gainDb, probes, errors };
      for (let pass = 0; pass < MAX_GAIN_PASSES; pass++) {
        const measured = lufs(gainDb);
        probes.push({ gainDb, integratedLufs: measured });
        errors.push(Math.abs(measured - target.integratedLufs));
        if (isOnTarget(measured, target)) break;
        gainDb = nextGain(probes, target);
      }
      return { gainDb, probes, errors };
    }

    it('reaches the target from the speech fixture levels within MAX_GAIN_PASSES', () => {
      for (const [base, peak] of [
        [-21.3, -1.9],
        [-44, -22],
        [-30, -3],
        [-25, -8],
      ] as const) {
        const { gainDb, probes, errors } = converge(base, peak);
        expect(probes.length, `${base}/${peak}`).toBeGreaterThan(0);
        expect(probes.length).toBeLessThanOrEqual(MAX_GAIN_PASSES);
        expect(Math.abs(model(base, peak)(gainDb) - target.integratedLufs), `${base}/${peak}`).toBeLessThanOrEqual(
          LOUDNESS_TOLERANCE_LU,
        );
        // Each pass gets closer.
        for (let i = 1; i < errors.length; i++) expect(errors[i]!).toBeLessThan(errors[i - 1]!);
      }
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
