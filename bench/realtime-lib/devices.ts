/**
 * Simulated station devices for `bench:realtime`, in a child process of their own so the API process is measured
 * alone. Each device is a light client speaking the agent's protocol over node:http with keep-alive agents (one for
 * manifest reads, one for channels): `GET /api/v1/station/events` (Server-Sent Events, bearer device token), a
 * manifest read after `hello`, and on a `play-now` (or `manifest`) event another manifest read with If-None-Match,
 * retried with back-off (250 ms → 2 s) while the answer does not yet carry the airing, until that airing has ended.
 * A dropped channel reconnects after 1–3 s with Last-Event-ID and polls the manifest once, as the agent does.
 *
 * IPC (every request carries `seq`, every reply echoes it):
 *   connect {devices: [{base, token, eventsPath?, manifestPath?}], ratePerSec, initialFetch} → {connected, failed, ms, firstError}
 *   arm {retrySec} → true      (from now on, the next play-now/manifest event per device is timed)
 *   results {} → Results       (epoch ms per device: told, manifest 200 with the airing; NaN when not (yet))
 *   bytes {action: 'start'|'stop'} → bytes read on each channel socket in the window, heartbeats, events
 *   close {} → true
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { createParser } from 'eventsource-parser';

interface DeviceSpec {
  base: string;
  token: string;
  eventsPath?: string;
  manifestPath?: string;
}

interface Device {
  spec: DeviceSpec;
  index: number;
  lastEventId: string | null;
  etag: string | null;
  req: http.ClientRequest | null;
  socket: Socket | null;
  helloAt: number;
  closing: boolean;
  reconnects: number;
  armed: boolean;
  toldAt: number;
  toldType: string | null;
  manifestAt: number;
  staleAnswers: number;
  heartbeats: number;
  events: number;
  bytesMark: number;
  onHello: (() => void) | null;
  /** Told of an airing that ended before a manifest carrying it came back. */
  airingOver: boolean;
  /** Emergency airings seen in this device's manifests so far. */
  known: Set<string>;
}

// Manifest fetches share keep-alive sockets; an idle one is dropped after 4 s, before the server's 5 s keep-alive
// timeout can close it under a request (the race node's docs describe). Channels hold sockets of their own.
const newAgent = () => new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, timeout: 4000 });
let agent = newAgent();
let channelAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const devices: Device[] = [];
let firstError: string | null = null;
let errors = 0;
let manifestRetryDeadline = 0;
const now = () => performance.timeOrigin + performance.now();
const note = (msg: string) => {
  errors++;
  firstError ??= msg;
};

function get(url: URL, headers: Record<string, string>, retried = false): Promise<{ status: number; etag: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: (res.headers.etag as string | undefined) ?? null, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error('manifest request timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed just as we reused it: a GET may safely go again, once.
      if (!retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up')) resolve(get(url, headers, true));
      else reject(err);
    });
  });
}

/**
 * Fetches the manifest; true once it carries `airingId`, or — when no id was given (a `manifest` event, a poll after
 * a reconnect) — an emergency airing this device had not seen before.
 */
async function fetchManifest(d: Device, airingId: string | null): Promise<boolean> {
  const url = new URL(d.spec.manifestPath ?? '/api/v1/station/manifest', d.spec.base);
  const r = await get(url, { authorization: `Bearer ${d.spec.token}`, ...(d.etag ? { 'if-none-match': d.etag } : {}) });
  if (r.status === 304) return false;
  if (r.status !== 200) throw new Error(`manifest answered ${r.status}: ${r.body.slice(0, 200)}`);
  d.etag = r.etag;
  const doc = JSON.parse(r.body) as { airings?: { id: string; priority?: string }[] };
  const emergencies = (doc.airings ?? []).filter((a) => a.priority === 'emergency').map((a) => a.id);
  const found = airingId !== null ? emergencies.includes(airingId) : emergencies.some((id) => !d.known.has(id));
  for (const id of emergencies) d.known.add(id);
  return found;
}

