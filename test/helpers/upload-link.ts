import net from 'node:net';

/**
 * A flaky 3G uplink between an uploader and the service, at the TCP level: every connection is cut once a given
 * number of bytes went towards the service on it. Counts every byte the uploader put on the link (what arrived
 * at the proxy, whether or not it made it through before the cut), so resent bytes show up as overhead.
 */
export interface UploadLink {
  readonly port: number;
  readonly url: string;
  /** Cut each connection once this many bytes went towards the service on it (null: never). */
  cutEvery(bytes: number | null): void;
  readonly stats: { bytesUp: number; bytesDown: number; connections: number; cuts: number };
  resetStats(): void;
  close(): Promise<void>;
}

export async function startUploadLink(target: { host: string; port: number }, opts: { cutEvery?: number | null } = {}): Promise<UploadLink> {
  let cutAfter = opts.cutEvery ?? null;
  const stats = { bytesUp: 0, bytesDown: 0, connections: 0, cuts: 0 };
  const open = new Set<net.Socket>();

  const server = net.createServer((client) => {
    stats.connections++;
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
    upstream.on('error', drop).on('close', drop);

    let sentUp = 0;
    client.on('data', (chunk: Buffer) => {
      if (closed) return;
      stats.bytesUp += chunk.length;
      if (cutAfter !== null && sentUp + chunk.length >= cutAfter) {
        const slice = chunk.subarray(0, cutAfter - sentUp);
        sentUp += slice.length;
        stats.cuts++;
        // What got through before the cut reaches the service; then the link is gone, both ways.
        upstream.write(slice, () => drop());
        client.pause();
        return;
      }
      sentUp += chunk.length;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      stats.bytesDown += chunk.length;
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cutEvery(bytes) {
      cutAfter = bytes;
    },
    stats,
    resetStats() {
      Object.assign(stats, { bytesUp: 0, bytesDown: 0, connections: 0, cuts: 0 });
    },
    close() {
      for (const s of open) s.destroy();
      open.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
