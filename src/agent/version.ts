import fs from 'node:fs';
import path from 'node:path';

let cached: string | null = null;

/**
 * The agent's version, from the project's package.json: found by walking up from this file, so it works from the
 * sources (tsx), from the build (dist/…) and in the image alike.
 */
export function agentVersion(): string {
  if (cached !== null) return cached;
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not here: one level up
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return (cached = '0.0.0-unknown');
}
