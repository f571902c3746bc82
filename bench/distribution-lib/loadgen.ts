import net from 'node:net';

/**
 * A small closed-loop HTTP/1.1 load generator (what wrk does, without wrk): `connections` keep-alive sockets,
 * each with one request in flight, sending the next as soon as the answer is complete. Requests are prebuilt
 * byte buffers taken round-robin; responses are framed by Content-Length (bodiless for 304), which is all
 * express and node:http send for these routes. Far less client work per request than node:http's client.
 */

export interface LoadResult {
  requests: number;
  rps: number;
  durationSec: number;
  statuses: Record<string, number>;
  errors: number;
  firstError: string | null;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  bodyBytes: number;
  /** CPU seconds this process (the load generator) spent during the measured window. */
  clientCpuSec: number;
}

export function buildGet(host: string, path: string, headers: Record<string, string>): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: keep-alive', '', ''];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

const HEADER_END = Buffer.from('\r\n\r\n');

export async function closedLoop(opts: { port: number; connections: number; warmupMs: number; durationMs: number; requests: Buffer[] }): Promise<LoadResult> {
  if (opts.requests.length === 0) throw new Error('no requests to send');
  let next = 0;
  let measuring = false;
  let running = true;
  let count = 0;
  let errors = 0;
  let firstError: string | null = null;
  let bodyBytes = 0;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const sockets = new Set<net.Socket>();

  const fail = (msg: string) => {
    if (measuring) errors++;
    firstError ??= msg;
  };

  const connection = () => {
    const socket = net.connect({ host: '127.0.0.1', port: opts.port });
    socket.setNoDelay(true);
    sockets.add(socket);
    let buf: Buffer | null = null;
    let need = -1;
    let status = 0;
    let sentAt = 0;
    let inFlight = false;
    const send = () => {
      if (!running) {
        socket.end();
        return;
      }
      const req = opts.requests[next++ % opts.requests.length]!;
      sentAt = performance.now();
      inFlight = true;
      socket.write(req);
    };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      buf = buf ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (need < 0) {
          const idx = buf.indexOf(HEADER_END);
          if (idx < 0) return;
          const head = buf.toString('latin1', 0, idx);
          status = Number(head.slice(9, 12));
          const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          if (!m && /\r\ntransfer-encoding:/i.test(head)) {
            fail('chunked responses are not supported by this client');
            socket.destroy();
            return;
          }
          need = idx + 4 + (m ? Number(m[1]) : 0);
          bodyBytes += measuring ? need - idx - 4 : 0;
        }
        if (buf.length < need) return;
        const done = performance.now();
        if (measuring) {
          count++;
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies.push(done - sentAt);
        }
        buf = buf.length > need ? buf.subarray(need) : null;
        need = -1;
        inFlight = false;
        send();
        if (!buf) return;
      }
    });
    socket.on('error', (err) => fail(err.message));
    socket.on('close', () => {
      sockets.delete(socket);
      if (inFlight) fail('connection closed with a request in flight');
      // The server closed a keep-alive connection: open another, as a real poller would.
      if (running) setTimeout(() => running && connection(), 20);
    });
  };

  for (let i = 0; i < opts.connections; i++) connection();
  await new Promise((r) => setTimeout(r, opts.warmupMs));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, opts.durationMs));
  measuring = false;
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  running = false;
  // Let the requests in flight finish, then drop whatever is left.
  await new Promise((r) => setTimeout(r, 300));
  for (const s of sockets) s.destroy();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : 0);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const durationSec = (t1 - t0) / 1000;
  return {
    requests: count,
    rps: Math.round(count / durationSec),
    durationSec: r2(durationSec),
    statuses,
    errors,
    firstError,
    latencyMs: { p50: r2(pct(50)), p90: r2(pct(90)), p99: r2(pct(99)), max: r2(latencies[latencies.length - 1] ?? 0) },
    bodyBytes,
    clientCpuSec: r2((cpu.user + cpu.system) / 1e6),
  };
}
