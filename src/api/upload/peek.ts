import { PassThrough, type Readable } from 'node:stream';

/**
 * Reads at least `bytes` from the start of a stream (fewer if it ends first) and returns them with a stream that
 * yields the whole content again, head included, so the caller can decide before anything is stored.
 *
 * The replay is the stream itself with the head put back in front (not a copy through another stream): every byte
 * of an upload passes here, and each extra stream in the way costs a hop per chunk.
 */
export function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; replay: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', onError);
      stream.pause();
      const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (stream.readableEnded) {
        // Shorter than `bytes`: nothing more will come, and an ended stream cannot take its head back.
        const replay = new PassThrough();
        replay.end(head);
        return resolve({ head, replay });
      }
      if (head.length > 0) stream.unshift(head);
      resolve({ head, replay: stream });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= bytes) done();
    };
    const onError = (err: Error) => reject(err);
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', onError);
  });
}
