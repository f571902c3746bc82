import path from 'node:path';
import { createRequire } from 'node:module';
import express, { Router } from 'express';
import { OPENAPI_PATH, openApiDocument } from './document.js';

/** The swagger-ui files the docs page loads; the package's own index.html (with its inline script) is not served. */
const SWAGGER_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-16x16.png', 'favicon-32x32.png'];

/**
 * Public, before authentication: the contract at GET /api/v1/openapi.json, and swagger-ui's files under
 * /docs/swagger-ui/ for the docs page (src/web/public/docs/, served with the dashboard).
 */
export function openApiRouter(): Router {
  const r = Router();
  r.get(OPENAPI_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(openApiDocument());
  });
  const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = express.static(dist, { index: false, maxAge: 0, fallthrough: true });
  r.get('/docs/swagger-ui/:file', (req, res, next) => {
    if (!SWAGGER_FILES.includes(req.params.file)) return next();
    req.url = `/${req.params.file}`;
    files(req, res, next);
  });
  return r;
}
