import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ABBREVIATIONS, normaliseForSpeech } from '../../src/domain/speech/index.js';
import { loadAbbreviations } from '../../src/services/bulletin-service.js';
import { tempDir } from '../helpers/env.js';

const dir = tempDir('loaxa-abbr-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

describe('TTS_ABBREVIATIONS_FILE', () => {
  it('is optional: without it the normaliser keeps its own table', () => {
    expect(loadAbbreviations(undefined)).toBeUndefined();
  });

  it('extends the built-in table (the normaliser replaces its table when given one)', () => {
    const table = loadAbbreviations(file('ok.json', JSON.stringify({ BCĐ: 'ban chỉ đạo', XYZ: 'hợp tác xã Ích Dụng' })))!;
    expect(table.BCĐ).toBe('ban chỉ đạo');
    for (const [k, v] of Object.entries(DEFAULT_ABBREVIATIONS)) expect(table[k]).toBe(v);
    expect(Object.isFrozen(table)).toBe(true);
    expect(normaliseForSpeech('XYZ họp.', { abbreviations: table })).toContain('hợp tác xã Ích Dụng');
  });

  it('stops the service at start with a message naming the setting and the file', () => {
    expect(() => loadAbbreviations(path.join(dir, 'missing.json'))).toThrow(/^TTS_ABBREVIATIONS_FILE: cannot read .*missing\.json as JSON/);
    expect(() => loadAbbreviations(file('bad.json', '{"UBND": '))).toThrow(/^TTS_ABBREVIATIONS_FILE: cannot read/);
    expect(() => loadAbbreviations(file('list.json', '["UBND"]'))).toThrow(/must be one JSON object of "ABBR": "words"/);
    expect(() => loadAbbreviations(file('empty-value.json', '{"UBND": " "}'))).toThrow(/must be one JSON object/);
  });
});
