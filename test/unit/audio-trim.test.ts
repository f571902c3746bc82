import { describe, expect, it } from 'vitest';
import { planTrim, type Interval, type TrimPolicy } from '../../src/domain/audio/trim.js';

// The service defaults: SILENCE_TRIM_MIN_SEC=3, SILENCE_KEEP_SEC=0.5.
const policy: TrimPolicy = { minSilenceSec: 3, keepSec: 0.5 };

describe('planTrim', () => {
  it('keeps the whole programme when there is no silence', () => {
    expect(planTrim([], 21.3, policy)).toEqual({ start: 0, end: 21.3 });
  });

  it('does not trim the fixtures\' 1 s lead-in and tail (they stay ≈21.3 s)', () => {
    // What silencedetect (d=0.5) reports on speech-stereo-44k.wav.
    const silences: Interval[] = [
      { start: 0, end: 1.04397 },
      { start: 20.0629, end: 20.5778 },
      { start: 20.5778, end: 21.3 },
    ];
    const kept = planTrim(silences, 21.3, policy);
    expect(kept).toEqual({ start: 0, end: 21.3 });
    expect(kept.end - kept.start).toBeCloseTo(21.3, 3);
  });

  it('trims a long leading silence, keeping keepSec before the first sound', () => {
    expect(planTrim([{ start: 0, end: 10 }], 40, policy)).toEqual({ start: 9.5, end: 40 });
  });

  it('finds a leading silence whose start is reported a hair after 0', () => {
    expect(planTrim([{ start: 0.02, end: 10 }], 40, policy)).toEqual({ start: 9.5, end: 40 });
  });

  it('trims a long trailing silence, keeping keepSec after the last sound', () => {
    expect(planTrim([{ start: 30, end: 40 }], 40, policy)).toEqual({ start: 0, end: 30.5 });
  });

  it('recognises a trailing silence that ends a hair before the decoded duration', () => {
    expect(planTrim([{ start: 30, end: 39.98 }], 40, policy)).toEqual({ start: 0, end: 30.5 });
  });

  it('trims both ends at once', () => {
    const silences: Interval[] = [
      { start: 0, end: 5 },
      { start: 12, end: 14 }, // a pause in the middle
      { start: 55, end: 60 },
    ];
    expect(planTrim(silences, 60, policy)).toEqual({ start: 4.5, end: 55.5 });
  });

  it('never touches silence in the middle, however long', () => {
    const silences: Interval[] = [{ start: 10, end: 50 }];
    expect(planTrim(silences, 60, policy)).toEqual({ start: 0, end: 60 });
  });

  it('leaves edge silences shorter than the minimum alone', () => {
    expect(planTrim([{ start: 0, end: 2.9 }, { start: 57.1, end: 60 }], 60, policy)).toEqual({ start: 0, end: 60 });
  });

  it('trims an edge silence of exactly the minimum length', () => {
    expect(planTrim([{ start: 0, end: 3 }], 60, policy)).toEqual({ start: 2.5, end: 60 });
  });

  it('never starts before 0 or ends after the duration when keepSec exceeds the silence', () => {
    const wide: TrimPolicy = { minSilenceSec: 0.5, keepSec: 10 };
    expect(planTrim([{ start: 0, end: 4 }, { start: 56, end: 60 }], 60, wide)).toEqual({ start: 0, end: 60 });
  });

  it('rounds to milliseconds', () => {
    expect(planTrim([{ start: 0, end: 3.123456 }, { start: 50.987654, end: 60 }], 60, policy)).toEqual({
      start: 2.623,
      end: 51.488,
    });
  });

  it('returns the whole range for whole-file silence (keepSec 0)', () => {
    expect(planTrim([{ start: 0, end: 10 }], 10, { minSilenceSec: 3, keepSec: 0 })).toEqual({ start: 0, end: 10 });
  });

  // A quiet recording (above the SILENT bar) can sit under the silencedetect threshold throughout.
  it('returns the whole range for whole-file silence (default keepSec 0.5)', () => {
    expect(planTrim([{ start: 0, end: 10 }], 10, policy)).toEqual({ start: 0, end: 10 });
  });
});
