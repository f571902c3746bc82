import crypto from 'node:crypto';
import type { Database } from '../db/database.js';
import { auditRepo, type AuditEntry } from '../db/audit-repo.js';
import { accountsRepo, type SignInUser } from '../db/accounts-repo.js';
import { sessionsRepo } from '../db/sessions-repo.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { passwordProblem } from '../domain/people/password-rules.js';
import { waitText } from '../domain/people/sign-in-backoff.js';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.js';
import { ServiceError } from './errors.js';
import { ROOT_AREA_ID } from './access.js';
import type { SignInLimiter } from '../api/session/sign-in-limiter.js';

/** A wrong login/password pair, an unknown login and a disabled account alike: one answer, nothing to tell apart. */
export class SignInRefused extends Error {
  override name = 'SignInRefused';
}

/** Too many failures for this account or from this address: wait `waitMs`. */
export class SignInBackoff extends Error {
  override name = 'SignInBackoff';
  constructor(readonly waitMs: number) {
    super(`sign-in backed off for ${waitMs} ms`);
  }
  get text() {
    return waitText(this.waitMs);
  }
}

/** Where a request came from, for the audit log. */
export interface RequestContext {
  ip: string | null;
  requestId: string | null;
}

/** Who acts, as the audit log names them. */
export interface Actor {
  userId: string | null;
  login: string | null;
  name: string;
  role: string;
  areaPath: string | null;
}

const entry = (a: Actor, ctx: RequestContext, e: Pick<AuditEntry, 'action' | 'targetType' | 'targetId'> & Partial<AuditEntry>): AuditEntry => ({
  actorId: a.userId,
  actorName: a.login ?? a.name,
  actorRole: a.role,
  ip: ctx.ip,
  requestId: ctx.requestId,
  areaPath: a.areaPath,
  ...e,
});

const LABEL_MAX = 100;

