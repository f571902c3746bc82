import crypto from 'node:crypto';
import type { Queryable } from './database.js';

/**
 * A random secret created once per deployment and shared by every process through the database.
 * The first process to ask creates it; the rest read the same value.
 */
export async function serviceSecret(db: Queryable, name: string): Promise<string> {
  await db.query('INSERT INTO service_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    crypto.randomBytes(32).toString('hex'),
  ]);
  const r = await db.query<{ value: string }>('SELECT value FROM service_secrets WHERE name = $1', [name]);
  return r.rows[0]!.value;
}
