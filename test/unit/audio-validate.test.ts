import { describe, expect, it } from 'vitest';
import { REJECTION_RULES, RejectedInput, rejection } from '../../src/domain/audio/rejection.js';
import {
  SILENCE_LUFS,
  validateDecoded,
  validateProbe,
  type DecodeFacts,
  type DurationLimits,
  type ProbeFacts,
} from '../../src/domain/audio/validate.js';

const limits: DurationLimits = { minDurationSec: 1, maxDurationSec: 4 * 3600 };
const probe = (claimedDurationSec: number | null, audioStreams = 1): ProbeFacts => ({ audioStreams, claimedDurationSec });
const decoded = (decodedDurationSec: number, integratedLufs = -21.3, truePeakDbtp = -1.9): DecodeFacts => ({
  decodedDurationSec,
  integratedLufs,
  truePeakDbtp,
});

describe('validateProbe', () => {
  it('rejects media without an audio stream', () => {
    const r = validateProbe(probe(10, 0));
    expect(r?.code).toBe('NO_AUDIO_STREAM');
    expect(r?.message).toBe(REJECTION_RULES.NO_AUDIO_STREAM.vi);
    expect(r?.messageEn).toBe(REJECTION_RULES.NO_AUDIO_STREAM.en);
  });

  it('accepts media with one or more audio streams', () => {
    expect(validateProbe(probe(10, 1))).toBeNull();
    expect(validateProbe(probe(null, 2))).toBeNull();
  });
});

