import crypto from 'node:crypto';
import type { LinkCheck } from './media-links.js';

/**
 * A short-lived link to an episode's file for a signed-in person's browser (download, or listening in an <audio>
 * element, which cannot send a bearer token), where the storage does not check presigned links itself.
 * Signed over a different text than station links, so neither can stand for the other.
 */
export interface EpisodeLinkClaims {
  episodeId: string;
  rendition: 'mp3' | 'opus';
  disposition: 'attachment' | 'inline';
  /** Unix seconds. */
  expires: number;
}

function episodeSignature(secret: string, c: EpisodeLinkClaims): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`episode\n${c.episodeId}\n${c.rendition}\n${c.disposition}\n${c.expires}`)
    .digest('base64url');
}

export function episodeLinkPath(secret: string, c: EpisodeLinkClaims): string {
  const dl = c.disposition === 'attachment' ? '1' : '0';
  return `/api/v1/episode-media/${c.episodeId}.${c.rendition}?dl=${dl}&exp=${c.expires}&sig=${episodeSignature(secret, c)}`;
}

export function verifyEpisodeLink(secret: string, c: EpisodeLinkClaims, sig: string, nowSec: number): LinkCheck {
  const expected = Buffer.from(episodeSignature(secret, c));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (c.expires < nowSec) return { ok: false, reason: 'expired' };
  return { ok: true };
}
