/**
 * The baseline for manifest polls: a bare express app (defaults, no middleware) with one route answering a
 * constant JSON document — a real manifest captured from the service, so the body has the same size and shape.
 * Runs in its own child process, like the API under test. IPC: sends { type: 'ready', port }.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exitWithParent } from './child-server.js';

const doc = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as unknown;
const app = express();
app.get('/manifest', (_req, res) => {
  res.json(doc);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
exitWithParent(server);
