import ffmpeg from 'fluent-ffmpeg';
import { describe, expect, it } from 'vitest';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import { warmUpFfmpeg } from '../../src/media/runner.js';

/** Nothing else in this file touches fluent-ffmpeg: its answers can only be cached because the warm-up asked. */
describe('warming ffmpeg up when the worker starts', () => {
  it('leaves fluent-ffmpeg with the formats and encoders it would otherwise ask for before the first command', async () => {
    await warmUpFfmpeg(resolveMediaBinaries({}));
    const answersAtOnce = (ask: (cb: (err: Error | null, data: Record<string, unknown>) => void) => void) => {
      let answer: Record<string, unknown> | null = null;
      ask((err, data) => {
        if (!err) answer = data;
      });
      return answer;
    };
    const cmd = ffmpeg();
    const formats = answersAtOnce((cb) => cmd.availableFormats(cb));
    const encoders = answersAtOnce((cb) => cmd.availableEncoders(cb));
    expect(formats).toHaveProperty('ogg');
    expect(encoders).toHaveProperty('libopus');
  }, 30_000);
});
