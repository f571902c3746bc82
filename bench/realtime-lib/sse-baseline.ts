/**
 * The floor for `bench:realtime`: a bare node:http Server-Sent Events server (no database, no auth, no express) in
 * a child process. `GET /events` keeps the connection and sends `hello`; `GET /manifest` answers a constant JSON
 * document (a real manifest captured from the service) with an ETag, 304 on If-None-Match. A broadcast writes one
 * `play-now` event to every open connection and puts its airing into the document (new ETag), so the simulated
 * devices run exactly the code path they run against the service.
 *
 * argv: manifest.json [redisUrl channel]. With a Redis channel, every message published there is broadcast
 * (the floor of the two-process case: one PUBLISH, each server writes to its own connections).
 * IPC: sends {type:'ready', port}; answers {type:'broadcast', seq} (direct) and {type:'count', seq}.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { exitWithParent } from '../distribution-lib/child-server.js';
import { formatSseEvent } from '../../src/wire/station-protocol.js';

const [manifestFile, redisUrl, channel] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(manifestFile!, 'utf8')) as { version: string; airings: { id: string; priority: string }[] };
let version = 0;
let body = JSON.stringify(doc);
const open = new Set<http.ServerResponse>();
let eventSeq = 0;

function broadcast(airingId: string): number {
  const template = doc.airings[0] ?? { id: airingId, priority: 'emergency' };
  doc.airings = [{ ...template, id: airingId, priority: 'emergency' }, ...doc.airings];
  version++;
  body = JSON.stringify({ ...doc, version: `${doc.version}-${version}` });
  const now = new Date().toISOString();
  const frame = formatSseEvent({ type: 'play-now', id: `${Date.now()}-${eventSeq++}`, data: { playNowId: 'baseline', airingId, episodeId: 'baseline', startsAt: now, endsAt: now } });
  for (const res of open) res.write(frame);
  return open.size;
}

const server = http.createServer((req, res) => {
  if (req.url === '/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(formatSseEvent({ type: 'hello', data: { deviceId: 'baseline', stationId: 'baseline', heartbeatSec: 20, fanout: 'ok', serverTime: new Date().toISOString() } }));
    open.add(res);
    res.on('close', () => open.delete(res));
    return;
  }
  if (req.url === '/manifest') {
    const etag = `"b${version}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag, 'content-length': Buffer.byteLength(body) }).end(body);
    return;
  }
  res.writeHead(404).end();
});
server.maxConnections = Infinity;

if (redisUrl && channel) {
  const sub = new Redis(redisUrl);
  sub.on('message', (_c: string, message: string) => broadcast(message));
  await sub.subscribe(channel);
}

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port }));
process.on('message', (m: { type?: string; seq?: number; airingId?: string }) => {
  if (m.type === 'broadcast') process.send?.({ seq: m.seq, reply: broadcast(m.airingId ?? 'baseline') });
  else if (m.type === 'count') process.send?.({ seq: m.seq, reply: open.size });
});
exitWithParent(server);
