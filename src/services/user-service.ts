import crypto from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from '../db/database.js';
import { accountsRepo } from '../db/accounts-repo.js';
import { areasRepo } from '../db/areas-repo.js';
import { loginFromName, ROLES, usersRepo, type Role, type UserRow } from '../db/users-repo.js';
import { passwordProblem } from '../domain/people/password-rules.js';
import { USER_ROLES, type AccessPrincipal } from '../domain/access/policy.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { stationsRepo } from '../db/stations-repo.js';
import { accessService } from './access.js';
import { auditService, changedFields, type ActingContext } from './audit-service.js';
import { notFoundError, ServiceError } from './errors.js';
import { hashPassword } from './passwords.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UserInputError extends Error {
  override name = 'UserInputError';
}

/**
 * Checked before any query: the database answers a malformed id with an error meant for developers (a stack trace
 * in the CLI). A 5-digit number is most likely the commune's code, which people know better than the station's id.
 */
export function assertStationIdFormat(stationId: string): void {
  if (UUID.test(stationId)) return;
  const hint = /^\d{5}$/.test(stationId) ? ' (that looks like a commune code)' : '';
  throw new UserInputError(`station: "${stationId}" is not a station id${hint}; use the station's id, a UUID such as 6f1c2a9e-0b7d-4c1e-9a55-2f4f0c3d8e21, as GET /api/v1/stations lists it`);
}

export const LOGIN_PATTERN = /^[a-z0-9._-]{3,50}$/;

/** Creates a user with a first token; the token is returned once and only its hash is stored. */
export async function createUserWithToken(
  db: Database,
  input: { name: string; role: string; stationId?: string | null; label?: string; login?: string; areaId?: string },
): Promise<{ userId: string; token: string; login: string }> {
  const name = input.name.trim();
  if (!/^[\p{L}\p{N}_.@ -]{2,80}$/u.test(name)) throw new UserInputError('name: 2–80 letters, digits, spaces or _ . @ -');
  if (!(ROLES as readonly string[]).includes(input.role)) throw new UserInputError(`role must be one of ${ROLES.join(', ')}`);
  const role = input.role as Role;
  if (role === 'operator' && !input.stationId) throw new UserInputError('an operator needs a station (--station)');
  if (role !== 'operator' && input.stationId) throw new UserInputError('only operators are tied to a station');
  const stationId = input.stationId ?? null;
  if (stationId !== null) assertStationIdFormat(stationId);
  if (input.login !== undefined && !LOGIN_PATTERN.test(input.login)) throw new UserInputError('login: 3–50 characters, a-z 0-9 . _ -');
  const userId = crypto.randomUUID();
  const token = newToken();
  const login = input.login ?? loginFromName(name, userId);
  await db.transaction(async (tx) => {
    const users = usersRepo(tx);
    if (stationId !== null && !(await stationsRepo(tx).get(stationId))) throw new UserInputError(`station: no station has the id ${stationId}`);
    if (await users.findByName(name)) throw new UserInputError(`a user named "${name}" already exists`);
    if (await users.loginTaken(login)) throw new UserInputError(`the login "${login}" is taken`);
    // Without an area: an operator acts for its station's area, everyone else for the whole installation (the repo).
    await users.create({ id: userId, name, role, stationId, login, areaId: input.areaId ?? null });
    await users.addToken({ id: crypto.randomUUID(), userId, tokenHash: hashToken(token), label: input.label ?? null });
  });
  return { userId, token, login };
}

/** Another token for an existing user (rotation, a second device). */
export async function addToken(db: Database, userName: string, label?: string): Promise<string> {
  const users = usersRepo(db);
  const user = await users.findByName(userName.trim());
  if (!user) throw new UserInputError(`no user named "${userName}"`);
  const token = newToken();
  await users.addToken({ id: crypto.randomUUID(), userId: user.id, tokenHash: hashToken(token), label: label ?? null });
  return token;
}

// ── Managing people through the API ─────────────────────────────────────────────────────────────────────────

