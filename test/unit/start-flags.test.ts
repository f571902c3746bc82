import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startNodeFlags } from '../../bench/lib/start-flags.js';

describe('node flags of the service', () => {
  it('the Dockerfile starts node with the same flags as `npm start`', () => {
    const dockerfile = fs.readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const line = dockerfile.split('\n').find((l) => l.startsWith('ENTRYPOINT'));
    expect(line, 'Dockerfile has an ENTRYPOINT').toBeDefined();
    const words = JSON.parse(line!.slice('ENTRYPOINT'.length)) as string[];
    expect(words[0]).toBe('node');
    expect(words.filter((w) => w.startsWith('--'))).toEqual(startNodeFlags());
  });

  it('`npm start` exposes gc, which the upload route needs to release read buffers as it goes', () => {
    expect(startNodeFlags()).toContain('--expose-gc');
    expect(startNodeFlags().some((f) => f.startsWith('--max-semi-space-size='))).toBe(true);
  });
});
