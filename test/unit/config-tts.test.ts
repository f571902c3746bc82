import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

describe('configuration of text bulletins (tts)', () => {
  it('defaults: the engine chosen at start, 5,000 characters, 150 words per minute, no extra abbreviations', () => {
    expect(loadConfig({}).tts).toEqual({ engine: 'auto', espeakPath: undefined, maxChars: 5000, rate: 150, abbreviationsFile: undefined });
  });

  it('takes an engine, a binary, limits and an abbreviations file (resolved to an absolute path)', () => {
    const tts = loadConfig({}, { TTS_ENGINE: 'wasm', TTS_ESPEAK_PATH: '/opt/espeak-ng', TTS_MAX_CHARS: '2000', TTS_RATE: '120', TTS_ABBREVIATIONS_FILE: 'abbr.json' }).tts;
    expect(tts).toEqual({ engine: 'wasm', espeakPath: '/opt/espeak-ng', maxChars: 2000, rate: 120, abbreviationsFile: path.resolve('abbr.json') });
  });

  it.each([
    [{ TTS_ENGINE: 'festival' }, /TTS_ENGINE: must be auto, wasm or espeak-ng/],
    [{ TTS_RATE: '500' }, /TTS_RATE: must be ≤ 300/],
    [{ TTS_RATE: '60' }, /TTS_RATE: must be ≥ 80/],
    [{ TTS_MAX_CHARS: '0' }, /TTS_MAX_CHARS: must be ≥ 1/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});
