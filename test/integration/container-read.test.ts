import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMediaBinaries } from '../../src/media/binaries.js';
import { encoderOptions } from '../../src/media/commands.js';
import { readContainer } from '../../src/media/container.js';
import { FIXTURES, tempDir } from '../helpers/env.js';
import { inspectAudio } from '../helpers/media-check.js';

/** The in-process reader the pipeline checks renditions with, against ffprobe on files ffmpeg really wrote. */
const run = promisify(execFile);
const bins = resolveMediaBinaries({});
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function encode(name: 'mp3' | 'opus', file: string, seconds?: number): Promise<string> {
  const out = path.join(dir, `${path.basename(file)}.${name}`);
  await run(bins.ffmpeg, ['-v', 'error', '-y', '-i', file, ...(seconds ? ['-t', String(seconds)] : []), ...encoderOptions({ name, path: out, bitrateKbps: name === 'mp3' ? 64 : 24 }), out]);
  return out;
}

describe('reading a rendition container in-process', () => {
  it.each(['mp3', 'opus'] as const)('%s: codec, channels, rate and length agree with ffprobe', async (name) => {
    const file = await encode(name, path.join(FIXTURES, 'speech-stereo-44k.wav'));
    const facts = await readContainer(file);
    const probe = await inspectAudio(file);
    expect(facts.codec).toBe(name);
    expect(facts.channels).toBe(1);
    expect(facts.sampleRate).toBe(probe.sampleRate);
    expect(Math.abs((facts.durationSec ?? NaN) - probe.decodedSec)).toBeLessThan(0.1);
  });

  it('sees a shorter file as shorter (what the pipeline refuses against the length it encoded)', async () => {
    const whole = await readContainer(await encode('opus', path.join(FIXTURES, 'speech-stereo-44k.wav')));
    const cut = await readContainer(await encode('opus', path.join(FIXTURES, 'speech.ogg'), 3));
    expect(cut.durationSec).toBeCloseTo(3, 1);
    expect(whole.durationSec).toBeGreaterThan(10);
  });

  it('does not call another format mp3 or opus', async () => {
    const facts = await readContainer(path.join(FIXTURES, 'speech-stereo-44k.wav')).catch(() => null);
    expect(facts?.codec ?? null).not.toBe('mp3');
    expect(facts?.codec ?? null).not.toBe('opus');
  });
});
