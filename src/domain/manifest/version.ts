import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { ManifestContent, ManifestDocument } from './types.js';

/** Bump when the document's shape changes, so stations holding an old-shape copy see a new version. */
export const MANIFEST_FORMAT = 1;

const VERSION_HEX_CHARS = 16;

/** The schedule content of a document: everything except `generatedAt`, `version` and the media links. */
export function manifestContent(doc: Pick<ManifestDocument, 'station' | 'airings'>): ManifestContent {
  return {
    station: doc.station,
    airings: doc.airings.map(({ media: { url: _url, ...media }, ...airing }) => ({ ...airing, media })),
  };
}

/**
 * A short deterministic hash of the schedule content, usable as the ETag value. It changes when an airing,
 * its times, its media bytes or the station's details change, and not when the document is re-rendered or
 * its presigned links are re-signed, so polling stations get 304 until there is something new.
 */
export function manifestVersion(content: ManifestContent): string {
  const hash = createHash('sha256').update(canonicalJson({ format: MANIFEST_FORMAT, ...content }));
  return hash.digest('hex').slice(0, VERSION_HEX_CHARS);
}
