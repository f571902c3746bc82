import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api } from '../helpers/api.js';
import { ADMIN_TOKEN, clearQueuePrefix, createPgDatabase, testConfig } from '../helpers/env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The CLI as a person runs it: a child process, its own environment, to exit. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      // No ADMIN_TOKEN or LOAXA_SERVER from the test's own environment: each test says what it gives.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
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

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe('CLI while the service runs on the embedded database', () => {
  let rt: Runtime;
  let config: ReturnType<typeof testConfig>;
  const server = () => ['--server', rt.url!];

  beforeAll(async () => {
    config = testConfig({ s3Endpoint: '', bucket: 'loa-xa' });
    rt = await startRuntime(config);
    // The commune the station of the tests belongs to (a station is filed under the commune with its code).
    const province = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/areas', { name: 'Tỉnh Lào Cai', code: '10' });
    expect(province.status).toBe(201);
    const commune = await api(rt.url!, ADMIN_TOKEN, 'POST', '/api/v1/areas', { name: 'Xã Bản Hồ', code: '10279', parentId: province.body.id });
    expect(commune.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await rt?.close();
    if (config) await clearQueuePrefix(config.redis.prefix);
  });

  it('without --server: refuses, naming the running process and the way that works', async () => {
    const r = await cli(['user:create', '--name', 'Cán bộ xã', '--role', 'viewer'], { DATA_DIR: config.dataDir, DATABASE_URL: '' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('đang được một tiến trình Loa xã khác sử dụng');
    expect(r.stderr).toContain(`pid ${process.pid}`);
    expect(r.stderr).toContain('--server');
    noStack(r.stderr);
    expect(r.stdout).toBe('');
  }, 30_000);

  it('with --server: user:create through the API, and the token works at once', async () => {
    const r = await cli(['user:create', '--name', 'Trung tâm VHTT tỉnh', '--role', 'editor', '--area', '10', '--label', 'máy chủ', ...server()], { ADMIN_TOKEN });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ login: 'trung.tam.vhtt.tinh', name: 'Trung tâm VHTT tỉnh', role: 'editor' });
    expect(out.temporaryPassword).toMatch(/^.{10,}$/);
    const me = await api(rt.url!, out.token, 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ login: 'trung.tam.vhtt.tinh', role: 'editor' });
    // It is an account of the province, as the service recorded it.
    const listed = await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/users?login=trung.tam.vhtt.tinh');
    expect(listed.body.items[0]).toMatchObject({ id: out.userId, areaName: 'Tỉnh Lào Cai' });
    // Its password signs in too.
    const signIn = await api(rt.url!, null, 'POST', '/api/v1/session', { login: out.login, password: out.temporaryPassword });
    expect(signIn.status).toBe(204);

    // A second token for the same account, found by its login.
    const again = await cli(['token:create', '--login', 'trung.tam.vhtt.tinh', ...server()], { ADMIN_TOKEN });
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout).token as string;
    expect(second).not.toBe(out.token);
    expect((await api(rt.url!, second, 'GET', '/api/v1/me')).body.login).toBe('trung.tam.vhtt.tinh');
  }, 60_000);

  it('station:create, then an operator by --station with the commune code', async () => {
    const st = await cli(['station:create', '--code', '10279', '--name', 'Đài xã Bản Hồ', ...server()], { LOAXA_SERVER: rt.url!, ADMIN_TOKEN });
    expect(st.stderr).toBe('');
    expect(st.code).toBe(0);
    const station = JSON.parse(st.stdout);
    expect(station).toMatchObject({ code: '10279', name: 'Đài xã Bản Hồ' });
    // Filed under the commune with its code; its device token polls at once.
    const commune = (await api(rt.url!, ADMIN_TOKEN, 'GET', '/api/v1/areas?shape=flat')).body.items.find((a: { code: string | null }) => a.code === '10279');
    expect(station.areaId).toBe(commune.id);
    expect((await api(rt.url!, station.token, 'GET', '/api/v1/station/manifest')).status).toBe(200);

    // LOAXA_SERVER stands for --server.
    const op = await cli(['user:create', '--name', 'Cán bộ Bản Hồ', '--role', 'operator', '--station', '10279'], { LOAXA_SERVER: rt.url!, ADMIN_TOKEN });
    expect(op.stderr).toBe('');
    expect(op.code).toBe(0);
    const operator = JSON.parse(op.stdout);
    expect(operator).toMatchObject({ role: 'operator', stationId: station.stationId, areaId: commune.id });
    const me = await api(rt.url!, operator.token, 'GET', '/api/v1/me');
    expect(me.body).toMatchObject({ role: 'operator', stationId: station.stationId });
    expect((await api(rt.url!, operator.token, 'GET', `/api/v1/stations/${station.stationId}`)).status).toBe(200);
  }, 60_000);

  it('says plainly what is wrong, in both languages, without a stack trace', async () => {
    // Independent of each other: run side by side (each child pays the TypeScript loader's start-up).
    const [unknownCode, badStation, badToken, taken, down, noToken] = await Promise.all([
      cli(['user:create', '--name', 'Cán bộ khác', '--role', 'operator', '--station', '99999', ...server()], { ADMIN_TOKEN }),
      cli(['user:create', '--name', 'Cán bộ khác', '--role', 'operator', '--station', '1027', ...server()], { ADMIN_TOKEN }),
      cli(['user:create', '--name', 'Cán bộ khác', '--role', 'viewer', ...server()], { ADMIN_TOKEN: 'not-the-admin-token-000000' }),
      cli(['user:create', '--name', 'Trung tâm VHTT tỉnh', '--role', 'viewer', '--login', 'trung.tam.vhtt.tinh', ...server()], { ADMIN_TOKEN }),
      cli(['token:create', '--login', 'x', '--server', 'http://127.0.0.1:9'], { ADMIN_TOKEN }),
      cli(['token:create', '--login', 'x', ...server()]),
    ]);
    expect(unknownCode.code).toBe(2);
    expect(unknownCode.stderr).toContain('Lỗi: Không có đài nào có mã xã 99999.');
    expect(unknownCode.stderr).toContain('Error: No station has the commune code 99999.');
    expect(badStation.code).toBe(2);
    expect(badStation.stderr).toContain('mã xã gồm 5 chữ số');
    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toContain('Dịch vụ không nhận mã truy cập');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/LOGIN_TAKEN/);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Không kết nối được tới dịch vụ tại http://127.0.0.1:9');
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('ADMIN_TOKEN');
    for (const r of [unknownCode, badStation, badToken, taken, down, noToken]) {
      noStack(r.stderr);
      expect(r.stdout).toBe('');
    }
  }, 90_000);
});

describe('CLI on PostgreSQL directly (no service)', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  beforeAll(async () => {
    db = await createPgDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('station:create, then user:create --station with the commune code', async () => {
    const env = { DATABASE_URL: db.url, DATA_DIR: path.join('/tmp', `loaxa-cli-${process.pid}`) };
    const st = await cli(['station:create', '--code', '10279', '--name', 'Đài xã Bản Hồ'], env);
    expect(st.stderr).toBe('');
    expect(st.code).toBe(0);
    const station = JSON.parse(st.stdout);
    const op = await cli(['user:create', '--name', 'Cán bộ Bản Hồ', '--role', 'operator', '--station', '10279'], env);
    expect(op.stderr).toBe('');
    expect(op.code).toBe(0);
    expect(JSON.parse(op.stdout)).toMatchObject({ stationId: station.stationId, role: 'operator' });
  }, 60_000);
});
