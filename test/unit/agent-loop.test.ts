import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Loop } from '../../src/agent/loop.js';
import { waitFor } from '../helpers/env.js';

describe('agent loop', () => {
  it('shorten() brings a far run forward, never pushes a near one back, and applies after a run in progress', { timeout: 10_000 }, async () => {
    const runs: number[] = [];
    let release: (() => void) | null = null;
    let block = false;
    const loop = new Loop(
      't',
      async () => {
        runs.push(Date.now());
        if (block) await new Promise<void>((r) => (release = r));
        return 60_000;
      },
      pino({ level: 'silent' }),
    );
    loop.start();
    await waitFor(() => runs.length === 1, { what: 'first run' });
    const t0 = Date.now();
    loop.shorten(200);
    loop.shorten(5_000); // later than the run already due: no effect
    await waitFor(() => runs.length === 2, { timeoutMs: 3_000, what: 'shortened run' });
    expect(runs[1]! - t0).toBeGreaterThanOrEqual(190);
    expect(runs[1]! - t0).toBeLessThan(2_000);

    // During a run: the 60 s the task returns gives way to the shortened wait.
    block = true;
    loop.wake();
    await waitFor(() => runs.length === 3 && release, { what: 'blocked run' });
    block = false;
    loop.shorten(200);
    const t1 = Date.now();
    release!();
    await waitFor(() => runs.length === 4, { timeoutMs: 3_000, what: 'run after the shortened wait' });
    expect(runs[3]! - t1).toBeLessThan(2_000);
    await loop.stop();
  });
});
