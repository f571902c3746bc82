import type { Request } from 'express';
import { HttpError } from './errors.js';

// A DNS name (labels of letters, digits and inner hyphens) or a bracketed IPv6 literal, with an optional port.
// Anything else (spaces, slashes, userinfo, quotes, a scheme) could turn a media link into something else.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_RE = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9a-f:.]{2,45}\\])(?::(\\d{1,5}))?$`, 'i');

/** Whether a Host value is a plain hostname[:port] (or [IPv6]:port) that is safe to put in a link. */
export function isSafeHost(host: string): boolean {
  if (host.length > 261) return false;
  const m = HOST_RE.exec(host);
  if (!m) return false;
  return m[1] === undefined || Number(m[1]) <= 65535;
}

/**
 * The origin media links are built on: PUBLIC_URL when configured. Otherwise the host and scheme the client reached
 * us by (forwarded ones only from trusted proxies, see TRUST_PROXY), after checking they can only make an http(s)
 * link to a plain host; null when they cannot.
 */
export function baseUrlFrom(publicUrl: string | undefined, reached: { protocol: string; host: string | undefined }): string | null {
  if (publicUrl) return publicUrl;
  const scheme = reached.protocol.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return null;
  if (!reached.host || !isSafeHost(reached.host)) return null;
  return `${scheme}://${reached.host.toLowerCase()}`;
}

/** baseUrlFrom for a request; refuses a request whose Host (or forwarded host/scheme) could not make a sound link. */
export function baseUrlOf(req: Request, publicUrl: string | undefined): string {
  const base = baseUrlFrom(publicUrl, { protocol: req.protocol, host: req.host });
  if (base === null) {
    throw new HttpError(
      400,
      'BAD_HOST',
      'The Host header (or a forwarded host or scheme) is not a plain http(s) host name; set PUBLIC_URL or send a valid Host',
      'Tên máy chủ trong yêu cầu (Host) không hợp lệ: dùng tên miền hoặc địa chỉ IP thông thường',
    );
  }
  return base;
}
