import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';

export interface FollowedBody {
  /** The first bytes (at least the number asked for, unless the body ended or was cut first). */
  readonly head: Buffer;
  /** The whole body again, head included; it ends when the request ends or the client goes away. */
  readonly stream: PassThrough;
  /** 'ended': the whole body arrived; 'cut': the client went away first; 'open': still arriving. */
  readonly state: 'open' | 'ended' | 'cut';
  /** Stops following (the stream is dropped), so the rest of the request can be drained or discarded. */
  stop(): void;
}

/**
 * Follows a request's body into a stream that *ends* when the client goes away instead of failing. A resumable
 * upload keeps whatever arrived before a cut link, so the next attempt starts from there; a stream that failed
 * would throw the last, unfinished part away. Reads `headBytes` ahead first, so the caller can decide from them.
 */
export function followBody(req: IncomingMessage, headBytes: number): Promise<FollowedBody> {
  return new Promise((resolve) => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    let have = 0;
    let state: FollowedBody['state'] = 'open';
    let resolved = false;

    const onData = (chunk: Buffer) => {
      if (!resolved) {
        chunks.push(chunk);
        have += chunk.length;
      }
      if (!stream.write(chunk)) req.pause();
      if (!resolved && have >= headBytes) settle();
    };
    const onDrain = () => req.resume();
    const onEnd = () => {
      state = 'ended';
      stream.end();
      settle();
    };
    const onClose = () => {
      if (state !== 'open') return;
      state = 'cut';
      stream.end();
      settle();
    };
    // A reset connection errors the request; 'close' follows and ends the stream.
    const onError = () => undefined;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      stream.off('drain', onDrain);
      stream.destroy();
    };
    const settle = () => {
      if (resolved) return;
      resolved = true;
      const head = Buffer.concat(chunks);
      resolve({
        head,
        stream,
        get state() {
          return state;
        },
        stop,
      });
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onError);
    stream.on('drain', onDrain);
    // Gone already (while the request was being authenticated): nothing more will come.
    if (req.destroyed) onClose();
    else if (headBytes <= 0) settle();
  });
}
