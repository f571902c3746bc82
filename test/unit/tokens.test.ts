import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newToken, sameSecret } from '../../src/domain/tokens.js';

describe('newToken', () => {
  it('is the prefix, an underscore and 256 random bits in base64url', () => {
    const t = newToken();
    expect(t).toMatch(/^lx_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.slice('lx_'.length), 'base64url')).toHaveLength(32);
  });

  it('takes a custom prefix', () => {
    expect(newToken('adm')).toMatch(/^adm_[A-Za-z0-9_-]{43}$/);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newToken()));
    expect(tokens.size).toBe(200);
    expect(newToken()).not.toBe(newToken());
  });
});

describe('hashToken', () => {
  it('is the SHA-256 of the token in hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const t = newToken();
    expect(hashToken(t)).toBe(crypto.createHash('sha256').update(t).digest('hex'));
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable and distinguishes tokens', () => {
    const t = newToken();
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).not.toBe(hashToken(newToken()));
  });

  it('hashes UTF-8', () => {
    expect(hashToken('bí mật')).toBe(crypto.createHash('sha256').update(Buffer.from('bí mật', 'utf8')).digest('hex'));
  });
});

describe('sameSecret', () => {
  it('is true for equal strings', () => {
    const t = newToken();
    expect(sameSecret(t, `${t}`)).toBe(true);
    expect(sameSecret('', '')).toBe(true);
  });

  it('is false for different strings, including prefixes and different lengths', () => {
    const t = newToken();
    expect(sameSecret(t, newToken())).toBe(false);
    expect(sameSecret(t, t.slice(0, -1))).toBe(false);
    expect(sameSecret(t, `${t}x`)).toBe(false);
    expect(sameSecret('secret', 'Secret')).toBe(false);
    expect(sameSecret('a', '')).toBe(false);
  });
});