async function onTold(d: Device, type: string, data: { airingId?: string; endsAt?: string }) {
  if (!d.armed || d.toldType) return;
  d.toldAt = now();
  d.toldType = type;
  const airingId = typeof data.airingId === 'string' ? data.airingId : null;
  // Every socket read in this turn of the event loop gets its time first; the fetches start after them.
  await new Promise((r) => setImmediate(r));
  const endsAt = typeof data.endsAt === 'string' ? Date.parse(data.endsAt) : Number.POSITIVE_INFINITY;
  // Retried with back-off, as an agent would; once the airing is over the manifest no longer carries it.
  for (let attempt = 0; ; attempt++) {
    try {
      if (await fetchManifest(d, airingId)) {
        d.manifestAt = now();
        return;
      }
      d.staleAnswers++;
    } catch (err) {
      note(`device ${d.index}: ${(err as Error).message}`);
    }
    if (d.closing) return;
    if (now() > endsAt) {
      d.airingOver = true;
      return;
    }
    if (now() > manifestRetryDeadline) return;
    await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** attempt)));
  }
}

function open(d: Device): void {
  const url = new URL(d.spec.eventsPath ?? '/api/v1/station/events', d.spec.base);
  const headers: Record<string, string> = { authorization: `Bearer ${d.spec.token}`, accept: 'text/event-stream' };
  if (d.lastEventId) headers['last-event-id'] = d.lastEventId;
  const parser = createParser({
    onEvent(ev) {
      d.events++;
      if (ev.id) d.lastEventId = ev.id;
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(ev.data) as Record<string, unknown>;
      } catch {
        // not JSON: counted, otherwise ignored
      }
      if (ev.event === 'hello') {
        d.helloAt = now();
        const cb = d.onHello;
        d.onHello = null;
        cb?.();
        // Back after a cut without an event id to resume from: the agent polls once, and so does this device.
        if (!cb && d.armed && !d.toldType) void pollAfterReconnect(d);
      } else if (ev.event === 'play-now' || ev.event === 'manifest') {
        void onTold(d, ev.event, data as { airingId?: string; endsAt?: string });
      }
    },
    onComment() {
      d.heartbeats++;
    },
  });
  const req = http.get(url, { agent: channelAgent, headers }, (res) => {
    if (res.statusCode !== 200) {
      note(`device ${d.index}: channel answered ${res.statusCode}`);
      res.resume();
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (s: string) => parser.feed(s));
    res.on('error', () => undefined);
    res.on('close', () => reopen(d));
  });
  req.on('socket', (s) => {
    d.socket = s;
    d.bytesMark = s.bytesRead;
  });
  req.on('error', (err) => {
    note(`device ${d.index}: ${err.message}`);
    reopen(d);
  });
  d.req = req;
}

async function pollAfterReconnect(d: Device): Promise<void> {
  try {
    if ((await fetchManifest(d, null)) && !d.toldType) {
      d.toldAt = d.manifestAt = now();
      d.toldType = 'poll-after-reconnect';
    }
  } catch (err) {
    note(`device ${d.index}: poll after reconnect: ${(err as Error).message}`);
  }
}

function reopen(d: Device): void {
  if (d.closing || d.req === null) return;
  d.req = null;
  d.reconnects++;
  setTimeout(() => !d.closing && open(d), 1000 + Math.random() * 2000);
}

/** The first manifest after connecting, with a few tries: a loaded server may drop a connection. */
async function firstManifest(d: Device): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fetchManifest(d, null);
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

