import { describe, expect, it } from 'vitest';
import { buildM3u, playlistText, playlistUrl } from '../../src/domain/export/m3u.js';

describe('M3U playlist lines', () => {
  it('turns every line break and control character in a title into one space', () => {
    expect(playlistText('Bản tin\n#EXTINF:1,x\r\nhttp://evil/x.mp3')).toBe('Bản tin #EXTINF:1,x http://evil/x.mp3');
    expect(playlistText('a\u2028b\u2029c\u0085d\u0000e\u007ff\tg')).toBe('a b c d e f g');
    expect(playlistText('  Chuyển đổi số — số 12  ')).toBe('Chuyển đổi số — số 12');
  });

  it('writes only http(s) addresses, percent-encoded, on their line', () => {
    expect(playlistUrl('http://127.0.0.1:8080/media/a b.mp3?sig=x y')).toBe('http://127.0.0.1:8080/media/a%20b.mp3?sig=x%20y');
    expect(playlistUrl('https://loa.example/m/a.mp3\n#EXTINF:1,x')).not.toMatch(/[\r\n]/);
    expect(() => playlistUrl('javascript:alert(1)')).toThrow(RangeError);
    expect(() => playlistUrl('file:///etc/passwd')).toThrow(RangeError);
  });

  it('a hostile title cannot add an entry: one #EXTINF and one address per airing', () => {
    const text = buildM3u('Đài xã\nTả Van', [
      { title: '06:00 Bản tin\n#EXTINF:1,Giả mạo\nhttp://evil.example/x.mp3', durationSec: 21.4, url: 'http://127.0.0.1/m/1.mp3' },
      { title: '11:00 Thời sự', durationSec: Number.NaN, url: 'http://127.0.0.1/m/2.mp3' },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toEqual([
      '#EXTM3U',
      '#PLAYLIST:Đài xã Tả Van',
      '#EXTINF:21,06:00 Bản tin #EXTINF:1,Giả mạo http://evil.example/x.mp3',
      'http://127.0.0.1/m/1.mp3',
      '#EXTINF:-1,11:00 Thời sự',
      'http://127.0.0.1/m/2.mp3',
    ]);
  });
});
