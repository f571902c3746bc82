import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { isRunning, selfIdentity, type ProcessIdentity } from '../process-identity.js';

/**
 * A transcode's temp directory (the original and its renditions, often tens of MB) is removed when the job ends,
 * but a worker killed mid-job (SIGKILL, OOM, power cut) never gets there. Each directory is named for the process
 * that made it, so a later start can tell the directories of processes that are gone from those still in use.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// mkdtemp appends six characters of its own.
const OWNED = new RegExp(`^loaxa-(${UUID})-p(\\d+)(?:s(\\d+))?-[A-Za-z0-9]{6}$`);
// Named before directories carried their owner (and the bulletin previews, which live seconds): judged by age.
const UNOWNED = new RegExp(`^loaxa-(?:${UUID}|preview)-[A-Za-z0-9]{6}$`);

export type WorkDirOwner = { kind: 'owned'; owner: ProcessIdentity } | { kind: 'unowned' };

/** What a directory name in TMP_DIR says about its owner; null for anything that is not a work directory of ours. */
export function parseWorkDirName(name: string): WorkDirOwner | null {
  const owned = OWNED.exec(name);
  if (owned) return { kind: 'owned', owner: { pid: Number(owned[2]), start: owned[3] } };
  return UNOWNED.test(name) ? { kind: 'unowned' } : null;
}

export function workDirPrefix(episodeId: string, who: ProcessIdentity = selfIdentity()): string {
  return `loaxa-${episodeId}-p${who.pid}${who.start ? `s${who.start}` : ''}-`;
}

/** Directories this process is using now. */
const inUse = new Set<string>();

export interface WorkDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function createWorkDir(tmpDir: string, episodeId: string): Promise<WorkDir> {
  await fs.mkdir(tmpDir, { recursive: true });
  const dir = await fs.mkdtemp(path.join(tmpDir, workDirPrefix(episodeId)));
  inUse.add(dir);
  return {
    path: dir,
    async remove() {
      try {
        await fs.rm(dir, { recursive: true, force: true });
      } finally {
        inUse.delete(dir);
      }
    },
  };
}

async function lastWrite(dir: string): Promise<number> {
  let newest = (await fs.stat(dir)).mtimeMs;
  for (const entry of await fs.readdir(dir).catch(() => [] as string[])) {
    const st = await fs.stat(path.join(dir, entry)).catch(() => null);
    if (st && st.mtimeMs > newest) newest = st.mtimeMs;
  }
  return newest;
}

/**
 * Removes the work directories whose process is gone, and unowned ones not written to for `unownedIdleMs` (longer
 * than one ffmpeg step may run, so a live old-style job is never cut). Returns what it removed.
 */
export async function sweepStaleWorkDirs(tmpDir: string, opts: { unownedIdleMs: number; now?: number }, log: Logger): Promise<{ dir: string; bytes: number; reason: string }[]> {
  const names = await fs.readdir(tmpDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const me = selfIdentity();
  const now = opts.now ?? Date.now();
  const removed: { dir: string; bytes: number; reason: string }[] = [];
  for (const name of names) {
    const kind = parseWorkDirName(name);
    if (!kind) continue;
    const dir = path.join(tmpDir, name);
    let reason: string | null = null;
    if (kind.kind === 'owned') {
      const o = kind.owner;
      const mine = o.pid === me.pid && (o.start === undefined || me.start === undefined || o.start === me.start);
      if (mine ? !inUse.has(dir) : !isRunning(o)) reason = `process ${o.pid} is gone`;
    } else {
      const idle = now - (await lastWrite(dir).catch(() => now));
      if (idle > opts.unownedIdleMs) reason = `not written to for ${Math.round(idle / 60_000)} min`;
    }
    if (!reason) continue;
    const bytes = await sizeOf(dir);
    await fs.rm(dir, { recursive: true, force: true });
    removed.push({ dir, bytes, reason });
    log.info({ dir, bytes, reason }, 'stale transcode work directory removed');
  }
  return removed;
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await sizeOf(p) : ((await fs.stat(p).catch(() => null))?.size ?? 0);
  }
  return total;
}
