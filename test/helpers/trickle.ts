import http from 'node:http';

/**
 * A client that sends `head`, then keeps trickling filler (a chunk every 20 ms, up to `maxBytes` in all) and never
 * finishes its body: the answer it gets must come from the first bytes alone. Resolves with the answer and how many
 * bytes had gone out by then.
 */
export function trickleUntilAnswered(
  url: string,
  opts: { method: string; headers: Record<string, string>; head: (string | Buffer)[]; chunkBytes: number; maxBytes?: number },
): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method, headers: opts.headers });
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => {
        clearInterval(timer);
        req.destroy();
        resolve({ status: res.statusCode!, body, sent });
      });
    });
    req.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    for (const part of opts.head) {
      req.write(part);
      sent += Buffer.byteLength(part);
    }
    const chunk = Buffer.alloc(opts.chunkBytes, 7);
    timer = setInterval(() => {
      if (!req.destroyed && (opts.maxBytes === undefined || sent + chunk.length < opts.maxBytes)) {
        req.write(chunk);
        sent += chunk.length;
      }
    }, 20);
  });
}
