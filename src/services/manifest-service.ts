import type { Config } from '../../config/index.js';
import type { Queryable } from '../db/database.js';
import { manifestWindow } from '../db/manifest-repo.js';
import type { StationRow } from '../db/stations-repo.js';
import { buildManifest, type ManifestDocument } from '../domain/manifest/index.js';
import { linkExpiry, mediaLinkPath } from '../domain/media-links.js';

export interface BuiltManifest {
  doc: ManifestDocument;
  /** The station revision the document was built from. */
  rev: number;
  /** When the window's content changes by itself (an airing ends or a new one comes within reach). */
  validUntil: Date;
}

/**
 * Builds a station's manifest: live airings from now through the cache-ahead window, each with a signed media link
 * that stays valid until a day after the last airing of that episode in the document ends.
 */
export function manifestBuilder(deps: { db: Queryable; config: Config; linkSecret: string }) {
  const aheadMs = deps.config.distribution.cacheAheadDays * 86_400_000;
  return async function build(station: StationRow, at: Date, baseUrl: string): Promise<BuiltManifest> {
    const to = new Date(at.getTime() + aheadMs);
    const window = await manifestWindow(deps.db, station.id, station.rendition, at, to);
    const lastEnd = new Map<string, Date>();
    for (const a of window.airings) {
      const prev = lastEnd.get(a.episodeId);
      if (!prev || a.endsAt > prev) lastEnd.set(a.episodeId, a.endsAt);
    }
    const doc = buildManifest({
      station: { id: station.id, code: station.code, name: station.name, timezone: station.timezone },
      generatedAt: at,
      airings: window.airings.map((a) => ({
        id: a.id,
        episodeId: a.episodeId,
        title: a.title,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        priority: a.priority,
        media: {
          url:
            baseUrl +
            mediaLinkPath(deps.linkSecret, { stationId: station.id, episodeId: a.episodeId, rendition: a.rendition, expires: linkExpiry(lastEnd.get(a.episodeId)!) }),
          format: a.format,
          sizeBytes: a.sizeBytes,
          sha256: a.sha256,
          durationSec: a.durationSec,
        },
      })),
    });
    const changes = [
      ...window.airings.map((a) => a.endsAt.getTime()),
      window.nextStartAfter ? window.nextStartAfter.getTime() - aheadMs : Number.POSITIVE_INFINITY,
    ];
    // Re-checked at least hourly: a long quiet stretch still gets its links refreshed.
    const validUntil = new Date(Math.min(...changes, at.getTime() + 3600_000));
    return { doc, rev: station.scheduleRev, validUntil };
  };
}

export type ManifestBuild = ReturnType<typeof manifestBuilder>;
