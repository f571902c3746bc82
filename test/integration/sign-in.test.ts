import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { hashSessionId } from '../../src/db/sessions-repo.js';
import { SIGN_IN_LIMITS } from '../../src/domain/people/sign-in-backoff.js';
import { api } from '../helpers/api.js';
import { hashOf, launchChromium, openPage } from '../helpers/browser.js';
import { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } from '../helpers/env.js';

const PASSWORD = 'mật khẩu đủ dài 2026';

/** A fresh address for each test that counts failures, so their back-off counters never meet. */
let lastOctet = 10;
const freshIp = () => `198.51.100.${lastOctet++}`;

interface Signed {
  cookie: string;
  setCookie: string;
  csrf: string;
}

describe('people signing in: sessions, cookies, CSRF, back-off, password change, personal tokens', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let browser: Browser | undefined;
  let base: string;

  /** A user who can sign in: made as existing tests make users, then given a login and a password. */
  async function person(opts: { role?: string; mustChange?: boolean; disabled?: boolean; displayName?: string } = {}) {
    const login = `nguoi.${crypto.randomBytes(4).toString('hex')}`;
    const name = opts.displayName ?? `Cán bộ ${login.slice(-4)}`;
    const { userId, token } = await createUserWithToken(rt.db, { name, role: opts.role ?? 'editor' });
    await rt.db.query('UPDATE users SET login = $2, password_hash = $3, must_change_password = $4, disabled_at = $5 WHERE id = $1', [
      userId,
      login,
      await hashPassword(PASSWORD),
      opts.mustChange ?? false,
      opts.disabled ? new Date() : null,
    ]);
    return { userId, login, name, token };
  }

  const post = (login: string, password: string, headers: Record<string, string> = {}) =>
    api(base, null, 'POST', '/api/v1/session', { login, password }, { 'x-forwarded-for': freshIp(), ...headers });

  async function signIn(login: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Signed> {
    const res = await post(login, password, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0]!;
    const me = await api(base, null, 'GET', '/api/v1/me', undefined, { cookie });
    expect(me.status).toBe(200);
    return { cookie, setCookie, csrf: me.body.csrfToken };
  }

  const withCookie = (s: Signed, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    api(base, null, method, url, body, { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: base, ...headers });

  async function auditActions(targetId: string): Promise<{ action: string; actor_name: string; after: unknown }[]> {
    const r = await rt.db.query<{ action: string; actor_name: string; after: unknown }>('SELECT action, actor_name, after FROM audit_log WHERE target_id = $1 ORDER BY id', [targetId]);
    return r.rows;
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { TRUST_PROXY: 'loopback' } }));
    base = rt.url!;
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('makes the first admin of a fresh install with ADMIN_TOKEN, once', async () => {
    const other = await createUserWithToken(rt.db, { name: 'không phải quản trị gốc', role: 'admin' });
    const body = { login: 'quantri', displayName: 'Quản trị tỉnh', password: PASSWORD };
    expect((await api(base, other.token, 'POST', '/api/v1/setup', body)).body.error.code).toBe('ADMIN_TOKEN_REQUIRED');
    const weak = await api(base, ADMIN_TOKEN, 'POST', '/api/v1/setup', { ...body, password: 'ngắn' });
    expect(weak.status).toBe(422);
    const made = await api(base, ADMIN_TOKEN, 'POST', '/api/v1/setup', body);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ login: 'quantri', displayName: 'Quản trị tỉnh', role: 'admin' });
    expect(JSON.stringify(made.body)).not.toContain(PASSWORD);
    const again = await api(base, ADMIN_TOKEN, 'POST', '/api/v1/setup', { ...body, login: 'quantri2' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SETUP_DONE');
    const s = await signIn('QuanTri');
    const me = await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: s.cookie });
    expect(me.body).toMatchObject({ login: 'quantri', displayName: 'Quản trị tỉnh', name: 'Quản trị tỉnh', role: 'admin', mustChangePassword: false });
  });

  it('signs in with a cookie (HttpOnly, SameSite=Strict, not Secure over http), keeps only its hash, and signs out for good', async () => {
    const u = await person({ displayName: 'Nguyễn Thị Lan' });
    const s = await signIn(u.login);
    expect(s.setCookie).toMatch(/^loaxa\.sid=/);
    expect(s.setCookie).toMatch(/; HttpOnly/i);
    expect(s.setCookie).toMatch(/; SameSite=Strict/i);
    expect(s.setCookie).toMatch(/; Path=\//i);
    expect(s.setCookie).not.toMatch(/; Secure/i);
    const me = await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: s.cookie });
    expect(me.body).toMatchObject({ id: u.userId, login: u.login, displayName: 'Nguyễn Thị Lan', name: 'Nguyễn Thị Lan', role: 'editor', stationId: null, mustChangePassword: false });
    expect(me.body.areaId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof me.body.csrfToken).toBe('string');
    // The cookie carries the session id (signed); the table holds its SHA-256 only.
    const sid = decodeURIComponent(s.cookie.split('=')[1]!).replace(/^s:/, '').split('.')[0]!;
    const rows = await rt.db.query<{ id_hash: string; revoked_at: Date | null }>('SELECT id_hash, revoked_at FROM sessions WHERE user_id = $1', [u.userId]);
    expect(rows.rows.map((r) => r.id_hash)).toEqual([hashSessionId(sid)]);

    const out = await withCookie(s, 'DELETE', '/api/v1/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/loaxa\.sid=;/);
    expect((await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: s.cookie })).status).toBe(401);
    const after = await rt.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM sessions WHERE user_id = $1', [u.userId]);
    expect(after.rows[0]!.revoked_at).not.toBeNull();
    expect((await auditActions(u.userId)).map((e) => e.action)).toEqual(['session.sign_in', 'session.sign_out']);
  });

  it('sets Secure behind an HTTPS proxy (TRUST_PROXY=loopback, X-Forwarded-Proto: https)', async () => {
    const u = await person();
    const res = await post(u.login, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/i);
  });

  it('answers a wrong password, an unknown login and a disabled account alike, and records the login tried (never the password)', async () => {
    const u = await person();
    const off = await person({ disabled: true });
    const answers = [await post(u.login, 'sai mật khẩu rồi'), await post('khong.ai.ten.nay', PASSWORD), await post(off.login, PASSWORD)];
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.headers.get('set-cookie')).toBeNull();
    }
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers[0]!.body.error).toMatchObject({ code: 'SIGN_IN_FAILED', messageVi: 'Sai tên đăng nhập hoặc mật khẩu' });
    const failed = await rt.db.query<{ actor_name: string; after: { login: string }; ip: string }>(
      `SELECT actor_name, after, ip FROM audit_log WHERE action = 'session.sign_in_failed' AND actor_name = ANY($1) ORDER BY id`,
      [[u.login, 'khong.ai.ten.nay', off.login]],
    );
    expect(failed.rows.map((r) => r.after.login)).toEqual([u.login, 'khong.ai.ten.nay', off.login]);
    expect(failed.rows.every((r) => r.ip.startsWith('198.51.100.'))).toBe(true);
    const all = await rt.db.query<{ t: string }>('SELECT string_agg(row_to_json(a)::text, \' \') AS t FROM audit_log a');
    expect(all.rows[0]!.t).not.toContain('sai mật khẩu rồi');
    expect(all.rows[0]!.t).not.toContain(PASSWORD);
  });

  it('refuses cookie writes without the CSRF token, with a wrong one, or from another site; bearer calls need none', async () => {
    const u = await person();
    const s = await signIn(u.login);
    const noToken = await api(base, null, 'POST', '/api/v1/me/tokens', { label: 'x' }, { cookie: s.cookie, origin: base });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await withCookie(s, 'POST', '/api/v1/me/tokens', { label: 'x' }, { 'x-csrf-token': 'a'.repeat(64) });
    expect(wrong.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const foreign = await withCookie(s, 'POST', '/api/v1/me/tokens', { label: 'x' }, { origin: 'https://trang-la.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('CROSS_SITE_REQUEST');
    const fetchSite = await withCookie(s, 'POST', '/api/v1/me/tokens', { label: 'x' }, { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.body.error.code).toBe('CROSS_SITE_REQUEST');
    // Another site cannot sign the browser in either.
    expect((await post(u.login, PASSWORD, { origin: 'https://trang-la.example' })).status).toBe(403);
    expect((await api(base, null, 'GET', '/api/v1/me/tokens', undefined, { cookie: s.cookie })).status).toBe(200);
    expect((await withCookie(s, 'POST', '/api/v1/me/tokens', { label: 'đúng' })).status).toBe(201);
    expect((await api(base, u.token, 'POST', '/api/v1/me/tokens', { label: 'tập lệnh' })).status).toBe(201);
    const made = await rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'token.create' AND actor_id = $1`, [u.userId]);
    expect(made.rows[0]!.n).toBe(2);
  });

  it('backs off an account after repeated failures from any address, and a right password resets the count', async () => {
    const { failures } = SIGN_IN_LIMITS.perAccount;
    const u = await person();
    for (let i = 0; i < failures - 1; i++) expect((await post(u.login, `sai ${i}`)).status).toBe(401);
    await signIn(u.login); // resets
    for (let i = 0; i < failures; i++) expect((await post(u.login.toUpperCase(), `sai lần nữa ${i}`)).status).toBe(401);
    const blocked = await post(u.login, PASSWORD);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccount.windowSec);
    expect(blocked.body.error.code).toBe('SIGN_IN_BACKED_OFF');
    expect(blocked.body.error.messageVi).toMatch(/^Đăng nhập sai quá nhiều lần\. Vui lòng thử lại sau \d+ phút\.$/);
    // An unknown login backs off the same way: the 429 tells no one whether the account exists.
    for (let i = 0; i < failures; i++) await post('chua.co.ai', `sai ${i}`);
    expect((await post('chua.co.ai', 'gì cũng được')).status).toBe(429);
  });

  it('backs off an address after failures over many accounts, without touching other addresses', async () => {
    const ip = freshIp();
    const u = await person();
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress.failures; i++) {
      expect((await post(`ai.do.${i}`, 'đoán mò', { 'x-forwarded-for': ip })).status).toBe(401);
    }
    const blocked = await post(u.login, PASSWORD, { 'x-forwarded-for': ip });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    await signIn(u.login); // from another address
  });

  it('holds a reset password to a change: everything else is refused until the new one is set, and other sessions end', async () => {
    const u = await person({ mustChange: true });
    const elsewhere = await signIn(u.login);
    const s = await signIn(u.login);
    const me = await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: s.cookie });
    expect(me.body.mustChangePassword).toBe(true);
    const held = await api(base, null, 'GET', '/api/v1/episodes', undefined, { cookie: s.cookie });
    expect(held.status).toBe(403);
    expect(held.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    // The same account's bearer token is held back too.
    expect((await api(base, u.token, 'GET', '/api/v1/episodes')).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const short = await withCookie(s, 'POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'ngắn' });
    expect(short.status).toBe(422);
    expect(short.body.error.messageVi).toContain('«Mật khẩu mới» phải có ít nhất 10 ký tự');
    const asLogin = await withCookie(s, 'POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: u.login.toUpperCase() });
    expect(asLogin.status).toBe(422);
    const wrong = await withCookie(s, 'POST', '/api/v1/me/password', { currentPassword: 'không phải mật khẩu', newPassword: 'mật khẩu mới tinh 2026' });
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    const changed = await withCookie(s, 'POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'mật khẩu mới tinh 2026' });
    expect(changed.status).toBe(204);
    expect((await api(base, null, 'GET', '/api/v1/episodes', undefined, { cookie: s.cookie })).status).toBe(200);
    expect((await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: elsewhere.cookie })).status).toBe(401);
    expect((await post(u.login, PASSWORD)).status).toBe(401);
    await signIn(u.login, 'mật khẩu mới tinh 2026');
    expect((await auditActions(u.userId)).map((e) => e.action)).toContain('user.password_change');
  });

  it('ends a session idle for 12 hours, and keeps one in use alive (last_seen_at moves)', async () => {
    const u = await person();
    const idle = await signIn(u.login);
    const busy = await signIn(u.login);
    const hashOf = (s: Signed) => hashSessionId(decodeURIComponent(s.cookie.split('=')[1]!).replace(/^s:/, '').split('.')[0]!);
    await rt.db.query(`UPDATE sessions SET last_seen_at = now() - interval '12 hours 1 minute' WHERE id_hash = $1`, [hashOf(idle)]);
    await rt.db.query(`UPDATE sessions SET last_seen_at = now() - interval '11 hours 58 minutes' WHERE id_hash = $1`, [hashOf(busy)]);
    expect((await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: idle.cookie })).status).toBe(401);
    expect((await api(base, null, 'GET', '/api/v1/me', undefined, { cookie: busy.cookie })).status).toBe(200);
    const seen = await rt.db.query<{ idle_sec: number }>('SELECT extract(epoch FROM now() - last_seen_at)::int AS idle_sec FROM sessions WHERE id_hash = $1', [hashOf(busy)]);
    expect(seen.rows[0]!.idle_sec).toBeLessThan(60);
  });

  it('makes personal tokens shown once, lists them without secrets, and revokes them', async () => {
    const u = await person();
    const s = await signIn(u.login);
    const made = await withCookie(s, 'POST', '/api/v1/me/tokens', { label: 'Máy tính văn phòng' });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^lx_/);
    expect((await api(base, made.body.token, 'GET', '/api/v1/me')).body).toMatchObject({ id: u.userId, login: u.login });
    const list = await withCookie(s, 'GET', '/api/v1/me/tokens');
    expect(list.body.tokens.map((t: { label: string }) => t.label)).toContain('Máy tính văn phòng');
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);
    expect(JSON.stringify(list.body)).not.toMatch(/hash/i);
    const other = await person();
    expect((await api(base, other.token, 'DELETE', `/api/v1/me/tokens/${made.body.id}`)).status).toBe(404);
    expect((await withCookie(s, 'DELETE', `/api/v1/me/tokens/${made.body.id}`)).status).toBe(204);
    expect((await api(base, made.body.token, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await auditActions(made.body.id)).map((e) => e.action)).toEqual(['token.create', 'token.revoke']);
  });

  it('signs in in a browser with name and password and shows the display name in the header; signs out', async () => {
    browser = await launchChromium();
    const u = await person({ displayName: 'Trần Văn Bình' });
    const { page, context, problems } = await openPage(browser, { width: 1280, height: 800, baseURL: base });
    try {
      await page.goto('/#/signin');
      await page.getByLabel('Tên đăng nhập').fill(u.login);
      await page.getByLabel('Mật khẩu', { exact: true }).fill('sai mật khẩu');
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await page.getByText('Sai tên đăng nhập hoặc mật khẩu.').waitFor();
      await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await page.locator('[data-testid="who"]').getByText('Trần Văn Bình').waitFor();
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'loaxa.sid')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      // A reload resumes the cookie session.
      await page.reload();
      await page.locator('[data-testid="who"]').getByText('Trần Văn Bình').waitFor();
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.getByText('Bạn đã đăng xuất.').waitFor();
      const rows = await rt.db.query<{ live: number }>('SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [u.userId]);
      expect(rows.rows[0]!.live).toBe(0);

      // A password an admin reset: the change-password screen comes first, and then the rest opens.
      const reset = await person({ mustChange: true, displayName: 'Lê Thị Hoa' });
      await page.getByLabel('Tên đăng nhập').fill(reset.login);
      await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await page.getByText('Quản trị viên đã cấp lại mật khẩu cho bạn.', { exact: false }).waitFor();
      await page.getByLabel('Mật khẩu hiện tại').fill(PASSWORD);
      await page.getByLabel('Mật khẩu mới', { exact: true }).fill('ngắn');
      await page.getByText('Mật khẩu mới cần ít nhất 10 ký tự (hiện có 4).').waitFor();
      await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mật khẩu riêng của Hoa');
      await page.getByLabel('Nhập lại mật khẩu mới').fill('mật khẩu riêng của Hoa');
      await page.getByRole('button', { name: 'Đổi mật khẩu' }).last().click();
      // Three argon2 runs (check, compare, hash) on a busy machine: more than the default 5 s at worst.
      await expect.poll(() => hashOf(page), { timeout: 20_000 }).toBe('#/episodes');
      await page.locator('[data-testid="who"]').getByText('Lê Thị Hoa').waitFor();
      const changed = await rt.db.query<{ must: boolean }>('SELECT must_change_password AS must FROM users WHERE id = $1', [reset.userId]);
      expect(changed.rows[0]!.must).toBe(false);

      // Personal tokens, made in the dashboard and shown once, then revoked.
      await page.getByRole('link', { name: 'Mật khẩu và mã truy cập' }).click();
      const listed = page.locator('[data-testid="personal-tokens"]');
      // The token createUserWithToken made, without a label.
      await listed.getByText('(không tên)').waitFor();
      await page.getByLabel('Tên gợi nhớ').fill('Tập lệnh báo cáo');
      await page.getByRole('button', { name: 'Tạo mã truy cập' }).click();
      const shown = (await page.locator('[data-testid="new-token"]').textContent()) ?? '';
      expect(shown).toMatch(/^lx_/);
      expect((await api(base, shown, 'GET', '/api/v1/me')).body.login).toBe(reset.login);
      const item = listed.locator('li', { hasText: 'Tập lệnh báo cáo' });
      await item.waitFor();
      await item.getByRole('button', { name: 'Thu hồi' }).click();
      await page.getByText('Đã thu hồi mã.').waitFor();
      await item.waitFor({ state: 'detached' });
      expect((await api(base, shown, 'GET', '/api/v1/me')).status).toBe(401);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