export function sessionService(deps: { db: Database; limiter: SignInLimiter }) {
  const accounts = accountsRepo(deps.db);
  const audit = auditRepo(deps.db);

  async function refuseIfBackedOff(login: string, ip: string): Promise<void> {
    const wait = await deps.limiter.waitMs(login, ip);
    if (wait > 0) throw new SignInBackoff(wait);
  }

  return {
    /** Checks a login and password; the caller then starts the session. */
    async signIn(input: { login: string; password: string }, ctx: RequestContext & { ip: string }): Promise<SignInUser> {
      const login = input.login.trim();
      await refuseIfBackedOff(login, ctx.ip);
      const user = await accounts.forSignIn(login);
      // The password is checked (or a stand-in hash is) in every case, so each answer takes as long as the others.
      const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstNothing(input.password);
      if (!ok || !user || user.disabled) {
        await deps.limiter.failed(login, ctx.ip);
        await audit.append({
          actorId: null,
          actorName: login.slice(0, 200),
          actorRole: null,
          ip: ctx.ip,
          requestId: ctx.requestId,
          action: 'session.sign_in_failed',
          targetType: 'user',
          targetId: user?.id ?? null,
          areaPath: user?.areaPath ?? null,
          after: { login: login.slice(0, 200), reason: !user ? 'unknown_login' : user.disabled && ok ? 'disabled' : 'wrong_password' },
        });
        throw new SignInRefused('wrong login or password');
      }
      await deps.limiter.succeeded(login);
      await sessionsRepo(deps.db).pruneOf(user.id);
      await audit.append(entry({ userId: user.id, login: user.login, name: user.name, role: user.role, areaPath: user.areaPath }, ctx, { action: 'session.sign_in', targetType: 'user', targetId: user.id }));
      return user;
    },

    async signedOut(a: Actor, ctx: RequestContext): Promise<void> {
      await audit.append(entry(a, ctx, { action: 'session.sign_out', targetType: 'user', targetId: a.userId }));
    },

    /**
     * The person's own password: the current one first (counted as a sign-in failure when wrong, so a borrowed
     * session cannot be used to guess it), then the rules. Their other browsers are signed out.
     */
    async changePassword(a: Actor & { userId: string }, input: { currentPassword: string; newPassword: string }, ctx: RequestContext & { ip: string }, keepSessionHash: string | null): Promise<void> {
      const user = await accounts.forSignIn(a.login ?? '');
      if (!user || user.id !== a.userId) throw new ServiceError('forbidden', 'NO_PASSWORD_ACCOUNT', 'this account has no login name', 'Tài khoản này không có tên đăng nhập');
      await refuseIfBackedOff(user.login, ctx.ip);
      const ok = user.passwordHash ? await verifyPassword(user.passwordHash, input.currentPassword) : await verifyAgainstNothing(input.currentPassword);
      if (!ok) {
        await deps.limiter.failed(user.login, ctx.ip);
        throw new ServiceError('invalid', 'WRONG_PASSWORD', 'currentPassword: not the current password', '«Mật khẩu hiện tại» không đúng', [
          { field: 'currentPassword', location: 'body', rule: 'wrong_password', messageVi: '«Mật khẩu hiện tại» không đúng', messageEn: 'currentPassword: not the current password' },
        ]);
      }
      const problem = passwordProblem(input.newPassword, user.login);
      const same = !problem && input.newPassword === input.currentPassword;
      if (problem || same) {
        const vi = problem?.messageVi ?? '«Mật khẩu mới» phải khác mật khẩu hiện tại';
        const en = problem?.messageEn ?? 'newPassword: must differ from the current password';
        throw new ServiceError('invalid', (problem?.rule ?? 'same_as_current').toUpperCase(), en.replace(/^password/, 'newPassword'), vi.replace('«Mật khẩu»', '«Mật khẩu mới»'), [
          { field: 'newPassword', location: 'body', rule: problem?.rule ?? 'same_as_current', messageVi: vi.replace('«Mật khẩu»', '«Mật khẩu mới»'), messageEn: en.replace(/^password/, 'newPassword') },
        ]);
      }
      const hash = await hashPassword(input.newPassword);
      await deps.db.transaction(async (tx) => {
        await accountsRepo(tx).setOwnPassword(user.id, hash);
        await sessionsRepo(tx).revokeAllOf(user.id, keepSessionHash);
        await auditRepo(tx).append(entry(a, ctx, { action: 'user.password_change', targetType: 'user', targetId: user.id, areaPath: user.areaPath }));
      });
      await deps.limiter.succeeded(user.login);
    },

    /** A personal API token for scripts: shown once, only its hash kept. */
    async createToken(a: Actor & { userId: string }, label: string | null, ctx: RequestContext): Promise<{ id: string; label: string | null; token: string; createdAt: string }> {
      const id = crypto.randomUUID();
      const token = newToken();
      const clean = label?.trim().slice(0, LABEL_MAX) || null;
      const createdAt = await deps.db.transaction(async (tx) => {
        const at = await accountsRepo(tx).addToken({ id, userId: a.userId, tokenHash: hashToken(token), label: clean });
        await auditRepo(tx).append(entry(a, ctx, { action: 'token.create', targetType: 'api_token', targetId: id, after: { label: clean } }));
        return at;
      });
      return { id, label: clean, token, createdAt: createdAt.toISOString() };
    },

    listTokens: (userId: string) => accounts.tokensOf(userId),

    async revokeToken(a: Actor & { userId: string }, id: string, ctx: RequestContext): Promise<void> {
      await deps.db.transaction(async (tx) => {
        const label = await accountsRepo(tx).revokeToken(a.userId, id);
        if (label === undefined) throw new ServiceError('not_found', 'NOT_FOUND', 'token not found', 'Không tìm thấy mã truy cập');
        await auditRepo(tx).append(entry(a, ctx, { action: 'token.revoke', targetType: 'api_token', targetId: id, before: { label } }));
      });
    },

    /**
     * The first administrator of a fresh install, made with ADMIN_TOKEN: only while no one has a password yet, so a
     * leaked ADMIN_TOKEN later cannot plant another admin this way.
     */
    async setupFirstAdmin(input: { login: string; displayName: string; password: string }, a: Actor, ctx: RequestContext): Promise<{ id: string; login: string; displayName: string; role: 'admin'; areaId: string }> {
      const login = input.login.trim();
      const problem = passwordProblem(input.password, login);
      if (problem) {
        throw new ServiceError('invalid', problem.rule.toUpperCase(), problem.messageEn, problem.messageVi, [{ field: 'password', location: 'body', rule: problem.rule, messageVi: problem.messageVi, messageEn: problem.messageEn }]);
      }
      const hash = await hashPassword(input.password);
      const id = crypto.randomUUID();
      const displayName = input.displayName.trim();
      await deps.db.transaction(async (tx) => {
        const repo = accountsRepo(tx);
        // One setup at a time: the check and the insert must not interleave with another setup's.
        await tx.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
        if (await repo.anyPassword()) throw new ServiceError('conflict', 'SETUP_DONE', 'setup is done: a user with a password exists; sign in and create users instead', 'Đã thiết lập xong: đã có người dùng có mật khẩu, hãy đăng nhập rồi tạo người dùng');
        if (await repo.loginTaken(login)) throw new ServiceError('conflict', 'LOGIN_TAKEN', `login "${login}" is taken`, `«Tên đăng nhập» "${login}" đã có người dùng`);
        await repo.createAdmin({ id, login, name: displayName, passwordHash: hash, areaId: ROOT_AREA_ID });
        await auditRepo(tx).append(entry(a, ctx, { action: 'user.create', targetType: 'user', targetId: id, after: { login, displayName, role: 'admin', areaId: ROOT_AREA_ID, setup: true } }));
      });
      return { id, login, displayName, role: 'admin', areaId: ROOT_AREA_ID };
    },
  };
}
export type SessionService = ReturnType<typeof sessionService>;