// Login and password are judged by the service, which words each rule in both languages.
export const createUserSchema = z
  .object({
    login: z.string().max(200).meta({ description: '3–50 characters a-z 0-9 . _ - (upper case is folded); unique regardless of case', pattern: '^[A-Za-z0-9._-]{3,50}$' }),
    displayName: z.string().trim().min(1).max(80),
    password: z.string().max(1000).meta({ description: 'At least 10 characters, not the login name; never shown again' }),
    role: z.enum(USER_ROLES),
    areaId: z.uuid().meta({ description: 'The area the user acts for (an operator: a commune)' }),
    stationId: z.uuid().nullable().optional().meta({ description: "Operators only: a station in the user's area" }),
  })
  .strict();

export const updateUserSchema = z
  .object({
    displayName: z.string().trim().min(1).max(80).optional(),
    role: z.enum(USER_ROLES).optional(),
    areaId: z.uuid().optional(),
    stationId: z.uuid().nullable().optional(),
    disabled: z.boolean().optional().meta({ description: 'true signs the user out everywhere and revokes their API tokens' }),
  })
  .strict();

export const resetPasswordSchema = z.object({ password: z.string().max(1000).meta({ description: 'A temporary password; the user must change it at next sign-in' }) }).strict();

export const listUsersSchema = z.object({
  login: z.string().trim().min(1).max(200).optional().meta({ description: 'Exactly this login (case-insensitive)' }),
  role: z.enum(USER_ROLES).optional(),
  disabled: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A user as the API shows it: never the password or its hash. */
export interface UserView {
  id: string;
  login: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaName: string;
  stationId: string | null;
  disabled: boolean;
  disabledAt: string | null;
  mustChangePassword: boolean;
  hasPassword: boolean;
  passwordChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    login: u.login,
    displayName: u.name,
    role: u.role,
    areaId: u.areaId,
    areaName: u.areaName,
    stationId: u.stationId,
    disabled: u.disabledAt !== null,
    disabledAt: u.disabledAt?.toISOString() ?? null,
    mustChangePassword: u.mustChangePassword,
    hasPassword: u.hasPassword,
    passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** What an edit of a user shows in the audit log. */
const audited = (u: UserRow) => ({ login: u.login, displayName: u.name, role: u.role, areaId: u.areaId, stationId: u.stationId, disabled: u.disabledAt !== null });

const invalid = (field: string, code: string, en: string, vi: string, extra: Record<string, unknown> = {}) =>
  new ServiceError('invalid', code, `${field}: ${en}`, vi, [{ field, location: 'body', rule: code, message: en, messageEn: `${field}: ${en}`, messageVi: vi, ...extra }]);

const loginTaken = (login: string) => new ServiceError('conflict', 'LOGIN_TAKEN', `The login "${login}" is taken`, `«Tên đăng nhập» "${login}" đã có người dùng`, { login });
const nameTaken = (name: string) => new ServiceError('conflict', 'NAME_TAKEN', `A user named "${name}" already exists`, `Đã có người dùng mang «Họ và tên» "${name}": hãy thêm chi tiết để phân biệt (ví dụ tên xã)`, { displayName: name });

function normalisedLogin(raw: string): string {
  const login = raw.trim().toLowerCase();
  if (!LOGIN_PATTERN.test(login)) {
    throw invalid('login', 'VALIDATION_FAILED', '3–50 characters: letters a-z, digits, dot, underscore or hyphen', '«Tên đăng nhập» phải dài 3–50 ký tự, chỉ gồm chữ a-z không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang');
  }
  return login;
}

function checkPassword(password: string, login: string): void {
  const problem = passwordProblem(password, login);
  if (problem) throw invalid('password', problem.rule.toUpperCase(), problem.messageEn.replace(/^password: /, ''), problem.messageVi, { rule: problem.rule });
}

function uniqueViolation(err: unknown): 'login' | 'name' | null {
  if ((err as { code?: string }).code !== '23505') return null;
  const what = String((err as { constraint?: string }).constraint ?? (err as Error).message);
  return what.includes('login') ? 'login' : what.includes('name') ? 'name' : null;
}

/** Users: created, changed, disabled and reset by admins, each within their own area. */
export function userService(deps: { db: Database }) {
  const repo = usersRepo(deps.db);
  const access = accessService(deps.db);
  const audit = auditService({ db: deps.db });

  /** Where a user may act: an area the admin holds; an operator in a commune, with at most a station of it. */
  async function checkPlacement(tx: Queryable, principal: AccessPrincipal, role: Role, areaId: string, stationId: string | null): Promise<void> {
    const area = await areasRepo(tx).get(areaId);
    if (!area) throw invalid('areaId', 'UNKNOWN_AREA', 'no such area', '«Địa bàn» không tồn tại');
    // Nobody is placed above the admin's own scope.
    access.assert(principal, 'user.manage', { areaPath: area.path });
    if (!area.active) throw invalid('areaId', 'AREA_INACTIVE', 'that area is deactivated', `Địa bàn «${area.name}» đã ngừng hoạt động`);
    if (role === 'operator' && area.kind !== 'commune') {
      throw invalid('areaId', 'OPERATOR_NEEDS_COMMUNE', 'an operator acts for a commune area', `Người vận hành phải thuộc một xã; «${area.name}» không phải là xã`);
    }
    if (stationId === null) return;
    if (role !== 'operator') throw invalid('stationId', 'STATION_ONLY_FOR_OPERATOR', 'only operators are tied to a station', 'Chỉ người vận hành mới gắn với một đài: hãy bỏ trống «Đài truyền thanh xã»');
    const station = await stationsRepo(tx).get(stationId);
    if (!station) throw invalid('stationId', 'UNKNOWN_STATION', 'no such station', '«Đài truyền thanh xã» không tồn tại');
    if (station.areaId !== areaId) {
      throw invalid('stationId', 'STATION_OUTSIDE_AREA', "the station is not in the user's area", `Đài «${station.name}» không thuộc địa bàn «${area.name}»: hãy chọn đài của xã này`);
    }
  }

  async function visible(p: AccessPrincipal, id: string): Promise<UserRow> {
    const u = await repo.get(id);
    if (!u) throw notFoundError('user', 'người dùng');
    access.assert(p, 'user.read', { areaPath: u.areaPath });
    return u;
  }

  return {
    async create(ctx: ActingContext, input: z.infer<typeof createUserSchema>): Promise<UserView> {
      access.assert(ctx.principal, 'user.manage');
      const login = normalisedLogin(input.login);
      checkPassword(input.password, login);
      if (await repo.loginTaken(login)) throw loginTaken(login);
      const stationId = input.stationId ?? null;
      // Judged before the (deliberately slow) hash, and again inside the transaction that writes.
      await checkPlacement(deps.db, ctx.principal, input.role, input.areaId, stationId);
      const passwordHash = await hashPassword(input.password);
      const id = crypto.randomUUID();
      try {
        await deps.db.transaction(async (tx) => {
          await checkPlacement(tx, ctx.principal, input.role, input.areaId, stationId);
          await usersRepo(tx).create({ id, login, name: input.displayName, role: input.role, areaId: input.areaId, stationId, passwordHash, mustChangePassword: false });
          const u = (await usersRepo(tx).get(id))!;
          await audit.record(ctx, { action: 'user.create', targetType: 'user', targetId: id, areaPath: u.areaPath, after: audited(u) }, tx);
        });
      } catch (err) {
        const which = uniqueViolation(err);
        if (which === 'login') throw loginTaken(login);
        if (which === 'name') throw nameTaken(input.displayName);
        throw err;
      }
      return toUserView((await repo.get(id))!);
    },

    async list(p: AccessPrincipal, q: z.infer<typeof listUsersSchema>): Promise<{ items: UserView[]; total: number }> {
      const scope = access.scope(p, 'user.read');
      const { items, total } = await repo.list({ within: scope, ...q });
      return { items: items.map(toUserView), total };
    },

    async view(p: AccessPrincipal, id: string): Promise<UserView> {
      return toUserView(await visible(p, id));
    },

    async update(ctx: ActingContext, id: string, patch: z.infer<typeof updateUserSchema>): Promise<UserView> {
      await visible(ctx.principal, id);
      try {
        await deps.db.transaction(async (tx) => {
          const users = usersRepo(tx);
          const current = await users.getForUpdate(id);
          if (!current) throw notFoundError('user', 'người dùng');
          access.assert(ctx.principal, 'user.manage', { areaPath: current.areaPath });
          const self = ctx.principal.userId === id;
          if (self && patch.disabled === true) throw new ServiceError('forbidden', 'CANNOT_DISABLE_SELF', 'You cannot disable your own account', 'Bạn không thể tự khoá tài khoản của mình');
          if (self && patch.role !== undefined && patch.role !== current.role) {
            throw new ServiceError('forbidden', 'CANNOT_CHANGE_OWN_ROLE', 'You cannot change your own role; ask another admin', 'Bạn không thể tự đổi vai trò của mình: hãy nhờ một quản trị viên khác');
          }
          const role = patch.role ?? current.role;
          const areaId = patch.areaId ?? current.areaId;
          // A station belongs to operators only: one who stops being an operator lets go of it.
          const stationId = patch.stationId !== undefined ? patch.stationId : role === 'operator' ? current.stationId : null;
          if (patch.role !== undefined || patch.areaId !== undefined || patch.stationId !== undefined) {
            await checkPlacement(tx, ctx.principal, role, areaId, stationId);
          }
          await users.update(id, { name: patch.displayName, role: patch.role, areaId: patch.areaId, stationId: stationId !== current.stationId ? stationId : undefined, disabled: patch.disabled });
          let revoked: { sessions: number; tokens: number } | undefined;
          if (patch.disabled === true && current.disabledAt === null) revoked = { sessions: await users.revokeSessions(id), tokens: await users.revokeTokens(id) };
          const after = (await users.get(id))!;
          const diff = changedFields(audited(current), audited(after));
          if (Object.keys(diff.after).length === 0) return;
          const action = diff.after.disabled === true ? 'user.disable' : diff.after.disabled === false ? 'user.enable' : 'user.update';
          await audit.record(ctx, { action, targetType: 'user', targetId: id, areaPath: after.areaPath, before: diff.before, after: revoked ? { ...diff.after, revoked } : diff.after }, tx);
        });
      } catch (err) {
        if (uniqueViolation(err) === 'name' && patch.displayName) throw nameTaken(patch.displayName);
        throw err;
      }
      return toUserView((await repo.get(id))!);
    },

    /** An admin sets a temporary password: the user must change it at next sign-in, and is signed out everywhere. */
    async resetPassword(ctx: ActingContext, id: string, password: string): Promise<UserView> {
      const target = await visible(ctx.principal, id);
      access.assert(ctx.principal, 'user.manage', { areaPath: target.areaPath });
      checkPassword(password, target.login);
      const passwordHash = await hashPassword(password);
      await deps.db.transaction(async (tx) => {
        const users = usersRepo(tx);
        await users.setPassword(id, passwordHash, true);
        const sessions = await users.revokeSessions(id);
        await audit.record(ctx, { action: 'user.reset_password', targetType: 'user', targetId: id, areaPath: target.areaPath, after: { mustChangePassword: true, revoked: { sessions } } }, tx);
      });
      return toUserView((await repo.get(id))!);
    },

    /** An API token for another user (headless set-up: the CLI's --server), shown once; a disabled user gets none. */
    async createTokenFor(ctx: ActingContext, id: string, label: string | null): Promise<{ id: string; label: string | null; token: string; createdAt: string }> {
      const target = await visible(ctx.principal, id);
      access.assert(ctx.principal, 'user.manage', { areaPath: target.areaPath });
      if (target.disabledAt !== null) throw new ServiceError('conflict', 'USER_DISABLED', 'The user is disabled; enable the account first', 'Tài khoản này đang bị khoá: hãy mở khoá trước');
      const tokenId = crypto.randomUUID();
      const token = newToken();
      const clean = label?.trim().slice(0, 100) || null;
      const createdAt = await deps.db.transaction(async (tx) => {
        const at = await accountsRepo(tx).addToken({ id: tokenId, userId: id, tokenHash: hashToken(token), label: clean });
        await audit.record(ctx, { action: 'token.create', targetType: 'api_token', targetId: tokenId, areaPath: target.areaPath, after: { userId: id, label: clean } }, tx);
        return at;
      });
      return { id: tokenId, label: clean, token, createdAt: createdAt.toISOString() };
    },
  };
}

export const createTokenSchema = z.object({ label: z.string().max(100).optional().meta({ description: 'What the token is for (a script, a machine)' }) }).strict();

export type UserService = ReturnType<typeof userService>;
