import crypto from 'node:crypto';

/**
 * Self-contained media links for stations: the URL carries who may fetch what until when, signed with the
 * service's secret. Unlike storage presigned links they can stay valid for the whole cache-ahead window
 * (S3 caps presigned links at 7 days) and they keep downloads passing through the API, where they are counted.
 */
export interface MediaLinkClaims {
  stationId: string;
  episodeId: string;
  rendition: 'mp3' | 'opus';
  /** Unix seconds. */
  expires: number;
}

function signature(secret: string, c: MediaLinkClaims): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`${c.stationId}\n${c.episodeId}\n${c.rendition}\n${c.expires}`)
    .digest('base64url');
}

export function mediaLinkPath(secret: string, c: MediaLinkClaims): string {
  const ext = c.rendition === 'mp3' ? 'mp3' : 'opus';
  return `/api/v1/station/media/${c.stationId}/${c.episodeId}.${ext}?exp=${c.expires}&sig=${signature(secret, c)}`;
}

export type LinkCheck = { ok: true } | { ok: false; reason: 'expired' | 'bad_signature' };

export function verifyMediaLink(secret: string, c: MediaLinkClaims, sig: string, nowSec: number): LinkCheck {
  const expected = Buffer.from(signature(secret, c));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (c.expires < nowSec) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/** Links live until a day after the last airing that needs them ends, rounded up to the hour so the URL is stable. */
export function linkExpiry(lastAiringEnd: Date, graceSec = 24 * 3600): number {
  return Math.ceil((lastAiringEnd.getTime() / 1000 + graceSec) / 3600) * 3600;
}

/** The parts of a signed link's query, and what each is, for a refusal a person can act on. */
export const LINK_PARAMS = {
  exp: { en: 'its expiry', vi: 'thời hạn' },
  sig: { en: 'its signature', vi: 'chữ ký' },
} as const;
export type LinkParam = keyof typeof LINK_PARAMS;

/** Which of a signed link's query parameters are absent or empty (a link cut short when copied, typically). */
export function missingLinkParams(query: Record<string, unknown>): LinkParam[] {
  return (Object.keys(LINK_PARAMS) as LinkParam[]).filter((k) => typeof query[k] !== 'string' || query[k] === '');
}
