import crypto from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelStartOf, selfIdentity } from '../../src/process-identity.js';
import { createWorkDir, parseWorkDirName, sweepStaleWorkDirs, workDirPrefix } from '../../src/services/work-dirs.js';

const log = pino({ level: 'silent' });
const id = () => crypto.randomUUID();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('transcode work directory names', () => {
  it('carry the owning process, and only our own names are recognised', () => {
    const e = id();
    expect(parseWorkDirName(`${workDirPrefix(e, { pid: 42, start: '9001' })}Ab12Cd`)).toEqual({ kind: 'owned', owner: { pid: 42, start: '9001' } });
    expect(parseWorkDirName(`${workDirPrefix(e, { pid: 42 })}Ab12Cd`)).toEqual({ kind: 'owned', owner: { pid: 42, start: undefined } });
    expect(parseWorkDirName(`loaxa-${e}-Ab12Cd`)).toEqual({ kind: 'unowned' });
    expect(parseWorkDirName('loaxa-preview-Ab12Cd')).toEqual({ kind: 'unowned' });
    for (const other of ['loaxa-test-Ab12Cd', 'loaxa-data-x1y2z3', `loaxa-${e}`, `x-loaxa-${e}-Ab12Cd`, 'tmp.wav']) expect(parseWorkDirName(other)).toBeNull();
  });
});

describe('sweeping stale work directories', () => {
  it('removes those of processes that are gone and old unowned ones; keeps those in use and anything else', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loaxa-wd-'));
    dirs.push(tmp);
    const make = (name: string) => {
      const d = path.join(tmp, name);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'original'), Buffer.alloc(1000));
      return d;
    };
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    try {
      const me = selfIdentity();
      const inUse = await createWorkDir(tmp, id());
      const gone = make(`${workDirPrefix(id(), { pid: dead, start: '5' })}aaaaaa`);
      const mineFinished = make(`${workDirPrefix(id(), me)}bbbbbb`);
      const reusedPid = make(`${workDirPrefix(id(), { pid: child.pid!, start: '1' })}cccccc`);
      const running = make(`${workDirPrefix(id(), { pid: child.pid!, start: kernelStartOf(child.pid!) })}dddddd`);
      const oldUnowned = make(`loaxa-${id()}-eeeeee`);
      const youngUnowned = make('loaxa-preview-ffffff');
      const unrelated = make('loaxa-test-gggggg');
      const t = new Date(Date.now() - 4 * 3600_000);
      for (const p of [oldUnowned, path.join(oldUnowned, 'original'), unrelated]) fs.utimesSync(p, t, t);

      const removed = await sweepStaleWorkDirs(tmp, { unownedIdleMs: 3 * 3600_000 }, log);
      expect(removed.map((r) => r.dir).sort()).toEqual([gone, mineFinished, reusedPid, oldUnowned].sort());
      expect(removed.find((r) => r.dir === gone)).toMatchObject({ bytes: 1000, reason: `process ${dead} is gone` });
      for (const kept of [inUse.path, running, youngUnowned, unrelated]) expect(fs.existsSync(kept)).toBe(true);
      await inUse.remove();
      expect(fs.existsSync(inUse.path)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is a no-op on a TMP_DIR that does not exist yet', async () => {
    expect(await sweepStaleWorkDirs(path.join(os.tmpdir(), `loaxa-none-${id()}`), { unownedIdleMs: 1000 }, log)).toEqual([]);
  });
});
