import type { Config } from '../../config/index.js';
import type { RenditionRow } from '../db/episodes-repo.js';
import { contentDisposition, episodeFileName } from '../domain/delivery/download-name.js';
import { episodeLinkPath } from '../domain/episode-links.js';
import type { ObjectStore } from '../storage/object-store.js';

export type Disposition = 'attachment' | 'inline';

const MAX_TTL_SEC = 7 * 24 * 3600; // S3's cap on presigned links

/** What a download of this rendition is called and how it is answered. */
export function renditionDisposition(episode: { id: string; title: string }, rendition: Pick<RenditionRow, 'name'>, disposition: Disposition) {
  const filename = episodeFileName(episode.title, rendition.name, episode.id);
  return { filename, header: contentDisposition(disposition, filename) };
}

/**
 * Links a browser can open without a bearer token: a presigned storage link where the storage checks them (external
 * S3, on its public endpoint), otherwise a short-lived link signed by this service. A listening link lives long enough
 * for the player's range requests to the end of the programme; a download link only to start the download.
 */
export function episodeLinks(deps: { config: Config; store: ObjectStore; linkSecret: string }) {
  return async function linkTo(
    episode: { id: string; title: string },
    rendition: RenditionRow,
    disposition: Disposition,
    baseUrl: string,
    now = new Date(),
  ): Promise<{ url: string; expiresAt: Date }> {
    const base = deps.config.s3.presignTtlSec;
    const ttlSec = Math.min(MAX_TTL_SEC, disposition === 'inline' ? Math.max(base, Math.ceil(rendition.durationSec * 2) + 3600) : base);
    if (deps.store.signsLinks) {
      const url = await deps.store.presignGet(rendition.objectKey, ttlSec, renditionDisposition(episode, rendition, disposition).header);
      return { url, expiresAt: new Date(now.getTime() + ttlSec * 1000) };
    }
    const expires = Math.floor(now.getTime() / 1000) + ttlSec;
    const path = episodeLinkPath(deps.linkSecret, { episodeId: episode.id, rendition: rendition.name, disposition, expires });
    return { url: baseUrl + path, expiresAt: new Date(expires * 1000) };
  };
}

export type EpisodeLinks = ReturnType<typeof episodeLinks>;
