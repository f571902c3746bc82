import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning, selfIdentity, type ProcessIdentity } from './process-identity.js';
import { StartupRefusal } from './startup-refusal.js';

/**
 * One process at a time on a DATA_DIR: the embedded database lives inside the process that opened it, so a second
 * one (a second service, or the CLI while the service runs) would acknowledge writes the first never sees, and a
 * restart would lose them. The lock is a file created with O_EXCL that names its holder; a holder that is gone
 * (crashed, killed, its container restarted) is recognised as such and its lock taken over.
 */

export const LOCK_FILE = 'loaxa.lock';

export interface LockOwner extends ProcessIdentity {
  readonly host: string;
  /** When the holder took the lock (ISO 8601, UTC). */
  readonly since: string;
  /** What runs there: the program and its first argument (a role or a CLI command), never the rest of the line. */
  readonly command: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Set when the lock of a process that is gone was taken over. */
  readonly replaced?: LockOwner;
  release(): void;
}

const viTime = (iso: string) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'medium' });
  return `${f.format(d)} (giờ Việt Nam)`;
};

export class DataDirLocked extends StartupRefusal {
  constructor(
    readonly dir: string,
    readonly file: string,
    readonly owner: LockOwner,
  ) {
    super(
      'DATA_DIR_LOCKED',
      `DATA_DIR ${dir} is in use by another Loa xã process: pid ${owner.pid} on ${owner.host}, running since ${owner.since} (${owner.command}). ` +
        `Two processes on one embedded database lose each other's writes: stop that one first, or give this one its own DATA_DIR. ` +
        `If that process is not running any more, remove ${file}.`,
      `Thư mục dữ liệu ${dir} đang được một tiến trình Loa xã khác sử dụng: mã tiến trình ${owner.pid} trên máy ${owner.host}, ` +
        `chạy từ ${viTime(owner.since)} (${owner.command}). Hai tiến trình dùng chung một cơ sở dữ liệu nhúng sẽ làm mất dữ liệu của nhau: ` +
        `hãy dừng tiến trình đó trước, hoặc đặt DATA_DIR riêng cho tiến trình này. Nếu tiến trình đó đã dừng hẳn, hãy xoá tệp ${file}.`,
      3,
    );
  }
}

/** Lock files this process holds: the same process opening its DATA_DIR twice is refused like any other. */
const held = new Set<string>();

function commandLine(): string {
  const script = process.argv[1] ? path.relative(process.cwd(), process.argv[1]) || process.argv[1] : 'node';
  return [script, process.argv[2]].filter(Boolean).join(' ').slice(0, 200);
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const o = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string' || typeof o.since !== 'string') return null;
    return { pid: o.pid, start: typeof o.start === 'string' ? o.start : undefined, host: o.host, since: o.since, command: String(o.command ?? '?') };
  } catch {
    return null;
  }
}

function holderRuns(file: string, owner: LockOwner): boolean {
  // Another machine's process (a DATA_DIR on a network share) cannot be checked from here.
  if (owner.host !== os.hostname()) return true;
  const me = selfIdentity();
  if (owner.pid === me.pid && owner.start === me.start) return held.has(file);
  return isRunning(owner);
}

const readOrNull = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
};

// A lock file is written in one call right after it is created; one still empty after this long was left by a crash.
const UNFINISHED_LOCK_MS = 10_000;

/** Takes the lock of `dir` or throws DataDirLocked naming the process that holds it. */
export function lockDataDir(dir: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = { ...selfIdentity(), host: os.hostname(), since: new Date().toISOString(), command: commandLine() };
  const body = `${JSON.stringify(me)}\n`;
  let replaced: LockOwner | undefined;

  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      try {
        fs.writeSync(fd, body);
        fs.fsyncSync(fd);
      } catch (err) {
        // No room for a few bytes (a full disk): an empty lock would only stand in the next start's way.
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
        throw err;
      }
      fs.closeSync(fd);
      held.add(file);
      const onExit = () => release();
      const release = () => {
        if (!held.delete(file)) return;
        process.off('exit', onExit);
        // Only our own lock goes: never one a later process took over after us.
        if (readOrNull(file) === body) fs.rmSync(file, { force: true });
      };
      process.on('exit', onExit);
      return { file, replaced, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const raw = readOrNull(file);
    if (raw === null) continue; // released meanwhile
    const owner = parseOwner(raw);
    if (owner && holderRuns(file, owner)) throw new DataDirLocked(dir, file, owner);
    if (!owner && Date.now() - fs.statSync(file).mtimeMs < UNFINISHED_LOCK_MS) {
      throw new DataDirLocked(dir, file, { pid: 0, host: os.hostname(), since: new Date().toISOString(), command: 'starting' });
    }
    // The holder is gone. Move its lock aside and check that it is still the one judged stale: another process
    // starting at the same moment may have replaced it, and then that fresh lock goes back.
    const aside = `${file}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (fs.readFileSync(aside, 'utf8') !== raw) {
      try {
        fs.linkSync(aside, file);
      } catch {
        // A third process holds it by now; the next attempt reads whichever lock is there.
      }
      fs.rmSync(aside, { force: true });
      continue;
    }
    fs.rmSync(aside, { force: true });
    replaced = owner ?? undefined;
  }
  const raw = readOrNull(file);
  const owner = raw ? parseOwner(raw) : null;
  throw new DataDirLocked(dir, file, owner ?? { pid: 0, host: os.hostname(), since: new Date().toISOString(), command: 'unknown' });
}
