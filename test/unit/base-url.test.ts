import { describe, expect, it } from 'vitest';
import { baseUrlFrom, isSafeHost } from '../../src/api/base-url.js';

describe('the base of media links', () => {
  it('is PUBLIC_URL when configured, whatever the request says', () => {
    expect(baseUrlFrom('https://loaxa.example.vn', { protocol: 'javascript', host: 'evil"host' })).toBe('https://loaxa.example.vn');
  });

  it('takes a plain host name, IPv4 or [IPv6], with a port, over http or https', () => {
    for (const host of ['loaxa.example.vn', 'localhost:8080', '127.0.0.1:43123', 'LOA-XA.vn', '[::1]:8080', 'a.b-c.d']) {
      expect(isSafeHost(host), host).toBe(true);
    }
    expect(baseUrlFrom(undefined, { protocol: 'https', host: 'Loaxa.Example.vn:8443' })).toBe('https://loaxa.example.vn:8443');
    expect(baseUrlFrom(undefined, { protocol: 'HTTP', host: 'localhost' })).toBe('http://localhost');
  });

  it('refuses any other scheme, and hosts that could carry something into the link', () => {
    for (const protocol of ['javascript', 'data', 'ftp', 'http://x', 'https ', '']) {
      expect(baseUrlFrom(undefined, { protocol, host: 'loaxa.example.vn' }), protocol).toBeNull();
    }
    for (const host of ['', 'evil.vn/path', 'user@evil.vn', 'evil.vn:99999', 'evil.vn:', 'a..b', '-a.vn', 'a-.vn', 'a b', 'evil.vn"onload', 'evil.vn\\x', '<script>', '[::1', 'x'.repeat(64) + '.vn', `${'a.'.repeat(140)}vn`]) {
      expect(isSafeHost(host), host).toBe(false);
      expect(baseUrlFrom(undefined, { protocol: 'http', host }), host).toBeNull();
    }
    expect(baseUrlFrom(undefined, { protocol: 'http', host: undefined })).toBeNull();
  });
});
