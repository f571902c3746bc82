import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { ListedObject, ObjectStore } from '../storage/object-store.js';

/**
 * Stored media no episode row points to: an upload cut short (the disk filled, the process died) between storing
 * the original and recording it, or renditions of such an episode. Removed once older than the grace period, which
 * is far longer than any upload or transcode in progress, so nothing still being written is touched.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MEDIA_PREFIXES = ['originals/', 'renditions/'] as const;

/** The episode an object key belongs to (`originals/<id>`, `renditions/<id>/<file>`); null for any other key. */
export function episodeIdOfKey(key: string): string | null {
  const [prefix, id, ...rest] = key.split('/');
  if (prefix === 'originals' && rest.length === 0 && id && UUID.test(id)) return id;
  if (prefix === 'renditions' && rest.length === 1 && rest[0] && id && UUID.test(id)) return id;
  return null;
}

// Ids asked about per query.
const BATCH = 500;

export interface OrphanSweepResult {
  /** Objects looked at (under the media prefixes). */
  checked: number;
  removed: { key: string; sizeBytes: number; lastModified: string }[];
}

export async function sweepOrphanObjects(
  deps: { db: Database; store: ObjectStore; logger: Logger },
  opts: { graceSec: number; now?: Date },
): Promise<OrphanSweepResult> {
  const cutoff = (opts.now ?? new Date()).getTime() - opts.graceSec * 1000;
  const result: OrphanSweepResult = { checked: 0, removed: [] };
  let batch: (ListedObject & { episodeId: string })[] = [];

  const settle = async () => {
    if (batch.length === 0) return;
    const ids = [...new Set(batch.map((o) => o.episodeId))];
    const known = await deps.db.query<{ id: string }>('SELECT id::text AS id FROM episodes WHERE id = ANY($1::uuid[])', [ids]);
    const rows = new Set(known.rows.map((r) => r.id));
    for (const o of batch) {
      if (rows.has(o.episodeId)) continue;
      await deps.store.delete(o.key);
      const gone = { key: o.key, sizeBytes: o.sizeBytes, lastModified: o.lastModified.toISOString() };
      result.removed.push(gone);
      deps.logger.info({ ...gone, episodeId: o.episodeId }, 'orphan object removed (no episode row)');
    }
    batch = [];
  };

  for (const prefix of MEDIA_PREFIXES) {
    for await (const o of deps.store.list(prefix)) {
      result.checked++;
      const episodeId = episodeIdOfKey(o.key);
      if (!episodeId || o.lastModified.getTime() > cutoff) continue;
      batch.push({ ...o, episodeId });
      if (batch.length >= BATCH) await settle();
    }
  }
  await settle();
  if (result.removed.length > 0) {
    const bytes = result.removed.reduce((n, o) => n + o.sizeBytes, 0);
    deps.logger.info({ removed: result.removed.length, bytes, checked: result.checked }, 'orphan objects swept');
  }
  return result;
}
