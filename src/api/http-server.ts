import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpTimeouts {
  /** Time to receive a request's headers. */
  readonly headersTimeoutSec: number;
  /** Time without a single byte while a request's body is still arriving. */
  readonly bodyIdleTimeoutSec: number;
  /** Time to receive a whole request, body included (0: no limit). */
  readonly requestTimeoutSec: number;
}

const cutForSilence = new WeakSet<Socket>();

/** Whether the server closed this connection because its request body stopped arriving. */
export const wasCutForSilence = (socket: Socket): boolean => cutForSilence.has(socket);

/**
 * The API's HTTP server, with limits on slow clients: headers and the whole request within their timeouts (Node's
 * own, answered 408), and a request body that stops moving dropped after the body-idle timeout. A body that keeps
 * moving, however slowly, is never cut by the idle rule; nor is a response the server is still writing (a live
 * channel, a download): the idle rule applies only while the request itself is incomplete.
 */
export function createHttpServer(app: RequestListener, t: HttpTimeouts): Server {
  const headersMs = t.headersTimeoutSec * 1000;
  const server = http.createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: t.requestTimeoutSec * 1000,
      // How often Node looks for connections over the header and request timeouts (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(5000, headersMs / 4)),
    },
    app,
  );
  const current = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  const idleMs = t.bodyIdleTimeoutSec * 1000;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    current.set(req.socket, { req, res });
    // Re-armed for every request: between requests of a kept-alive connection Node swaps in its keep-alive timer.
    req.socket.setTimeout(idleMs);
  });
  // Socket inactivity (reads and writes alike); this listener decides, instead of Node destroying every idle socket.
  server.timeout = idleMs;
  server.on('timeout', (socket: Socket) => {
    const exchange = current.get(socket);
    // Body received, answer under way (a live channel between heartbeats, a slow report): not the client's silence.
    if (exchange && exchange.req.complete && !exchange.res.writableEnded) return;
    if (exchange && !exchange.req.complete) cutForSilence.add(socket);
    socket.destroy();
  });
  return server;
}
