import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { peek } from '../../src/api/upload/peek.js';
import { Meter, SizeLimitExceeded } from '../../src/storage/meter.js';

/** Random bytes (no period a misplaced piece could hide in), cut into pieces of the given sizes, cycled. */
function pieces(total: number, sizes: number[]): Buffer[] {
  const whole = crypto.randomBytes(total);
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < total; i++) {
    const n = Math.min(sizes[i % sizes.length]!, total - at);
    out.push(whole.subarray(at, at + n));
    at += n;
  }
  return out;
}

function collect(): { sink: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { sink, chunks };
}

const sha256 = (bufs: Buffer[]) => crypto.createHash('sha256').update(Buffer.concat(bufs)).digest('hex');

describe('Meter', () => {
  it('passes pieces through as they come by default, counting and hashing them', async () => {
    const input = pieces(100_000, [65_536, 1, 7_000]);
    const meter = new Meter();
    const { sink, chunks } = collect();
    await pipeline(Readable.from(input, { objectMode: false }), meter, sink);
    expect(chunks.map((c) => c.length)).toEqual(input.map((c) => c.length));
    expect(meter.bytes).toBe(100_000);
    expect(meter.digest()).toBe(sha256(input));
  });

  it('hands on fixed-size pieces (the last one shorter) with the same bytes, size and SHA-256', async () => {
    const input = pieces(1_000_003, [65_536, 13, 65_536, 200_000, 1]);
    const meter = new Meter(Number.POSITIVE_INFINITY, { chunkBytes: 256 * 1024 });
    const { sink, chunks } = collect();
    await pipeline(Readable.from(input, { objectMode: false }), meter, sink);
    const sizes = chunks.map((c) => c.length);
    expect(sizes.slice(0, -1).every((n) => n >= 256 * 1024)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1_000_003);
    expect(Buffer.concat(chunks).equals(Buffer.concat(input))).toBe(true);
    expect(meter.bytes).toBe(1_000_003);
    expect(meter.digest()).toBe(sha256(input));
  });

  it('never hands on the same memory twice: a piece already passed on is not overwritten', async () => {
    const input = pieces(600_000, [10_000]);
    const meter = new Meter(Number.POSITIVE_INFINITY, { chunkBytes: 64 * 1024 });
    // Keeps every piece until the end, as a slow socket would: each must still hold what it held when handed on.
    const { sink, chunks } = collect();
    const copies: Buffer[] = [];
    meter.on('data', (c: Buffer) => copies.push(Buffer.from(c)));
    await pipeline(Readable.from(input, { objectMode: false }), meter, sink);
    expect(chunks.length).toBe(copies.length);
    chunks.forEach((c, i) => expect(c.equals(copies[i]!)).toBe(true));
  });

  it('reuses pieces an HTTP request has sent, and only those: a slow receiver gets every byte intact', async () => {
    // A real server that reads in fits and starts, so the request keeps pieces queued on its socket for a while.
    const server = http.createServer((req, res) => {
      const hash = crypto.createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        n += c.length;
        req.pause();
        setTimeout(() => req.resume(), 1);
      });
      req.on('end', () => res.end(JSON.stringify({ n, sha256: hash.digest('hex') })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const input = pieces(24_000_000, [65_536, 1_000, 7, 65_536]);
      const meter = new Meter(Number.POSITIVE_INFINITY, { chunkBytes: 64 * 1024 });
      const backing = new Set<ArrayBufferLike>();
      let handed = 0;
      meter.on('data', (c: Buffer) => {
        backing.add(c.buffer);
        handed++;
      });
      const req = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'PUT' });
      const answer = new Promise<{ n: number; sha256: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve(JSON.parse(text)));
        });
        req.on('error', reject);
      });
      meter.pipe(req);
      await pipeline(Readable.from(input, { objectMode: false }), meter);
      expect(await answer).toEqual({ n: 24_000_000, sha256: sha256(input) });
      expect(meter.digest()).toBe(sha256(input));
      expect(backing.size).toBeLessThan(handed);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('fails once more than maxBytes went through, whatever the piece size', async () => {
    for (const chunkBytes of [0, 256 * 1024]) {
      const meter = new Meter(300_000, { chunkBytes });
      const { sink } = collect();
      await expect(pipeline(Readable.from(pieces(300_001, [65_536]), { objectMode: false }), meter, sink)).rejects.toBeInstanceOf(SizeLimitExceeded);
    }
  });

  it('accepts exactly maxBytes and an empty body', async () => {
    const exact = new Meter(300_000, { chunkBytes: 256 * 1024 });
    await pipeline(Readable.from(pieces(300_000, [65_536]), { objectMode: false }), exact, collect().sink);
    expect(exact.bytes).toBe(300_000);
    const empty = new Meter(10, { chunkBytes: 256 * 1024 });
    const { sink, chunks } = collect();
    await pipeline(Readable.from([], { objectMode: false }), empty, sink);
    expect(chunks).toEqual([]);
    expect(empty.digest()).toBe(sha256([]));
  });
});

describe('peek', () => {
  it('returns the first bytes and replays the whole stream, head included, from the same stream', async () => {
    const input = pieces(200_000, [5, 3, 65_536]);
    const source = new PassThrough();
    const fed = (async () => {
      for (const p of input) if (!source.write(p)) await new Promise((r) => source.once('drain', r));
      source.end();
    })();
    const { head, replay } = await peek(source, 16);
    expect(head.length).toBeGreaterThanOrEqual(16);
    expect(head.subarray(0, 16).equals(Buffer.concat(input).subarray(0, 16))).toBe(true);
    expect(replay).toBe(source);
    const { sink, chunks } = collect();
    await Promise.all([pipeline(replay, sink), fed]);
    expect(Buffer.concat(chunks).equals(Buffer.concat(input))).toBe(true);
  });

  it('replays a stream shorter than the bytes asked for', async () => {
    const source = new PassThrough();
    source.end(Buffer.from('RIFF1234WAVE'));
    const { head, replay } = await peek(source, 16);
    expect(head.toString('latin1')).toBe('RIFF1234WAVE');
    const { sink, chunks } = collect();
    await pipeline(replay, sink);
    expect(Buffer.concat(chunks).toString('latin1')).toBe('RIFF1234WAVE');
  });

  it('replays an empty stream as empty', async () => {
    const source = new PassThrough();
    source.end();
    const { head, replay } = await peek(source, 16);
    expect(head.length).toBe(0);
    const { sink, chunks } = collect();
    await pipeline(replay, sink);
    expect(chunks).toEqual([]);
  });

  it('rejects when the stream fails before the head is complete', async () => {
    const source = new PassThrough();
    const peeked = peek(source, 16);
    source.write(Buffer.from('RIFF'));
    source.destroy(new Error('cut'));
    await expect(peeked).rejects.toThrow('cut');
  });
});
