import net from 'node:net';

/** One HTTP request seen passing through the link (parsed from the bytes, as a sniffer would). */
export interface SeenRequest {
  readonly at: number;
  readonly conn: number;
  readonly method: string;
  readonly path: string;
  readonly range: string | null;
}

/**
 * A flaky 3G link between the agent and the service, at the TCP level: it can refuse connections for a while
 * (cutting the open ones), cut every connection after N bytes towards the station, and throttle. It counts the
 * bytes each way and records the HTTP requests that cross it (method, path, Range).
 */
export interface FlakyLink {
  readonly port: number;
  readonly url: string;
  /** Refuse new connections and cut the open ones. */
  down(): void;
  up(): void;
  readonly isUp: boolean;
  /** Cut each connection once this many bytes went towards the station on it (null: never). */
  cutEvery(bytes: number | null): void;
  /** Bytes per second towards the station (null: unlimited). */
  throttle(bytesPerSec: number | null): void;
  readonly stats: { bytesDown: number; bytesUp: number; connections: number; refused: number; cuts: number };
  readonly requests: SeenRequest[];
  resetStats(): void;
  close(): Promise<void>;
}

export async function startFlakyLink(target: { host: string; port: number }): Promise<FlakyLink> {
  let accepting = true;
  let cutAfter: number | null = null;
  let rate: number | null = null;
  const stats = { bytesDown: 0, bytesUp: 0, connections: 0, refused: 0, cuts: 0 };
  const requests: SeenRequest[] = [];
  const open = new Set<net.Socket>();
  let connSeq = 0;

  const server = net.createServer((client) => {
    if (!accepting) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.connections++;
    const conn = ++connSeq;
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    let closed = false;
    const drop = () => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    // The server may finish long before a throttled link has passed everything on: close only once it has.
    const upstreamGone = () => void pending.then(() => (closed ? undefined : client.end()));
    upstream.on('error', upstreamGone).on('close', upstreamGone);

    const sniff = requestSniffer((method, path, range) => requests.push({ at: Date.now(), conn, method, path, range }));
    client.on('data', (chunk: Buffer) => {
      stats.bytesUp += chunk.length;
      sniff(chunk);
      upstream.write(chunk);
    });

    let sentDown = 0;
    let pending = Promise.resolve();
    const sendDown = async (chunk: Buffer) => {
      let offset = 0;
      while (offset < chunk.length && !closed) {
        let slice = chunk.subarray(offset, rate ? offset + Math.max(1, Math.floor(rate / 20)) : chunk.length);
        let cut = false;
        if (cutAfter !== null && sentDown + slice.length >= cutAfter) {
          slice = slice.subarray(0, cutAfter - sentDown);
          cut = true;
        }
        sentDown += slice.length;
        stats.bytesDown += slice.length;
        offset += slice.length;
        await new Promise<void>((resolve) => (slice.length > 0 ? client.write(slice, () => resolve()) : resolve()));
        if (cut) {
          stats.cuts++;
          drop();
          return;
        }
        if (rate) await new Promise((r) => setTimeout(r, 50));
      }
    };
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      pending = pending.then(() => sendDown(chunk)).finally(() => upstream.resume());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const down = () => {
    accepting = false;
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    down,
    up() {
      accepting = true;
    },
    get isUp() {
      return accepting;
    },
    cutEvery(bytes) {
      cutAfter = bytes;
    },
    throttle(bytesPerSec) {
      rate = bytesPerSec;
    },
    stats,
    requests,
    resetStats() {
      Object.assign(stats, { bytesDown: 0, bytesUp: 0, connections: 0, refused: 0, cuts: 0 });
      requests.length = 0;
    },
    close() {
      down();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Follows HTTP/1.1 requests in a client's byte stream: heads are parsed, bodies skipped by Content-Length. */
function requestSniffer(onRequest: (method: string, path: string, range: string | null) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        buf = buf.subarray(n);
        skip -= n;
        if (skip > 0) return;
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      buf = buf.subarray(end + 4);
      const [method = '', path = ''] = head[0]!.split(' ');
      const header = (name: string) => head.slice(1).find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? null;
      onRequest(method, path, header('range'));
      skip = Number(header('content-length') ?? 0);
    }
  };
}
