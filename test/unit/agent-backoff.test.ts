import { describe, expect, it } from 'vitest';
import { backoffDelay, jittered } from '../../src/agent/backoff.js';

describe('back-off', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per failure up to the cap, with half the step random', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1000);
    expect(backoffDelay(2, policy, () => 0)).toBe(1000);
    expect(backoffDelay(4, policy, () => 1)).toBe(8000);
    expect(backoffDelay(50, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(50, policy, () => 0)).toBe(30_000);
    expect(backoffDelay(10_000, policy, () => 0.5)).toBe(45_000);
  });

  it('never returns zero or a negative delay, even for odd attempt counts', () => {
    for (const attempt of [0, -3, 0.5, 1]) expect(backoffDelay(attempt, policy, () => 0)).toBeGreaterThan(0);
  });

  it('spreads polls around the interval', () => {
    expect(jittered(60_000, 0.2, () => 0)).toBe(48_000);
    expect(jittered(60_000, 0.2, () => 1)).toBe(72_000);
    expect(jittered(60_000, 0.2, () => 0.5)).toBe(60_000);
  });
});
