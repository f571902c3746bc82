import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { followBody } from '../../src/api/upload/followed-body.js';

/** Enough of an incoming request for followBody: a readable that a client may end or abandon. */
const request = () => new PassThrough() as unknown as IncomingMessage & PassThrough;

describe('followBody', () => {
  it('reads the first bytes ahead and still yields the whole body', async () => {
    const req = request();
    const followed = followBody(req, 4);
    req.write('RI');
    req.write('FF....WAVE');
    const body = await followed;
    expect(body.head.toString()).toBe('RIFF....WAVE');
    req.end('-rest');
    expect(await text(body.stream)).toBe('RIFF....WAVE-rest');
    expect(body.state).toBe('ended');
  });

  it('ends (does not fail) the stream when the client goes away, keeping what arrived', async () => {
    const req = request();
    const body = await followBody(req, 0);
    req.write('what got through');
    const received = text(body.stream);
    req.destroy();
    expect(await received).toBe('what got through');
    expect(body.state).toBe('cut');
  });

  it('settles with a short head when the body ends or is cut before enough bytes came', async () => {
    const short = request();
    const a = followBody(short, 16);
    short.end('ID3');
    expect((await a).head.toString()).toBe('ID3');
    expect((await a).state).toBe('ended');
    const cut = request();
    const b = followBody(cut, 16);
    cut.write('Og');
    setImmediate(() => cut.destroy());
    expect((await b).state).toBe('cut');
  });

  it('lets go of the request when stopped, so the caller can drain it', async () => {
    const req = request();
    const followed = followBody(req, 1);
    req.write('x');
    const body = await followed;
    body.stop();
    expect(req.listenerCount('data')).toBe(0);
    expect(body.stream.destroyed).toBe(true);
  });
});