async function connect(specs: DeviceSpec[], ratePerSec: number, initialFetch: boolean) {
  const t0 = now();
  errors = 0;
  firstError = null;
  let connected = 0;
  let failed = 0;
  const gap = 1000 / ratePerSec;
  const waits: Promise<void>[] = [];
  for (const [i, spec] of specs.entries()) {
    const d: Device = {
      spec, index: devices.length, lastEventId: null, etag: null, req: null, socket: null, helloAt: NaN, closing: false, reconnects: 0,
      armed: false, toldAt: NaN, toldType: null, manifestAt: NaN, staleAnswers: 0, heartbeats: 0, events: 0, bytesMark: 0, onHello: null, known: new Set(), airingOver: false,
    };
    devices.push(d);
    waits.push(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          failed++;
          note(`device ${d.index}: no hello within 60 s`);
          resolve();
        }, 60_000);
        d.onHello = () => {
          clearTimeout(timer);
          if (!initialFetch) {
            connected++;
            resolve();
            return;
          }
          // As the agent does after every hello: read the manifest once (this also learns its ETag).
          firstManifest(d).then(
            () => {
              connected++;
              resolve();
            },
            (err: unknown) => {
              failed++;
              note(`device ${d.index}: first manifest: ${(err as Error).message}`);
              resolve();
            },
          );
        };
      }),
    );
    open(d);
    // Paced like a fleet coming back after a power cut would not be; a ramp keeps set-up out of the measurement.
    const due = t0 + (i + 1) * gap;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(waits);
  return { connected, failed, ms: Math.round(now() - t0), firstError };
}

const reply = (seq: unknown, value: unknown) => process.send?.({ seq, reply: value });

process.on('message', (m: { type: string; seq: number; devices?: DeviceSpec[]; ratePerSec?: number; initialFetch?: boolean; action?: string; retrySec?: number }) => {
  void (async () => {
    try {
      switch (m.type) {
        case 'connect':
          reply(m.seq, await connect(m.devices ?? [], m.ratePerSec ?? 200, m.initialFetch !== false));
          break;
        case 'arm':
          manifestRetryDeadline = now() + (m.retrySec ?? 60) * 1000;
          for (const d of devices) Object.assign(d, { armed: true, toldAt: NaN, toldType: null, manifestAt: NaN, staleAnswers: 0, airingOver: false });
          errors = 0;
          firstError = null;
          reply(m.seq, true);
          break;
        case 'results': {
          const types: Record<string, number> = {};
          for (const d of devices) if (d.toldType) types[d.toldType] = (types[d.toldType] ?? 0) + 1;
          reply(m.seq, {
            told: devices.map((d) => d.toldAt),
            manifest: devices.map((d) => d.manifestAt),
            staleAnswers: devices.reduce((a, d) => a + d.staleAnswers, 0),
            devicesWithStale: devices.filter((d) => d.staleAnswers > 0).length,
            airingOver: devices.filter((d) => d.airingOver).length,
            reconnects: devices.reduce((a, d) => a + d.reconnects, 0),
            types,
            errors,
            firstError,
            cpu: process.cpuUsage(),
          });
          break;
        }
        case 'bytes':
          if (m.action === 'start') {
            for (const d of devices) Object.assign(d, { bytesMark: d.socket?.bytesRead ?? 0, heartbeats: 0, events: 0 });
            reply(m.seq, true);
          } else {
            reply(m.seq, {
              bytes: devices.map((d) => (d.socket?.bytesRead ?? 0) - d.bytesMark),
              heartbeats: devices.map((d) => d.heartbeats),
              events: devices.map((d) => d.events),
              reconnects: devices.reduce((a, d) => a + d.reconnects, 0),
            });
          }
          break;
        case 'close':
          for (const d of devices) {
            d.closing = true;
            d.req?.destroy();
          }
          devices.length = 0;
          agent.destroy();
          agent = newAgent();
          channelAgent.destroy();
          channelAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
          reply(m.seq, true);
          break;
        default:
          reply(m.seq, { error: `unknown message ${m.type}` });
      }
    } catch (err) {
      reply(m.seq, { error: (err as Error).message });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
