import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { hashToken } from '../../src/domain/tokens.js';
import { api } from '../helpers/api.js';
import { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } from '../helpers/env.js';

/**
 * Areas, users and where stations sit, through the API on the embedded database: the tree and its rules (codes,
 * placement, moving a subtree, deactivating), stations' areas, and people managed by admins within their own area.
 */
const ROOT = '00000000-0000-4000-8000-000000000001';
const TZ = 'Asia/Ho_Chi_Minh';
const PASSWORD = 'mat-khau-tam-thoi-2026';

interface Area {
  id: string;
  parentId: string | null;
  kind: string;
  name: string;
  code: string | null;
  path: string;
  depth: number;
  active: boolean;
  subareas?: Area[];
}

describe('people and places: areas, stations in areas, users', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);
  const admin = (method: string, url: string, body?: unknown) => call(ADMIN_TOKEN, method, url, body);
  const ids: Record<string, string> = {};
  let provinceAdmin: string;

  async function area(body: Record<string, unknown>): Promise<Area> {
    const res = await admin('POST', '/api/v1/areas', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Area;
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    // Lào Cai (10) → a grouping keeping a former district → two communes; Yên Bái (15) → one commune.
    const laoCai = await area({ name: 'Tỉnh Lào Cai', code: '10' });
    ids.laoCai = laoCai.id;
    ids.satXa = (await area({ name: 'Cụm Sa Pa cũ', code: '082', parentId: laoCai.id })).id;
    ids.hopDong = (await area({ name: 'Xã Hợp Đồng', code: '02833', parentId: ids.satXa! })).id;
    ids.taPhin = (await area({ name: 'Xã Tả Phìn', code: '02834', parentId: ids.satXa! })).id;
    ids.yenBai = (await area({ name: 'Tỉnh Yên Bái', code: '15' })).id;
    ids.vanChan = (await area({ name: 'Xã Văn Chấn', code: '04321', parentId: ids.yenBai! })).id;
    provinceAdmin = (await createUserWithToken(rt.db, { name: 'Quản trị Lào Cai', role: 'admin', areaId: ids.laoCai! })).token;
  });
  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  describe('areas', () => {
    it('builds paths from the parent, infers kinds from codes, and lists flat (with depth) or as a tree', async () => {
      const flat = (await admin('GET', '/api/v1/areas')).body.items as Area[];
      const byId = new Map(flat.map((a) => [a.id, a]));
      const root = byId.get(ROOT)!;
      expect(root).toMatchObject({ kind: 'root', depth: 0, parentId: null, path: `/${ROOT}/` });
      expect(byId.get(ids.laoCai!)).toMatchObject({ kind: 'province', code: '10', parentId: ROOT, depth: 1, path: `/${ROOT}/${ids.laoCai!}/` });
      expect(byId.get(ids.satXa!)).toMatchObject({ kind: 'grouping', code: '082', depth: 2, path: `/${ROOT}/${ids.laoCai!}/${ids.satXa!}/` });
      expect(byId.get(ids.hopDong!)).toMatchObject({ kind: 'commune', depth: 3, path: `${byId.get(ids.satXa!)!.path}${ids.hopDong!}/` });
      // Depth first: every parent comes before its children.
      for (const [i, a] of flat.entries()) if (a.parentId) expect(flat.findIndex((p) => p.id === a.parentId)).toBeLessThan(i);

      const tree = (await admin('GET', '/api/v1/areas?shape=tree')).body.items as Area[];
      expect(tree.map((a) => a.id)).toEqual([ROOT]);
      const laoCai = tree[0]!.subareas!.find((a) => a.id === ids.laoCai!)!;
      expect(laoCai.subareas!.map((a) => a.id)).toEqual([ids.satXa!]);
      expect(laoCai.subareas![0]!.subareas!.map((a) => a.name).sort()).toEqual(['Xã Hợp Đồng', 'Xã Tả Phìn']);
    });

    it('narrows the list to the caller’s own area', async () => {
      const seen = ((await call(provinceAdmin, 'GET', '/api/v1/areas')).body.items as Area[]).map((a) => a.id);
      expect(seen.sort()).toEqual([ids.laoCai!, ids.satXa!, ids.hopDong!, ids.taPhin!].sort());
      const other = await call(provinceAdmin, 'GET', `/api/v1/areas/${ids.vanChan!}`);
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('OTHER_AREA');
      // A province admin cannot add a province (the root is above them).
      const above = await call(provinceAdmin, 'POST', '/api/v1/areas', { name: 'Tỉnh Hà Giang', code: '02' });
      expect(above.status).toBe(403);
    });

    it('refuses codes of the wrong form or taken, and children of a commune, in Vietnamese', async () => {
      const wrong = await admin('POST', '/api/v1/areas', { name: 'Xã sai mã', code: '1234', kind: 'commune', parentId: ids.laoCai! });
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.message).toContain('phải gồm đúng 5 chữ số');
      expect(wrong.body.error.details[0].field).toBe('code');
      const taken = await admin('POST', '/api/v1/areas', { name: 'Xã trùng mã', code: '02833', parentId: ids.laoCai! });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('CODE_TAKEN');
      const under = await admin('POST', '/api/v1/areas', { name: 'Thôn 1', parentId: ids.hopDong! });
      expect(under.status).toBe(422);
      expect(under.body.error.code).toBe('COMMUNE_HAS_NO_CHILDREN');
      expect(under.body.error.message).toMatch(/Xã «Xã Hợp Đồng» là cấp cuối/);
      const badKind = await admin('POST', '/api/v1/areas', { name: 'Huyện', kind: 'district' });
      expect(badKind.status).toBe(422);
      expect(badKind.body.error.message).toContain('«Loại địa bàn»');
      const unknownParent = await admin('POST', '/api/v1/areas', { name: 'Mồ côi', parentId: crypto.randomUUID() });
      expect(unknownParent.status).toBe(422);
      expect(unknownParent.body.error.code).toBe('UNKNOWN_AREA');
      // Nothing half-made: none of these left a row.
      const names = ((await admin('GET', '/api/v1/areas')).body.items as Area[]).map((a) => a.name);
      for (const n of ['Xã sai mã', 'Xã trùng mã', 'Thôn 1', 'Huyện', 'Mồ côi']) expect(names).not.toContain(n);
    });

    it('renames and recodes; moves a whole subtree under another parent in one go; refuses cycles', async () => {
      const group = await area({ name: 'Cụm tạm', code: '099', parentId: ids.laoCai! });
      const commune = await area({ name: 'Xã Tạm', code: '09901', parentId: group.id });
      const renamed = await admin('PATCH', `/api/v1/areas/${group.id}`, { name: 'Cụm Bảo Thắng cũ', code: '098' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Cụm Bảo Thắng cũ', code: '098' });

      const moved = await admin('PATCH', `/api/v1/areas/${group.id}`, { parentId: ids.yenBai! });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      const yenBaiPath = `/${ROOT}/${ids.yenBai!}/`;
      expect(moved.body.path).toBe(`${yenBaiPath}${group.id}/`);
      const child = (await admin('GET', `/api/v1/areas/${commune.id}`)).body as Area;
      expect(child.path).toBe(`${yenBaiPath}${group.id}/${commune.id}/`);
      expect(child.depth).toBe(3);
      // The province admin of Lào Cai no longer sees it; a move into their province needs the source too.
      expect((await call(provinceAdmin, 'GET', `/api/v1/areas/${commune.id}`)).status).toBe(403);
      expect((await call(provinceAdmin, 'PATCH', `/api/v1/areas/${group.id}`, { parentId: ids.laoCai! })).status).toBe(403);

      const cycle = await admin('PATCH', `/api/v1/areas/${group.id}`, { parentId: commune.id });
      expect(cycle.status).toBe(422);
      const self = await admin('PATCH', `/api/v1/areas/${ids.yenBai!}`, { parentId: group.id });
      expect(self.status).toBe(422);
      expect(self.body.error.code).toBe('AREA_CYCLE');
      const provinceDown = await admin('PATCH', `/api/v1/areas/${ids.yenBai!}`, { parentId: ids.laoCai! });
      expect(provinceDown.body.error.code).toBe('PROVINCE_UNDER_ROOT');
      const root = await admin('PATCH', `/api/v1/areas/${ROOT}`, { parentId: ids.laoCai! });
      expect(root.body.error.code).toBe('ROOT_AREA_FIXED');
    });

    it('deactivates an area with its subtree only once no active station or user remains in it', async () => {
      const group = await area({ name: 'Cụm sẽ giải thể', code: '097', parentId: ids.laoCai! });
      const commune = await area({ name: 'Xã sẽ sáp nhập', code: '09701', parentId: group.id });
      const station = await admin('POST', '/api/v1/stations', { code: '09701', name: 'Đài xã sáp nhập', timezone: TZ, areaId: commune.id });
      expect(station.status).toBe(201);
      const busy = await admin('PATCH', `/api/v1/areas/${group.id}`, { active: false });
      expect(busy.status).toBe(409);
      expect(busy.body.error.code).toBe('AREA_IN_USE');
      expect(busy.body.error.details).toEqual({ stations: 1, users: 0 });
      expect((await admin('POST', `/api/v1/stations/${station.body.id}/deactivate`)).status).toBe(200);
      const done = await admin('PATCH', `/api/v1/areas/${group.id}`, { active: false });
      expect(done.status).toBe(200);
      expect(done.body.active).toBe(false);
      expect(((await admin('GET', `/api/v1/areas/${commune.id}`)).body as Area).active).toBe(false);
      // A deactivated area takes no new stations or children.
      const newChild = await admin('POST', '/api/v1/areas', { name: 'Xã mới', parentId: group.id });
      expect(newChild.body.error.code).toBe('AREA_INACTIVE');
      expect(((await admin('GET', '/api/v1/areas?active=true')).body.items as Area[]).map((a) => a.id)).not.toContain(group.id);
    });
  });

  describe('stations belong to an area', () => {
    it('takes a commune areaId (or finds the commune by its code, else the root) and refuses other kinds', async () => {
      const inCommune = await admin('POST', '/api/v1/stations', { code: '02833', name: 'Đài xã Hợp Đồng', timezone: TZ, areaId: ids.hopDong! });
      expect(inCommune.status).toBe(201);
      expect(inCommune.body.areaId).toBe(ids.hopDong!);
      ids.hopDongStation = inCommune.body.id;
      const byCode = await admin('POST', '/api/v1/stations', { code: '02834', name: 'Đài xã Tả Phìn', timezone: TZ });
      expect(byCode.body.areaId).toBe(ids.taPhin!);
      ids.taPhinStation = byCode.body.id;
      const unfiled = await admin('POST', '/api/v1/stations', { code: '55555', name: 'Đài chưa xếp địa bàn', timezone: TZ });
      expect(unfiled.body.areaId).toBe(ROOT);
      ids.unfiledStation = unfiled.body.id;

      const inProvince = await admin('POST', '/api/v1/stations', { code: '44444', name: 'Đài sai cấp', timezone: TZ, areaId: ids.laoCai! });
      expect(inProvince.status).toBe(422);
      expect(inProvince.body.error.code).toBe('AREA_NOT_COMMUNE');
      expect(inProvince.body.error.message).toMatch(/phải thuộc một xã/);
      expect(inProvince.body.error.message).not.toMatch(/[A-Za-z]{4,} (must|area)/);
      expect((await admin('GET', '/api/v1/stations?limit=1000')).body.items.map((s: { code: string }) => s.code)).not.toContain('44444');

      const moved = await admin('PATCH', `/api/v1/stations/${ids.unfiledStation!}`, { areaId: ids.vanChan! });
      expect(moved.status).toBe(200);
      expect(moved.body.areaId).toBe(ids.vanChan!);
      const toGrouping = await admin('PATCH', `/api/v1/stations/${ids.unfiledStation!}`, { areaId: ids.satXa! });
      expect(toGrouping.status).toBe(422);
      expect(toGrouping.body.error.code).toBe('AREA_NOT_COMMUNE');
      const unknown = await admin('PATCH', `/api/v1/stations/${ids.unfiledStation!}`, { areaId: crypto.randomUUID() });
      expect(unknown.status).toBe(422);
      expect((await admin('GET', `/api/v1/stations/${ids.unfiledStation!}`)).body.areaId).toBe(ids.vanChan!);
    });

    it('a province admin files stations only in its own communes', async () => {
      const foreign = await call(provinceAdmin, 'POST', '/api/v1/stations', { code: '04322', name: 'Đài ngoài tỉnh', timezone: TZ, areaId: ids.vanChan! });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.code).toBe('OTHER_AREA');
      const away = await call(provinceAdmin, 'PATCH', `/api/v1/stations/${ids.hopDongStation!}`, { areaId: ids.vanChan! });
      expect(away.status).toBe(403);
      expect((await admin('GET', `/api/v1/stations/${ids.hopDongStation!}`)).body.areaId).toBe(ids.hopDong!);
    });

    it('a station that existed before areas (inserted without one) sits under the root', async () => {
      const id = crypto.randomUUID();
      await rt.db.query(`INSERT INTO stations (id, code, name, timezone, grid, webhook_secret) VALUES ($1, '66666', 'Đài cũ', $2, '[]', 'whsec_x')`, [id, TZ]);
      expect((await rt.db.query<{ area_id: string }>('SELECT area_id FROM stations WHERE id = $1', [id])).rows[0]!.area_id).toBe(ROOT);
      expect((await admin('GET', `/api/v1/stations/${id}`)).body.areaId).toBe(ROOT);
    });
  });

  describe('users', () => {
    const newUser = (o: Record<string, unknown> = {}) => ({ login: `user${crypto.randomBytes(3).toString('hex')}`, displayName: `Người dùng ${crypto.randomBytes(3).toString('hex')}`, password: PASSWORD, role: 'viewer', areaId: ids.laoCai!, ...o });
    const expectNoSecret = (body: unknown, password = PASSWORD) => {
      const text = JSON.stringify(body);
      expect(text).not.toContain(password);
      expect(text).not.toContain('$argon2');
      expect(text).not.toMatch(/"password(Hash)?"/);
    };

    it('creates a user (201) without the password in the answer, hashed with argon2id', async () => {
      const res = await admin('POST', '/api/v1/users', newUser({ login: 'Nguyen.Van-A', displayName: 'Nguyễn Văn A', role: 'editor' }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.headers.get('location')).toBe(`/api/v1/users/${res.body.id}`);
      expect(res.body).toMatchObject({ login: 'nguyen.van-a', displayName: 'Nguyễn Văn A', role: 'editor', areaId: ids.laoCai!, areaName: 'Tỉnh Lào Cai', disabled: false, mustChangePassword: false, hasPassword: true });
      expectNoSecret(res.body);
      expectNoSecret((await admin('GET', `/api/v1/users/${res.body.id}`)).body);
      expectNoSecret((await admin('GET', '/api/v1/users')).body);
      const stored = (await rt.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [res.body.id])).rows[0]!.password_hash;
      expect(stored).toMatch(/^\$argon2id\$/);
      ids.editorA = res.body.id;
    });

    it('refuses a taken login (whatever its case), bad logins and weak passwords, naming the field in Vietnamese', async () => {
      const taken = await admin('POST', '/api/v1/users', newUser({ login: 'NGUYEN.VAN-A' }));
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('LOGIN_TAKEN');
      for (const login of ['ab', 'có-dấu', 'a b c', 'x'.repeat(51)]) {
        const bad = await admin('POST', '/api/v1/users', newUser({ login }));
        expect(bad.status, login).toBe(422);
        expect(bad.body.error.details[0].field).toBe('login');
        expect(bad.body.error.message).toContain('«Tên đăng nhập»');
      }
      const short = await admin('POST', '/api/v1/users', newUser({ password: 'ngan' }));
      expect(short.status).toBe(422);
      expect(short.body.error.details[0].field).toBe('password');
      expect(short.body.error.message).toContain('ít nhất 10 ký tự');
      const same = await admin('POST', '/api/v1/users', newUser({ login: 'tranthibinh', password: 'TranThiBinh' }));
      expect(same.status).toBe(422);
      expect(same.body.error.message).toContain('không được trùng với «Tên đăng nhập»');
      expect((await rt.db.query("SELECT 1 FROM users WHERE login = 'tranthibinh'")).rowCount).toBe(0);
    });

    it('places an operator in a commune, with at most a station of that commune', async () => {
      const inProvince = await admin('POST', '/api/v1/users', newUser({ role: 'operator' }));
      expect(inProvince.status).toBe(422);
      expect(inProvince.body.error.code).toBe('OPERATOR_NEEDS_COMMUNE');
      const wrongStation = await admin('POST', '/api/v1/users', newUser({ role: 'operator', areaId: ids.hopDong!, stationId: ids.taPhinStation! }));
      expect(wrongStation.status).toBe(422);
      expect(wrongStation.body.error.code).toBe('STATION_OUTSIDE_AREA');
      const editorWithStation = await admin('POST', '/api/v1/users', newUser({ role: 'editor', stationId: ids.hopDongStation! }));
      expect(editorWithStation.body.error.code).toBe('STATION_ONLY_FOR_OPERATOR');
      const ok = await admin('POST', '/api/v1/users', newUser({ role: 'operator', areaId: ids.hopDong!, stationId: ids.hopDongStation! }));
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ role: 'operator', areaId: ids.hopDong!, stationId: ids.hopDongStation! });
      ids.operator = ok.body.id;
    });

    it('lets an admin manage only users of its own area, and never above it', async () => {
      const mine = await call(provinceAdmin, 'POST', '/api/v1/users', newUser({ role: 'viewer', areaId: ids.taPhin! }));
      expect(mine.status).toBe(201);
      const foreign = await admin('POST', '/api/v1/users', newUser({ areaId: ids.yenBai! }));
      expect(foreign.status).toBe(201);
      const listed = ((await call(provinceAdmin, 'GET', '/api/v1/users?limit=500')).body.items as { id: string; areaId: string }[]).map((u) => u.id);
      expect(listed).toContain(mine.body.id);
      expect(listed).not.toContain(foreign.body.id);
      expect((await call(provinceAdmin, 'GET', `/api/v1/users/${foreign.body.id}`)).status).toBe(403);
      expect((await call(provinceAdmin, 'PATCH', `/api/v1/users/${foreign.body.id}`, { displayName: 'Đổi trộm' })).status).toBe(403);
      const atRoot = await call(provinceAdmin, 'POST', '/api/v1/users', newUser({ areaId: ROOT, role: 'admin' }));
      expect(atRoot.status).toBe(403);
      const raised = await call(provinceAdmin, 'PATCH', `/api/v1/users/${mine.body.id}`, { areaId: ROOT });
      expect(raised.status).toBe(403);
      expect(raised.body.error.code).toBe('OTHER_AREA');
      expect((await admin('GET', `/api/v1/users/${mine.body.id}`)).body.areaId).toBe(ids.taPhin!);
      // Within its province it may promote to admin of that province.
      const promoted = await call(provinceAdmin, 'PATCH', `/api/v1/users/${mine.body.id}`, { role: 'admin', areaId: ids.laoCai! });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ role: 'admin', areaId: ids.laoCai! });
    });

    it('is for admins only', async () => {
      const editor = (await createUserWithToken(rt.db, { name: 'Biên tập viên tỉnh', role: 'editor', areaId: ids.laoCai! })).token;
      expect((await call(editor, 'GET', '/api/v1/users')).status).toBe(403);
      expect((await call(editor, 'POST', '/api/v1/users', newUser())).status).toBe(403);
      expect((await call(editor, 'POST', '/api/v1/areas', { name: 'Cụm mới', parentId: ids.laoCai! })).status).toBe(403);
      // Reading the tree is for everyone, within their area.
      expect((await call(editor, 'GET', '/api/v1/areas')).status).toBe(200);
    });

    it('changes role and area: an operator leaving the role lets go of its station; an area change keeps the rules', async () => {
      const toProvince = await admin('PATCH', `/api/v1/users/${ids.operator!}`, { areaId: ids.laoCai! });
      expect(toProvince.status).toBe(422);
      expect(toProvince.body.error.code).toBe('OPERATOR_NEEDS_COMMUNE');
      const toOtherCommune = await admin('PATCH', `/api/v1/users/${ids.operator!}`, { areaId: ids.taPhin! });
      expect(toOtherCommune.body.error.code).toBe('STATION_OUTSIDE_AREA');
      const moved = await admin('PATCH', `/api/v1/users/${ids.operator!}`, { areaId: ids.taPhin!, stationId: ids.taPhinStation! });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ areaId: ids.taPhin!, stationId: ids.taPhinStation! });
      const editor = await admin('PATCH', `/api/v1/users/${ids.operator!}`, { role: 'editor', displayName: 'Nay là biên tập' });
      expect(editor.status).toBe(200);
      expect(editor.body).toMatchObject({ role: 'editor', stationId: null, displayName: 'Nay là biên tập' });
      expectNoSecret(editor.body);
    });

    it('disabling signs the user out everywhere: sessions and API tokens revoked; an admin cannot disable itself', async () => {
      const { userId, token } = await createUserWithToken(rt.db, { name: 'Sắp bị khoá', role: 'viewer', areaId: ids.laoCai! });
      await rt.db.query('INSERT INTO sessions (id_hash, user_id, csrf_token) VALUES ($1, $2, $3)', [hashToken(crypto.randomUUID()), userId, 'csrf']);
      expect((await call(token, 'GET', '/api/v1/me')).status).toBe(200);
      const disabled = await call(provinceAdmin, 'PATCH', `/api/v1/users/${userId}`, { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);
      expect((await call(token, 'GET', '/api/v1/me')).status).toBe(401);
      expect((await rt.db.query('SELECT 1 FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rowCount).toBe(0);
      expect((await rt.db.query('SELECT 1 FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rowCount).toBe(0);
      const enabled = await call(provinceAdmin, 'PATCH', `/api/v1/users/${userId}`, { disabled: false });
      expect(enabled.body.disabled).toBe(false);

      const me = (await call(provinceAdmin, 'GET', '/api/v1/users?role=admin')).body.items.find((u: { displayName: string }) => u.displayName === 'Quản trị Lào Cai');
      const self = await call(provinceAdmin, 'PATCH', `/api/v1/users/${me.id}`, { disabled: true });
      expect(self.status).toBe(403);
      expect(self.body.error.code).toBe('CANNOT_DISABLE_SELF');
      expect((await call(provinceAdmin, 'PATCH', `/api/v1/users/${me.id}`, { role: 'viewer' })).body.error.code).toBe('CANNOT_CHANGE_OWN_ROLE');
      expect((await call(provinceAdmin, 'GET', '/api/v1/me')).status).toBe(200);
    });

    it('reset-password sets a temporary password the user must change, and ends its sessions', async () => {
      const created = await admin('POST', '/api/v1/users', newUser({ login: 'le.thi.hoa' }));
      const id = created.body.id as string;
      const before = (await rt.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id])).rows[0]!.password_hash;
      await rt.db.query('INSERT INTO sessions (id_hash, user_id, csrf_token) VALUES ($1, $2, $3)', [hashToken(crypto.randomUUID()), id, 'csrf']);
      const weak = await admin('POST', `/api/v1/users/${id}/reset-password`, { password: 'le.thi.hoa' });
      expect(weak.status).toBe(422);
      const reset = await admin('POST', `/api/v1/users/${id}/reset-password`, { password: 'tam-thoi-9876543' });
      expect(reset.status).toBe(200);
      expect(reset.body.mustChangePassword).toBe(true);
      expectNoSecret(reset.body, 'tam-thoi-9876543');
      const after = (await rt.db.query<{ password_hash: string; must_change_password: boolean }>('SELECT password_hash, must_change_password FROM users WHERE id = $1', [id])).rows[0]!;
      expect(after.password_hash).not.toBe(before);
      expect(after.password_hash).toMatch(/^\$argon2id\$/);
      expect(after.must_change_password).toBe(true);
      expect((await rt.db.query('SELECT 1 FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [id])).rowCount).toBe(0);
    });

    it('keeps createUserWithToken working: a login is made up, operators sit in their station’s area', async () => {
      const { userId, login } = await createUserWithToken(rt.db, { name: 'Trần Văn Đức', role: 'operator', stationId: ids.hopDongStation! });
      expect(login).toMatch(/^tran\.van\.duc\.[0-9a-f]{8}$/);
      const u = (await admin('GET', `/api/v1/users/${userId}`)).body;
      expect(u).toMatchObject({ login, areaId: ids.hopDong!, stationId: ids.hopDongStation!, hasPassword: false });
      const again = await createUserWithToken(rt.db, { name: 'Trần Văn Đức 2', role: 'viewer', login: 'tran.van.duc2' });
      expect((await admin('GET', `/api/v1/users/${again.userId}`)).body.areaId).toBe(ROOT);
    });
  });
});