describe('validateDecoded', () => {
  it('accepts a normal ≈21.3 s speech file (the fixtures)', () => {
    expect(validateDecoded(probe(21.3), decoded(21.3), limits)).toBeNull();
    expect(validateDecoded(probe(null), decoded(21.3, -44, -20), limits)).toBeNull();
  });

  it('rejects a file that decodes to nothing as EMPTY', () => {
    expect(validateDecoded(probe(21), decoded(0), limits)?.code).toBe('EMPTY');
    expect(validateDecoded(probe(null), decoded(-1), limits)?.code).toBe('EMPTY');
    const r = validateDecoded(probe(null), decoded(0), limits);
    expect(r?.message).toBe(REJECTION_RULES.EMPTY.vi);
    expect(r?.messageEn).toBe(REJECTION_RULES.EMPTY.en);
  });

  describe('TRUNCATED', () => {
    it('rejects a file decoding to much less than its header claims', () => {
      const r = validateDecoded(probe(21.34), decoded(10), limits);
      expect(r?.code).toBe('TRUNCATED');
    });

    it('tolerates approximately-right headers (21.34 claimed, 21.30 decoded)', () => {
      expect(validateDecoded(probe(21.34), decoded(21.3), limits)).toBeNull();
    });

    it('ignores differences under 1 s even when the ratio is below 90 %', () => {
      // 4.2 / 5 = 84 % but only 0.8 s missing: encoder delay / VBR estimate territory.
      expect(validateDecoded(probe(5), decoded(4.2), limits)).toBeNull();
    });

    it('ignores differences under 10 % even when more than 1 s is missing', () => {
      // 1 h claimed, 3 s missing: a VBR estimate, not a truncation.
      expect(validateDecoded(probe(3600), decoded(3597), limits)).toBeNull();
    });

    it('needs both conditions: just past both thresholds is truncated', () => {
      expect(validateDecoded(probe(20), decoded(17.9), limits)?.code).toBe('TRUNCATED');
    });

    it('is skipped when the header claims no duration', () => {
      expect(validateDecoded(probe(null), decoded(5), limits)).toBeNull();
    });

    it('is reported before TOO_SHORT (header claims 21 s, 0.2 s decode)', () => {
      const r = validateDecoded(probe(21), decoded(0.2), limits);
      expect(r?.code).toBe('TRUNCATED');
      expect(r?.message).toBe(`${REJECTION_RULES.TRUNCATED.vi} Giải mã được 0,20 giây, tệp ghi 21 giây.`);
      expect(r?.messageEn).toBe(`${REJECTION_RULES.TRUNCATED.en} Decoded 0.20 s, header claims 21 s.`);
    });

    it('the lying-header case (huge claim, tiny decode) is TRUNCATED rather than TOO_SHORT', () => {
      expect(validateDecoded(probe(24_347), decoded(0.01), limits)?.code).toBe('TRUNCATED');
    });
  });

  it('rejects audio shorter than the minimum as TOO_SHORT with details', () => {
    const r = validateDecoded(probe(0.5), decoded(0.5), limits);
    expect(r?.code).toBe('TOO_SHORT');
    expect(r?.message).toBe(`${REJECTION_RULES.TOO_SHORT.vi} Dài 0,50 giây, tối thiểu 1 giây.`);
    expect(r?.messageEn).toBe(`${REJECTION_RULES.TOO_SHORT.en} 0.50 s, minimum 1 s.`);
  });

  it('accepts exactly the minimum and exactly the maximum', () => {
    expect(validateDecoded(probe(null), decoded(1), limits)).toBeNull();
    expect(validateDecoded(probe(null), decoded(4 * 3600), limits)).toBeNull();
  });

  it('rejects audio longer than the maximum as TOO_LONG with details', () => {
    const r = validateDecoded(probe(20_000), decoded(20_000), limits);
    expect(r?.code).toBe('TOO_LONG');
    expect(r?.message).toBe(`${REJECTION_RULES.TOO_LONG.vi} Dài 20.000 giây, tối đa 14.400 giây.`);
    expect(r?.messageEn).toBe(`${REJECTION_RULES.TOO_LONG.en} 20000 s, maximum 14400 s.`);
  });

  it('checks duration before loudness (a short silent file is TOO_SHORT)', () => {
    expect(validateDecoded(probe(null), decoded(0.5, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY), limits)?.code).toBe(
      'TOO_SHORT',
    );
  });

  describe('SILENT', () => {
    it('rejects -inf loudness', () => {
      const r = validateDecoded(probe(10), decoded(10, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY), limits);
      expect(r?.code).toBe('SILENT');
      expect(r?.message).toBe(REJECTION_RULES.SILENT.vi);
      expect(r?.messageEn).toBe(REJECTION_RULES.SILENT.en);
    });

    it('rejects the -70 LUFS ebur128 reports for digital silence, and anything ≤ -69.5', () => {
      expect(SILENCE_LUFS).toBe(-69.5);
      expect(validateDecoded(probe(10), decoded(10, -70, Number.NEGATIVE_INFINITY), limits)?.code).toBe('SILENT');
      expect(validateDecoded(probe(10), decoded(10, -69.5, -40), limits)?.code).toBe('SILENT');
    });

    it('rejects a non-finite true peak even with a finite loudness', () => {
      expect(validateDecoded(probe(10), decoded(10, -30, Number.NEGATIVE_INFINITY), limits)?.code).toBe('SILENT');
      expect(validateDecoded(probe(10), decoded(10, Number.NaN, -3), limits)?.code).toBe('SILENT');
    });

    it('accepts very quiet but audible programmes', () => {
      expect(validateDecoded(probe(10), decoded(10, -69.4, -40), limits)).toBeNull();
      expect(validateDecoded(probe(21.3), decoded(21.3, -44, -22), limits)).toBeNull();
    });
  });
});

describe('rejection', () => {
  it('puts the Vietnamese message first and the English one second, with details appended', () => {
    const r = rejection('TOO_SHORT', 'chi tiết', 'detail');
    expect(r).toEqual({
      code: 'TOO_SHORT',
      message: 'Âm thanh quá ngắn. chi tiết',
      messageEn: 'The audio is too short. detail',
    });
  });

  it('has a Vietnamese and an English message for every code', () => {
    for (const [code, rule] of Object.entries(REJECTION_RULES)) {
      expect(rule.vi, code).not.toBe('');
      expect(rule.en, code).not.toBe('');
      expect(rule.vi, code).not.toBe(rule.en);
    }
  });

  it('RejectedInput carries the rejection and names the code', () => {
    const err = new RejectedInput(rejection('SILENT'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RejectedInput');
    expect(err.rejection.code).toBe('SILENT');
    expect(err.message).toBe(`SILENT: ${REJECTION_RULES.SILENT.en}`);
  });
});
