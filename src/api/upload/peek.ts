import { PassThrough, type Readable } from 'node:stream';

/**
 * Reads at least `bytes` from the start of a stream (fewer if it ends first) and returns them with a stream that
 * yields the whole content again, head included, so the caller can decide before anything is stored.
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
      const head = Buffer.concat(chunks);
      const replay = new PassThrough();
      replay.write(head);
      stream.on('error', (err) => replay.destroy(err));
      stream.pipe(replay);
      resolve({ head, replay });
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
