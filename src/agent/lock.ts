import fsp from 'node:fs/promises';
import path from 'node:path';

export class DirLockedError extends Error {
  override name = 'DirLockedError';
}

/**
 * One agent per data directory: two would both play every airing and fight over the journal. The lock file holds
 * the owner's pid; a lock left by a process that no longer exists (a crash, a power cut) is taken over.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'agent.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(file, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return async () => {
        await fsp.rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await fsp.readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new DirLockedError(`another agent (pid ${pid}) is using ${dir}; stop it first, or delete ${file} if that process is not an agent`);
    }
    await fsp.rm(file, { force: true });
  }
  throw new DirLockedError(`could not lock ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
