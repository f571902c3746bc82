import { describe, expect, it } from 'vitest';
import { cacheFileName, mediaExtension, parseManifest } from '../../src/agent/manifest.js';

const SHA = 'AB'.repeat(32);
const airing = (over: Record<string, unknown> = {}) => ({
  id: 'a1',
  episodeId: 'e1',
  title: 'Chuyển đổi số',
  startsAt: '2026-12-01T06:00:00+07:00',
  endsAt: '2026-12-01T06:30:00+07:00',
  priority: 'normal',
  media: { url: 'https://x.vn/api/v1/station/media/s/e1.opus?exp=1&sig=abc', format: 'ogg', sizeBytes: 1000, sha256: SHA, durationSec: 1800 },
  ...over,
});
const doc = (airings: unknown[]) => ({ station: { id: 's', code: '01234', name: 'Tả Van', timezone: 'Asia/Ho_Chi_Minh' }, version: 'v1', generatedAt: '2026-12-01T05:00:00+07:00', airings });

describe('manifest as the agent reads it', () => {
  it('turns instants with offsets into UTC milliseconds and names the cache file by content', () => {
    const { manifest, dropped } = parseManifest(doc([airing()]));
    expect(dropped).toEqual([]);
    const a = manifest.airings[0]!;
    expect(a.startsAt).toBe(Date.parse('2026-11-30T23:00:00Z'));
    expect(a.endsAt - a.startsAt).toBe(1800_000);
    expect(a.startsAtLocal).toBe('2026-12-01T06:00:00+07:00');
    expect(a.file).toBe(`${SHA.toLowerCase()}.opus`);
  });

  it('drops a malformed airing (and says why) but keeps the rest, sorted by start', () => {
    const { manifest, dropped } = parseManifest(
      doc([
        airing({ id: 'late', startsAt: '2026-12-02T06:00:00+07:00', endsAt: '2026-12-02T06:30:00+07:00' }),
        airing({ id: 'bad-sha', media: { ...airing().media, sha256: 'xyz' } }),
        airing({ id: 'no-offset', startsAt: '2026-12-01T06:00:00' }),
        airing({ id: 'backwards', endsAt: '2026-12-01T05:00:00+07:00' }),
        airing({ id: 'early', priority: 'unheard-of' }),
      ]),
    );
    expect(manifest.airings.map((a) => a.id)).toEqual(['early', 'late']);
    expect(manifest.airings[0]!.priority).toBe('normal');
    expect(dropped.map((d) => d.id)).toEqual(['bad-sha', 'no-offset', 'backwards']);
  });

  it('refuses a document without a version or station', () => {
    expect(() => parseManifest({ airings: [] })).toThrow();
    expect(() => parseManifest(null)).toThrow();
  });

  it('never lets a link put odd characters into a file name', () => {
    expect(mediaExtension('https://x/a/b.MP3?x=1', 'mp3')).toBe('mp3');
    expect(mediaExtension('https://x/a/b', 'ogg')).toBe('ogg');
    expect(mediaExtension('https://x/a/b', '../../x')).toBe('bin');
    expect(cacheFileName({ url: 'https://x/a/b.mp3', format: 'mp3', sha256: 'c'.repeat(64) })).toBe(`${'c'.repeat(64)}.mp3`);
  });
});
