import type { Config } from '../../config/index.js';
import type { Database } from '../db/database.js';
import { addToken, createUserWithToken } from '../services/user-service.js';
import { createStationSchema, stationService } from '../services/station-service.js';
import { CliError, usageError } from './cli-error.js';
import type { CliOptions } from './options.js';

/** A commune code (5 digits) names its station; a UUID is used as it is. */
async function stationIdOf(db: Database, ref: string): Promise<string> {
  if (!/^\d{5}$/.test(ref)) return ref;
  const r = await db.query<{ id: string }>('SELECT id FROM stations WHERE code = $1', [ref]);
  if (!r.rows[0]) throw new CliError(`Không có đài nào có mã xã ${ref}.`, `No station has the commune code ${ref}.`);
  return r.rows[0].id;
}

/** The commands on the database itself (PostgreSQL, or the embedded one while no service holds it). */
export async function runOnDatabase(db: Database, config: Config, command: string, o: CliOptions): Promise<Record<string, unknown>> {
  if (command === 'user:create') {
    if (!o.name) throw usageError('cần «--name» (họ và tên).', '--name is required (display name).');
    if (!o.role) throw usageError('cần «--role» (admin, editor, operator hoặc viewer).', '--role is required (admin, editor, operator or viewer).');
    const stationId = o.station ? await stationIdOf(db, o.station) : null;
    const { userId, token, login } = await createUserWithToken(db, { name: o.name, role: o.role, stationId, label: o.label, ...(o.login ? { login: o.login } : {}) });
    return { userId, login, name: o.name, role: o.role, stationId, token };
  }
  if (command === 'token:create') {
    const who = o.login ?? o.name;
    if (!who) throw usageError('cần «--login» (hoặc «--name») của người dùng.', '--login (or --name) of the user is required.');
    const token = await addToken(db, who, o.label);
    return { name: who, token };
  }
  const input = createStationSchema.safeParse({ code: o.code, name: o.name, ...(o.timezone ? { timezone: o.timezone } : {}) });
  if (!input.success) {
    const issue = input.error.issues[0]!;
    throw usageError(`«--${String(issue.path[0] ?? 'code')}» không hợp lệ: ${issue.message}.`, `--${String(issue.path[0] ?? 'code')}: ${issue.message}.`);
  }
  const created = await stationService({ db, config }).create(input.data);
  return { stationId: created.id, code: created.code, name: created.name, timezone: created.timezone, token: created.token, webhookSecret: created.webhookSecret };
}
