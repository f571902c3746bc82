import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../../config/index.js';

/**
 * The dashboard's Content-Security-Policy: its own scripts, styles and API only, never framed by another site.
 * Audio may also come from the storage's public origin, where an episode's presigned link points (external S3).
 */
export function cspDirectives(config: Config): Record<string, string[]> {
  const storage = !config.s3.embedded && config.s3.publicEndpoint ? [new URL(config.s3.publicEndpoint).origin] : [];
  return {
    'default-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', ...storage],
    'style-src': ["'self'"],
    'script-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/** Security headers on every answer (API, static files, errors alike). */
export function securityHeaders(config: Config): RequestHandler {
  return helmet({
    // Not helmet's defaults: they add upgrade-insecure-requests, which breaks a dashboard served over plain http on a LAN.
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config) },
    // HSTS belongs to whatever terminates TLS; sent over http it would pin a name the service may not always serve over https.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  }) as RequestHandler;
}

/** Station media links are for any player, a browser page on a station's own PC among them (helmet says same-origin). */
export const anyOriginMayEmbed: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
