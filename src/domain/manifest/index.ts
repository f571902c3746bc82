export type {
  ManifestAiring,
  ManifestAiringInput,
  ManifestContent,
  ManifestDocument,
  ManifestInput,
  ManifestMedia,
  ManifestStation,
} from './types.js';
export { buildManifest, stationIso } from './build.js';
export { MANIFEST_FORMAT, manifestContent, manifestVersion } from './version.js';
export { ifNoneMatchHits, manifestEtag } from './etag.js';
