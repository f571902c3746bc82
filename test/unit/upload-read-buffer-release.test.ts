import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { pipeReleasingReadBuffers, ReadBufferRelease, RELEASE_EVERY_BYTES } from '../../src/api/upload/read-buffer-release.js';

async function pass(chunks: Buffer[], everyBytes?: number): Promise<{ calls: string[]; out: Buffer }> {
  const calls: string[] = [];
  const release = new ReadBufferRelease((o) => calls.push(o.type), everyBytes);
  const parts: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => parts.push(c));
  await pipeline(Readable.from(chunks), release, sink);
  return { calls, out: Buffer.concat(parts) };
}

describe('ReadBufferRelease', () => {
  it('asks for one young-generation collection per threshold crossed, and passes every byte through unchanged', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const chunks = Array.from({ length: (3 * RELEASE_EVERY_BYTES) / chunk.length + 5 }, () => chunk);
    const { calls, out } = await pass(chunks);
    expect(calls).toEqual(['minor', 'minor', 'minor']);
    expect(out.length).toBe(chunks.length * chunk.length);
    expect(out.every((b) => b === 7)).toBe(true);
  });

  it('does not collect for a body smaller than the threshold', async () => {
    const { calls, out } = await pass([Buffer.from('abc'), Buffer.from('def')], 10);
    expect(calls).toEqual([]);
    expect(out.toString()).toBe('abcdef');
  });

  it('counts bytes, not chunks: one large chunk past the threshold is one collection', async () => {
    const { calls } = await pass([Buffer.alloc(25)], 10);
    expect(calls).toEqual(['minor']);
  });
});

describe('pipeReleasingReadBuffers', () => {
  const body = () => Readable.from(Array.from({ length: (2 * RELEASE_EVERY_BYTES) / 65536 }, () => Buffer.alloc(65536, 1)));
  const drain = (dest: PassThrough) =>
    new Promise<number>((resolve) => {
      let n = 0;
      dest.on('data', (c: Buffer) => (n += c.length));
      dest.on('end', () => resolve(n));
    });

  it('with gc exposed (npm start), collects as the body goes by and delivers all of it', async () => {
    const calls: unknown[] = [];
    const g = globalThis as { gc?: unknown };
    const before = g.gc;
    g.gc = (o: unknown) => calls.push(o);
    try {
      const dest = new PassThrough();
      const done = drain(dest);
      pipeReleasingReadBuffers(body() as unknown as Request, dest);
      expect(await done).toBe(2 * RELEASE_EVERY_BYTES);
      expect(calls).toEqual([{ type: 'minor' }, { type: 'minor' }]);
    } finally {
      g.gc = before;
    }
  });

  it('without it (npm run dev), pipes the body through untouched', async () => {
    const g = globalThis as { gc?: unknown };
    const before = g.gc;
    delete g.gc;
    try {
      const dest = new PassThrough();
      const done = drain(dest);
      pipeReleasingReadBuffers(body() as unknown as Request, dest);
      expect(await done).toBe(2 * RELEASE_EVERY_BYTES);
    } finally {
      g.gc = before;
    }
  });
});
