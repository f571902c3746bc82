import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedPush {
  headers: http.IncomingHttpHeaders;
  body: any;
  verified: boolean;
  error?: string;
}

/**
 * A real HTTP receiver standing in for a station's webhook endpoint. It verifies every request with the
 * standardwebhooks library, and can be switched to answer 503 (a station that is down).
 */
export async function startWebhookReceiver(secretFor: (path: string) => string | undefined) {
  const received: ReceivedPush[] = [];
  let down = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) {
        res.writeHead(503).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const secret = secretFor(req.url ?? '/');
      let verified = false;
      let error: string | undefined;
      try {
        if (!secret) throw new Error('no secret for this path');
        new Webhook(secret).verify(raw, req.headers as Record<string, string>);
        verified = true;
      } catch (err) {
        error = (err as Error).message;
      }
      received.push({ headers: req.headers, body: JSON.parse(raw), verified, error });
      res.writeHead(verified ? 204 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    setDown(v: boolean) {
      down = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
