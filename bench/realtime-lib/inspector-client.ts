/**
 * Just enough of the Chrome DevTools Protocol to ask another node process (started with --inspect=127.0.0.1:port)
 * to collect garbage and report its heap, so "memory per 1,000 connections" compares settled heaps, not whatever
 * the collector happened to leave. Node 20 has no WebSocket client: this speaks the few frames needed over net
 * (client frames masked, text only, one message at a time).
 */
import crypto from 'node:crypto';
import net from 'node:net';

export interface Inspector {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

export async function connectInspector(port: number): Promise<Inspector> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = new URL(list[0]!.webSocketDebuggerUrl);
  const socket = net.connect({ host: target.hostname, port: Number(target.port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const key = crypto.randomBytes(16).toString('base64');
  socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);

  let buf = Buffer.alloc(0);
  let upgraded = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const handshake = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 12).toString().includes('101')) return reject(new Error(`inspector refused: ${buf.subarray(0, end).toString()}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve();
      }
      // Server frames are unmasked; a reply can span several chunks.
      for (;;) {
        if (buf.length < 2) return;
        let len = buf[1]! & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          offset = 10;
        }
        if (buf.length < offset + len) return;
        const opcode = buf[0]! & 0x0f;
        const payload = buf.subarray(offset, offset + len).toString('utf8');
        buf = buf.subarray(offset + len);
        if (opcode !== 1) continue;
        const msg = JSON.parse(payload) as { id?: number; result?: unknown; error?: { message: string } };
        const p = msg.id === undefined ? undefined : pending.get(msg.id);
        if (!p) continue;
        pending.delete(msg.id!);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result);
      }
    });
    socket.once('error', reject);
  });
  await handshake;

  const send = (text: string) => {
    const payload = Buffer.from(text, 'utf8');
    const mask = crypto.randomBytes(4);
    const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
    socket.write(Buffer.concat([head, mask, masked]));
  };
  return {
    call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        send(JSON.stringify({ id, method, params }));
      });
    },
    close() {
      socket.destroy();
    },
  };
}
