import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { isCrossSite } from '../../src/api/session/session-middleware.js';

/** Just what isCrossSite reads of a request. */
const req = (headers: Record<string, string>, protocol = 'http', host = 'loa.example.vn') =>
  ({ protocol, get: (name: string) => (name.toLowerCase() === 'host' ? host : headers[name.toLowerCase()]) }) as unknown as Request;

describe('cross-site writes', () => {
  it('lets the dashboard itself through (same origin, or no Origin at all as from a script)', () => {
    expect(isCrossSite(req({ origin: 'http://loa.example.vn', 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossSite(req({}))).toBe(false);
  });

  it('refuses another site by Origin or by Sec-Fetch-Site, a sibling subdomain included', () => {
    expect(isCrossSite(req({ origin: 'https://trang-la.example' }))).toBe(true);
    expect(isCrossSite(req({ origin: 'null' }))).toBe(true);
    expect(isCrossSite(req({ 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(isCrossSite(req({ 'sec-fetch-site': 'same-site', origin: 'http://khac.example.vn' }))).toBe(true);
  });

  it('accepts PUBLIC_URL’s origin behind a proxy that rewrites the host', () => {
    const behind = req({ origin: 'https://loa.tinh.gov.vn' }, 'http', '10.0.0.5:8080');
    expect(isCrossSite(behind)).toBe(true);
    expect(isCrossSite(behind, 'https://loa.tinh.gov.vn/')).toBe(false);
  });
});
