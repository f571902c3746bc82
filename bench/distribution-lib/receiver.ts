/**
 * The stations' webhook endpoints, all in one child process so that receiving does not share the event loop
 * (or core) with the service that pushes: a plain node:http server on 127.0.0.1 answering 204.
 *
 * `POST /<ns>/<code>`: ns is "s" for the service's pushes and "raw" for the bare baseline loop. Every request is
 * verified with standardwebhooks' Webhook.verify against that station's secret (read from the JSON file named in
 * argv[2]: { code: secret }), and its body is checked to be that station's manifest when ns is "s".
 *
 * IPC: sends { type: 'ready', port }; answers { type: 'stats', ns, seq } and { type: 'reset', seq }.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { exitWithParent } from './child-server.js';

interface NsStats {
  requests: number;
  verified: number;
  badSignature: number;
  wrongStation: number;
  duplicates: number;
  stations: Set<string>;
  bytes: number;
  firstAt: number | null;
  lastAt: number | null;
  /** When the n-th distinct station arrived (every 500th), for a timeline. */
  marks: [number, number][];
  firstError: string | null;
}

const secrets = new Map<string, Webhook>(Object.entries(JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>).map(([code, s]) => [code, new Webhook(s)]));

const fresh = (): NsStats => ({
  requests: 0,
  verified: 0,
  badSignature: 0,
  wrongStation: 0,
  duplicates: 0,
  stations: new Set(),
  bytes: 0,
  firstAt: null,
  lastAt: null,
  marks: [],
  firstError: null,
});
let stats = new Map<string, NsStats>();
const nsStats = (ns: string) => {
  let s = stats.get(ns);
  if (!s) stats.set(ns, (s = fresh()));
  return s;
};

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const [, ns = '', code = ''] = (req.url ?? '').split('/');
    const s = nsStats(ns);
    const raw = Buffer.concat(chunks).toString('utf8');
    s.requests++;
    s.bytes += raw.length;
    const wh = secrets.get(code);
    let ok = false;
    try {
      if (!wh) throw new Error(`no secret for station ${code}`);
      wh.verify(raw, req.headers as Record<string, string>);
      ok = true;
    } catch (err) {
      s.badSignature++;
      s.firstError ??= (err as Error).message;
    }
    if (ok && ns === 's') {
      try {
        const body = JSON.parse(raw) as { station?: { code?: string } };
        if (body.station?.code !== code) {
          ok = false;
          s.wrongStation++;
          s.firstError ??= `push for ${code} carried station ${String(body.station?.code)}`;
        }
      } catch (err) {
        ok = false;
        s.wrongStation++;
        s.firstError ??= `body is not JSON: ${(err as Error).message}`;
      }
    }
    if (ok) {
      s.verified++;
      const now = Date.now();
      s.firstAt ??= now;
      s.lastAt = now;
      if (s.stations.has(code)) s.duplicates++;
      else {
        s.stations.add(code);
        if (s.stations.size % 500 === 0) s.marks.push([s.stations.size, now]);
      }
    }
    res.writeHead(ok ? 204 : 400).end();
  });
});
server.keepAliveTimeout = 30_000;

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});

process.on('message', (m: { type?: string; ns?: string; seq?: number }) => {
  if (m.type === 'stats') {
    const s = nsStats(m.ns ?? 's');
    const { stations, ...rest } = s;
    process.send?.({ seq: m.seq, reply: { ...rest, distinct: stations.size } });
  } else if (m.type === 'reset') {
    stats = new Map();
    process.send?.({ seq: m.seq, reply: true });
  }
});

exitWithParent(server);
