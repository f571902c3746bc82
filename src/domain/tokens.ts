import crypto from 'node:crypto';

/** API tokens: 256 random bits, shown once; only the SHA-256 is stored (a slow hash adds nothing at this entropy). */
export function newToken(prefix = 'lx'): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const ha = Buffer.from(hashToken(a), 'hex');
  const hb = Buffer.from(hashToken(b), 'hex');
  return crypto.timingSafeEqual(ha, hb);
}
