import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

/**
 * Optional CPU profiles of this process (which runs the runtime in part 1) for one phase, written as
 * .cpuprofile files (open in Chrome DevTools or speedscope). Only when BENCH_PROFILE_DIR is set: profiling
 * slows the phase down, so figures from such a run are for reading the profile, not for the verdict.
 */
export async function profilePhase<T>(dir: string | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
