import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLocked, LOCK_FILE, lockDataDir } from '../../src/data-dir-lock.js';
import { kernelStartOf, selfIdentity } from '../../src/process-identity.js';

const dirs: string[] = [];
const fresh = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loaxa-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const writeLock = (dir: string, owner: Record<string, unknown>) =>
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), since: '2026-12-01T03:00:00.000Z', command: 'src/main.ts', ...owner }));

/** A pid that was just in use and is not any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('DATA_DIR lock', () => {
  it('names its holder, refuses a second taker in the same process, and is free again once released', () => {
    const dir = fresh();
    const lock = lockDataDir(dir);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname(), start: selfIdentity().start });
    expect(() => lockDataDir(dir)).toThrow(DataDirLocked);
    try {
      lockDataDir(dir);
    } catch (err) {
      const e = err as DataDirLocked;
      expect(e.code).toBe('DATA_DIR_LOCKED');
      expect(e.exitCode).toBe(3);
      expect(e.message).toContain(`pid ${process.pid} on ${os.hostname()}, running since ${owner.since}`);
      expect(e.messageVi).toContain(`mã tiến trình ${process.pid}`);
      expect(e.messageVi).toContain('(giờ Việt Nam)');
    }
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over the lock of a process that is gone, and says whose it was', () => {
    const dir = fresh();
    const pid = deadPid();
    writeLock(dir, { pid });
    const lock = lockDataDir(dir);
    expect(lock.replaced?.pid).toBe(pid);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('tells a reused pid from its first owner: a container restarted after a crash gets the same pid', () => {
    const dir = fresh();
    // Our own pid, but a process that started at another moment: the previous run of this container.
    writeLock(dir, { pid: process.pid, start: '1' });
    const lock = lockDataDir(dir);
    expect(lock.replaced).toMatchObject({ pid: process.pid, start: '1' });
    lock.release();
  });

  it('refuses while the holder runs (another process on this machine), and when it is on another machine', async () => {
    const dir = fresh();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      writeLock(dir, { pid: child.pid, start: kernelStartOf(child.pid!) });
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${child.pid} on`));
    } finally {
      child.kill('SIGKILL');
    }
    writeLock(dir, { pid: deadPid(), host: 'may-chu-khac' });
    expect(() => lockDataDir(dir)).toThrow(/on may-chu-khac/);
  });

  it('waits out a lock file still being written, but not one a crash left empty', () => {
    const dir = fresh();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '');
    expect(() => lockDataDir(dir)).toThrow(DataDirLocked);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, LOCK_FILE), old, old);
    lockDataDir(dir).release();
  });

  it('on release, leaves alone a lock that is no longer its own', () => {
    const dir = fresh();
    const lock = lockDataDir(dir);
    writeLock(dir, { pid: 1234567 });
    lock.release();
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(1234567);
  });
});
