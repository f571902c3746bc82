import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaCache } from '../../src/agent/cache.js';
import { downloadFile, type DownloadItem } from '../../src/agent/downloader.js';
import { tempDir } from '../helpers/env.js';

/** The downloader against a small local server that can lie, cut and refuse, on a temp directory. */
const body = crypto.randomBytes(200_000);
const sha = crypto.createHash('sha256').update(body).digest('hex');
const log = pino({ level: 'silent' });

describe('downloader', () => {
  let server: http.Server;
  let base: string;
  let mode: 'ok' | 'cut' | 'ignore-range' | 'wrong-bytes' | 'expired' = 'ok';
  const ranges: (string | undefined)[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      ranges.push(req.headers.range);
      if (mode === 'expired') {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'LINK_EXPIRED' } }));
        return;
      }
      const data = mode === 'wrong-bytes' ? Buffer.alloc(body.length, 7) : body;
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const useRange = m && mode !== 'ignore-range' && req.headers['if-range'] === `"${sha}"`;
      const start = useRange ? Number(m[1]) : 0;
      const headers: Record<string, string> = { 'content-length': String(data.length - start), etag: `"${sha}"` };
      if (useRange) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
      res.writeHead(useRange ? 206 : 200, headers);
      if (mode === 'cut') {
        res.write(data.subarray(start, start + 50_000), () => res.destroy());
        return;
      }
      res.end(data.subarray(start));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const setup = async () => {
    const cache = new MediaCache(tempDir('loaxa-dl-'), log);
    await cache.init();
    const item: DownloadItem = { name: `${sha}.mp3`, url: `${base}/f.mp3`, sizeBytes: body.length, sha256: sha };
    return { cache, item };
  };

  it('resumes a cut transfer from the end of the partial file, then verifies and moves it into place', async () => {
    const { cache, item } = await setup();
    ranges.length = 0;
    mode = 'cut';
    const first = await downloadFile(item, cache, { timeoutMs: 5_000, log });
    expect(first).toMatchObject({ ok: false, failure: 'network', bytesReceived: 50_000 });
    // Everything handed over before the cut is on disk.
    expect(fs.statSync(cache.partPathOf(item.name)).size).toBe(50_000);
    const second = await downloadFile(item, cache, { timeoutMs: 5_000, log });
    expect(second).toMatchObject({ ok: false, bytesReceived: 50_000 });
    mode = 'ok';
    const done = await downloadFile(item, cache, { timeoutMs: 5_000, log });
    expect(done).toEqual({ ok: true, bytesReceived: 100_000, resumedFrom: 100_000 });
    expect(ranges).toEqual([undefined, 'bytes=50000-', 'bytes=100000-']);
    expect(fs.readFileSync(cache.pathOf(item.name)).equals(body)).toBe(true);
    expect(fs.existsSync(cache.partPathOf(item.name))).toBe(false);
    expect(cache.isReady(item.name)).toBe(true);
  });

  it('starts over when the server answers a resume with the whole file', async () => {
    const { cache, item } = await setup();
    fs.writeFileSync(cache.partPathOf(item.name), body.subarray(0, 1234));
    mode = 'ignore-range';
    expect(await downloadFile(item, cache, { timeoutMs: 5_000, log })).toMatchObject({ ok: true, bytesReceived: body.length });
    expect(fs.readFileSync(cache.pathOf(item.name)).equals(body)).toBe(true);
  });

  it('deletes a download whose bytes do not hash to the manifest checksum', async () => {
    const { cache, item } = await setup();
    mode = 'wrong-bytes';
    expect(await downloadFile(item, cache, { timeoutMs: 5_000, log })).toMatchObject({ ok: false, failure: 'corrupt' });
    expect(fs.readdirSync(cache.dir)).toEqual([]);
  });

  it('tells an expired link apart, so the agent fetches fresh links', async () => {
    const { cache, item } = await setup();
    mode = 'expired';
    expect(await downloadFile(item, cache, { timeoutMs: 5_000, log })).toMatchObject({ ok: false, failure: 'link_expired', status: 403 });
  });

  it('a cached file changed on disk is caught by the next scan and removed', async () => {
    const { cache, item } = await setup();
    mode = 'ok';
    await downloadFile(item, cache, { timeoutMs: 5_000, log });
    expect((await cache.scan()).files.map((f) => f.name)).toEqual([item.name]);
    const file = cache.pathOf(item.name);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('xx'), 0, 2, 100);
    fs.closeSync(fd);
    // Same size; a later mtime is what sends it back through the hash.
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const scan = await cache.scan();
    expect(scan.corrupt).toEqual([item.name]);
    expect(fs.existsSync(file)).toBe(false);
    expect(cache.isReady(item.name)).toBe(false);
    expect(path.dirname(file)).toBe(cache.dir);
  });
});
