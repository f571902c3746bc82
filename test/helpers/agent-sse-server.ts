import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** One connection the SSE test server took: its headers, when it came, and a handle to talk on it. */
export interface SseConnection {
  readonly n: number;
  readonly at: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly res: http.ServerResponse;
  readonly closed: Promise<void>;
  isClosed(): boolean;
  send(text: string): void;
}

/**
 * A real HTTP server speaking Server-Sent Events for the channel's tests. `onConnection` decides what each
 * connection gets (an error status, a stream, silence); every request is recorded.
 */
export async function startSseServer(onConnection: (c: SseConnection, req: http.IncomingMessage) => void) {
  const connections: SseConnection[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    let closed = false;
    const closedP = new Promise<void>((resolve) =>
      res.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    const c: SseConnection = {
      n: connections.length + 1,
      at: Date.now(),
      headers: req.headers,
      res,
      closed: closedP,
      isClosed: () => closed,
      send(text) {
        if (!closed) res.write(text);
      },
    };
    connections.push(c);
    for (const w of waiters.splice(0)) w();
    onConnection(c, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1/station/events`,
    connections,
    /** Resolves once at least n connections were made. */
    async connectionCount(n: number, timeoutMs = 20_000): Promise<SseConnection> {
      const deadline = Date.now() + timeoutMs;
      while (connections.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for connection ${n} (have ${connections.length})`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 200);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return connections[n - 1]!;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const openStream = (res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
};

/** A pino logger whose lines are kept (parsed) for assertions. */
export function capturingLogger(): { log: Logger; lines: Array<{ level: number; msg: string; [k: string]: unknown }> } {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}
