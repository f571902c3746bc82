/** The strong ETag for a manifest version. */
export function manifestEtag(version: string): string {
  return `"${version}"`;
}

/**
 * Whether an `If-None-Match` header names this version (so the answer is 304). Follows RFC 9110's weak
 * comparison: a list of tags, `W/` prefixes ignored, `*` matches anything.
 */
export function ifNoneMatchHits(header: string | undefined, version: string): boolean {
  if (!header) return false;
  const wanted = manifestEtag(version);
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag.replace(/^W\//, '') === wanted;
  });
}
