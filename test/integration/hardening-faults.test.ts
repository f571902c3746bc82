import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLocked, LOCK_FILE } from '../../src/data-dir-lock.js';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { StorageFull } from '../../src/storage/disk-space.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { objectKeys } from '../../src/storage/keys.js';
import { createObjectStore } from '../../src/storage/object-store.js';
import { createS3Client } from '../../src/storage/s3-client.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, tempDir, testConfig, waitFor } from '../helpers/env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;

function mountTmpfs(sizeMb: number): string {
  const dir = tempDir('loaxa-h3-mnt-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  return dir;
}
function unmount(dir: string) {
  try {
    execFileSync('umount', ['-l', dir]);
  } catch {
    // not mounted (the suite failed before)
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
const free = (dir: string) => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};
/** Takes space until only `leave` bytes are free (0: every last block). */
function fill(dir: string, leave: number): string {
  const file = path.join(dir, `filler-${crypto.randomBytes(3).toString('hex')}`);
  const fd = fs.openSync(file, 'w');
  try {
    const chunk = Buffer.alloc(MB, 1);
    for (;;) {
      const want = free(dir) - leave;
      if (want <= 0) break;
      try {
        fs.writeSync(fd, chunk, 0, Math.min(want, chunk.length));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Runs one of the entry points in a child process (as a person would), to exit. */
function runChild(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('one process per DATA_DIR, and a disk that fills up (embedded database and storage on a 96 MB filesystem)', () => {
  let mnt: string;
  let config: ReturnType<typeof testConfig>;
  let rt: Runtime | undefined;
  let wav: string;
  let short: string;
  const fillers: string[] = [];

  const objectKeysUnder = async (prefix: string) => {
    const keys: string[] = [];
    for await (const o of rt!.store.list(prefix)) keys.push(o.key);
    return keys;
  };

  beforeAll(async () => {
    mnt = mountTmpfs(96);
    // 60 s of 44.1 kHz stereo: 10,6 MB, more than the room left once the disk is nearly full.
    wav = path.join(tempDir(), 'long.wav');
    execFileSync(resolveMediaBinaries({}).ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60', '-ac', '2', '-ar', '44100', wav]);
    // A short one that transcodes in a moment, so reads of a ready episode can be checked.
    short = path.join(path.dirname(wav), 'short.wav');
    execFileSync(resolveMediaBinaries({}).ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=3', '-ac', '1', '-ar', '16000', short]);
    config = testConfig({ s3Endpoint: '', bucket: 'loa-xa', env: { DATA_DIR: mnt, TMP_DIR: path.join(mnt, 'tmp'), DISK_RESERVE_MB: '8' } });
    rt = await startRuntime(config);
  });
  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(config.redis.prefix);
    unmount(mnt);
    if (wav) fs.rmSync(path.dirname(wav), { recursive: true, force: true });
  });

  it('refuses a second process on the same DATA_DIR, and the CLI, naming the one running', async () => {
    const second = await startRuntime(config).then(
      (r) => r,
      (err: unknown) => err,
    );
    expect(second).toBeInstanceOf(DataDirLocked);
    const refusal = second as DataDirLocked;
    expect(refusal.owner.pid).toBe(process.pid);
    expect(refusal.message).toContain(`pid ${process.pid}`);
    expect(refusal.message).toMatch(/running since \d{4}-\d\d-\d\dT/);
    expect(refusal.messageVi).toContain(`mã tiến trình ${process.pid}`);

    const cli = await runChild('src/cli/index.ts', ['user:create', '--name', 'Cán bộ xã', '--role', 'viewer'], {
      DATA_DIR: mnt,
      DATABASE_URL: '',
      LOG_LEVEL: 'silent',
    });
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('đang được một tiến trình Loa xã khác sử dụng');
    expect(cli.stderr).toContain(`pid ${process.pid}`);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(cli.stdout).not.toContain('token');

    // The refused ones took nothing from the one running: its lock is still there and it still answers.
    expect(JSON.parse(fs.readFileSync(path.join(mnt, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect((await api(rt!.url!, ADMIN_TOKEN, 'GET', '/api/v1/episodes')).status).toBe(200);
  }, 60_000);

  let firstId: string;

  it('answers an upload that does not fit with 507 DISK_FULL and stays up, serving reads; nothing of it is kept', async () => {
    const ok = await uploadFile(rt!.url!, ADMIN_TOKEN, short, { title: 'Trước khi đầy ổ đĩa' });
    expect(ok.status).toBe(202);
    firstId = ok.body.id;
    await waitFor(async () => (await api(rt!.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${firstId}`)).body.status === 'ready', { timeoutMs: 60_000, what: 'first episode ready' });

    // 12 MB free, 8 MB of it the reserve: the 10,6 MB file fits on the disk but not above the reserve.
    fillers.push(fill(mnt, 12 * MB));
    const started = Date.now();
    const res = await uploadFile(rt!.url!, ADMIN_TOKEN, wav, { title: 'Không đủ chỗ' });
    const tookMs = Date.now() - started;
    expect(res.status, JSON.stringify(res.body)).toBe(507);
    expect(res.body.error.code).toBe('DISK_FULL');
    expect(res.body.error.message).toMatch(/^Ổ đĩa của máy chủ đã đầy/);
    expect(res.body.error.message).toContain('quản trị viên');
    expect(res.body.error.messageEn).toContain("server's disk is full");
    expect(tookMs).toBeLessThan(10_000);

    // The resumable upload the same: its piece is refused with the same answer.
    const tus = { 'tus-resumable': '1.0.0', authorization: `Bearer ${ADMIN_TOKEN}` };
    const size = fs.statSync(wav).size;
    const created = await fetch(`${rt!.url}/api/v1/uploads/tus`, {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(size), 'upload-metadata': `title ${Buffer.from('Tải lên tiếp được').toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const piece = await fetch(new URL(created.headers.get('location')!, rt!.url).toString(), {
      method: 'PATCH',
      headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: fs.readFileSync(wav),
    });
    const pieceBody = (await piece.json()) as { error: { code: string; message: string } };
    expect(piece.status, JSON.stringify(pieceBody)).toBe(507);
    expect(pieceBody.error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/^Ổ đĩa của máy chủ đã đầy/) });

    // Still up: reads are served, from the database and from storage.
    expect((await api(rt!.url!, null, 'GET', '/healthz')).status).toBe(200);
    const ep = await api(rt!.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${firstId}`);
    expect(ep.status).toBe(200);
    const mp3 = await fetch(`${rt!.url}/api/v1/episodes/${firstId}/renditions/mp3`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(mp3.status).toBe(200);
    expect((await mp3.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    // Nothing half-written: one original (the first one), one row.
    expect(await objectKeysUnder('originals/')).toEqual([objectKeys.original(firstId)]);
    const rows = await rt!.db.query<{ n: number }>('SELECT count(*)::int AS n FROM episodes');
    expect(rows.rows[0]!.n).toBe(1);
  }, 90_000);

  it('says in /readyz that the disk is full, refuses uploads until space is freed, then takes them again', async () => {
    fillers.push(fill(mnt, 4 * MB));
    const ready = await api(rt!.url!, null, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.disk).toMatch(/^down: disk full: [\d.]+ MB free under .*below the reserve of 8.3 MB/);
    expect(ready.body.checks.database).toBe('ok');

    const refused = await uploadFile(rt!.url!, ADMIN_TOKEN, short, { title: 'Vẫn đầy' });
    expect(refused.status).toBe(507);
    expect(refused.body.error.code).toBe('DISK_FULL');

    for (const f of fillers.splice(0)) fs.rmSync(f);
    const again = await api(rt!.url!, null, 'GET', '/readyz');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.checks.disk).toBe('ok');
    const accepted = await uploadFile(rt!.url!, ADMIN_TOKEN, short, { title: 'Đã dọn ổ đĩa' });
    expect(accepted.status).toBe(202);
  }, 90_000);

  it('a restart while the disk is full says the disk is full (in the log and the exit message), not "Aborted()"', async () => {
    await rt!.close();
    rt = undefined;
    expect(fs.existsSync(path.join(mnt, LOCK_FILE))).toBe(false);
    fillers.push(fill(mnt, 0));

    const err = await startRuntime(config).then(
      () => null,
      (e: unknown) => e as Error & { code?: string; messageVi?: string },
    );
    expect(err?.code).toBe('DISK_FULL');
    expect(err?.message).toContain(`The disk holding DATA_DIR ${mnt} is full`);

    const main = await runChild('src/main.ts', [], {
      DATA_DIR: mnt,
      TMP_DIR: path.join(mnt, 'tmp'),
      DATABASE_URL: '',
      S3_ENDPOINT: '',
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: config.redis.url,
      QUEUE_PREFIX: config.redis.prefix,
      LOG_LEVEL: 'info',
    });
    expect(main.code).toBe(4);
    expect(main.stderr).toMatch(/Ổ đĩa chứa thư mục dữ liệu .* đã đầy \(còn trống 0 MB\)/);
    expect(main.stderr).toContain('is full');
    expect(main.stderr).not.toMatch(/Aborted|\n\s+at /);
    const fatal = main.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; code?: string; msg: string })
      .find((l) => l.level === 60);
    expect(fatal).toMatchObject({ code: 'DISK_FULL' });
    expect(fatal!.msg).toContain('is full');
    // Refused before anything was written: no lock left for the next start to trip on.
    expect(fs.existsSync(path.join(mnt, LOCK_FILE))).toBe(false);

    // Once space is freed, the next process starts on the same DATA_DIR and holds it.
    for (const f of fillers.splice(0)) fs.rmSync(f);
    rt = await startRuntime(config);
    expect(JSON.parse(fs.readFileSync(path.join(mnt, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect((await api(rt.url!, ADMIN_TOKEN, 'GET', `/api/v1/episodes/${firstId}`)).status).toBe(200);
  }, 90_000);
});

describe('the embedded storage when its disk really fills (no reserve): the write fails, the server lives on', () => {
  let mnt: string;
  let s3: EmbeddedS3;
  const config = testConfig({ s3Endpoint: '', bucket: 'loa-xa' });

  beforeAll(async () => {
    mnt = mountTmpfs(8);
    s3 = await startEmbeddedS3({ directory: mnt, port: 0, bucket: 'full', reserveBytes: 0 });
  });
  afterAll(async () => {
    await s3?.close();
    unmount(mnt);
  });

  const filesUnder = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  it.each(['stream', 'multipart'] as const)('%s upload: rejects with StorageFull and leaves no file behind', async (mode) => {
    const client = createS3Client(config.s3, s3.endpoint);
    const store = createObjectStore(client, 'full', false, mode);
    try {
      const before = free(mnt);
      const body = Readable.from((function* () {
        for (let i = 0; i < 20; i++) yield crypto.randomBytes(MB);
      })());
      const started = Date.now();
      await expect(store.putStream(`originals/${crypto.randomUUID()}`, body, {})).rejects.toBeInstanceOf(StorageFull);
      expect(Date.now() - started).toBeLessThan(5000);
      // Everything written was removed again, and the server still stores what fits.
      expect(filesUnder(mnt).filter((f) => fs.statSync(f).size > 4096)).toEqual([]);
      expect(free(mnt)).toBeGreaterThanOrEqual(before - 64 * 1024);
      const small = await store.putStream('originals/small', Readable.from([Buffer.from('ID3 still works')]), {});
      expect(small.sizeBytes).toBe(15);
      await store.delete('originals/small');
    } finally {
      client.destroy();
    }
  });
});

describe('sweeps: work directories of killed workers, and stored objects with no episode row', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let tmpDir: string;
  const logs: { msg: string; key?: string; dir?: string; reason?: string }[] = [];
  const live: ReturnType<typeof spawn>[] = [];
  let dirs: { killed: string; working: string };

  /** A child process that makes a transcode work directory the way a worker does and writes an "original" into it. */
  const workerWithDir = async (episodeId: string): Promise<{ child: ReturnType<typeof spawn>; dir: string }> => {
    const code = `
      import fs from 'node:fs';
      import { createWorkDir } from './src/services/work-dirs.ts';
      const w = await createWorkDir(${JSON.stringify(tmpDir)}, ${JSON.stringify(episodeId)});
      fs.writeFileSync(w.path + '/original', Buffer.alloc(10 * 1024 * 1024));
      console.log(w.path);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (c) => reject(new Error(`child exited ${c}`)));
    });
    return { child, dir };
  };

  beforeAll(async () => {
    s3 = await startTestS3();
    const config = testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { ORPHAN_SWEEP_CRON: '* * * * * *' } });
    tmpDir = config.tmpDir;
    fs.mkdirSync(tmpDir, { recursive: true });
    // A worker killed mid-transcode, and one still working, before this process starts.
    const killed = await workerWithDir(crypto.randomUUID());
    killed.child.kill('SIGKILL');
    await new Promise((r) => killed.child.once('exit', r));
    const working = await workerWithDir(crypto.randomUUID());
    live.push(working.child);
    dirs = { killed: killed.dir, working: working.dir };
    expect(fs.existsSync(path.join(killed.dir, 'original'))).toBe(true);

    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        cb();
      },
    });
    rt = await startRuntime(config, pino({ level: 'info' }, sink));
  });
  afterAll(async () => {
    for (const c of live) c.kill('SIGKILL');
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
    fs.rmSync(rt.config.dataDir, { recursive: true, force: true });
  });

  it('removes at start the work directory of a worker that was killed, and keeps the one of a worker still running', () => {
    const { killed, working } = dirs;
    expect(fs.existsSync(killed)).toBe(false);
    expect(fs.existsSync(path.join(working, 'original'))).toBe(true);
    const line = logs.find((l) => l.msg === 'stale transcode work directory removed' && l.dir === killed);
    expect(line).toMatchObject({ bytes: 10 * MB, reason: expect.stringMatching(/^process \d+ is gone$/) });
  });

  it('removes stored media with no episode row once older than the grace period, and logs each', async () => {
    const put = (key: string) => rt.store.putStream(key, Readable.from([Buffer.from(`ID3 ${key}`)]), {});
    const age = (key: string, days: number) => {
      // The embedded S3 server dates an object by its file.
      const parts = key.split('/');
      const file = path.join(s3.dir, s3.bucket, ...parts.slice(0, -1), `${parts.at(-1)}._S3rver_object`);
      const t = new Date(Date.now() - days * 24 * 3600 * 1000);
      fs.utimesSync(file, t, t);
    };
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Có bản ghi' });
    expect(up.status).toBe(202);
    const kept = objectKeys.original(up.body.id);
    const orphan = crypto.randomUUID();
    const young = crypto.randomUUID();
    const oldOriginal = objectKeys.original(orphan);
    const oldRendition = objectKeys.rendition(orphan, 'mp3');
    const youngOriginal = objectKeys.original(young);
    const notOurs = 'originals/not-an-episode-id';
    for (const key of [oldOriginal, oldRendition, youngOriginal, notOurs]) await put(key);
    for (const key of [oldOriginal, oldRendition, kept, notOurs]) age(key, 2);

    // Waits on the log, not on the objects: the sweep logs a removal only after the storage has confirmed it, so an
    // object already gone may not be logged yet (seen under load).
    const removedKeys = () => logs.filter((l) => l.msg === 'orphan object removed (no episode row)').map((l) => l.key);
    await waitFor(() => removedKeys().includes(oldOriginal) && removedKeys().includes(oldRendition), { timeoutMs: 30_000, what: 'old orphans removed and logged' });
    expect(await rt.store.head(oldOriginal)).toBeNull();
    expect(await rt.store.head(oldRendition)).toBeNull();
    // The sweep that removed them looked at every object: the young orphan and the one with a row are still there.
    expect(await rt.store.head(youngOriginal)).not.toBeNull();
    expect(await rt.store.head(kept)).not.toBeNull();
    expect(await rt.store.head(notOurs)).not.toBeNull();
    expect(removedKeys().sort()).toEqual([oldOriginal, oldRendition].sort());
  }, 60_000);
});
