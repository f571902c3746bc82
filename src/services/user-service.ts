import crypto from 'node:crypto';
import type { Database } from '../db/database.js';
import { ROLES, usersRepo, type Role } from '../db/users-repo.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { stationsRepo } from '../db/stations-repo.js';

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

/** Creates a user with a first token; the token is returned once and only its hash is stored. */
export async function createUserWithToken(
  db: Database,
  input: { name: string; role: string; stationId?: string | null; label?: string },
): Promise<{ userId: string; token: string }> {
  const name = input.name.trim();
  if (!/^[\p{L}\p{N}_.@ -]{2,80}$/u.test(name)) throw new UserInputError('name: 2–80 letters, digits, spaces or _ . @ -');
  if (!(ROLES as readonly string[]).includes(input.role)) throw new UserInputError(`role must be one of ${ROLES.join(', ')}`);
  const role = input.role as Role;
  if (role === 'operator' && !input.stationId) throw new UserInputError('an operator needs a station (--station)');
  if (role !== 'operator' && input.stationId) throw new UserInputError('only operators are tied to a station');
  const stationId = input.stationId ?? null;
  if (stationId !== null) assertStationIdFormat(stationId);
  const userId = crypto.randomUUID();
  const token = newToken();
  await db.transaction(async (tx) => {
    const users = usersRepo(tx);
    if (stationId !== null && !(await stationsRepo(tx).get(stationId))) throw new UserInputError(`station: no station has the id ${stationId}`);
    if (await users.findByName(name)) throw new UserInputError(`a user named "${name}" already exists`);
    await users.create({ id: userId, name, role, stationId });
    await users.addToken({ id: crypto.randomUUID(), userId, tokenHash: hashToken(token), label: input.label ?? null });
  });
  return { userId, token };
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
