import type { Queryable } from './database.js';

/** The token hash each device holds now (null when revoked, its station deactivated, or unknown). */
export async function currentDeviceTokens(db: Queryable, deviceIds: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(deviceIds.map((id) => [id, null]));
  if (deviceIds.length === 0) return out;
  const r = await db.query<{ id: string; token_hash: string | null }>(
    `SELECT d.id, d.token_hash FROM devices d JOIN stations s ON s.id = d.station_id
      WHERE d.id = ANY($1::uuid[]) AND d.revoked_at IS NULL AND s.active`,
    [deviceIds],
  );
  for (const row of r.rows) out.set(row.id, row.token_hash);
  return out;
}
