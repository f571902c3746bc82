import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ReadBufferRelease, RELEASE_EVERY_BYTES } from '../../src/api/upload/read-buffer-release.js';

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
