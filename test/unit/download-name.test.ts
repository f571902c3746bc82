import { describe, expect, it } from 'vitest';
import { asciiFileName, contentDisposition, episodeFileName } from '../../src/domain/delivery/download-name.js';

const ID = '3f1c2d4e-0000-4000-8000-000000000001';

describe('download names from episode titles (RFC 6266)', () => {
  it('names the file after the title, without characters file systems refuse', () => {
    expect(episodeFileName('Chuyển đổi số — số 11', 'mp3', ID)).toBe('Chuyển đổi số — số 11.mp3');
    expect(episodeFileName('Tin/tức: "nóng"?\n*Khẩn*', 'mp3', ID)).toBe('Tin-tức- -nóng-Khẩn-.mp3');
    expect(episodeFileName('  ...  ', 'opus', ID)).toBe(`${ID}.opus`);
    expect([...episodeFileName('ư'.repeat(400), 'mp3', ID)].length).toBe(154);
  });

  it('turns Vietnamese into plain ASCII for the fallback', () => {
    expect(asciiFileName('Đài phát thanh xã Tả Van — Chương trình số 5.mp3')).toBe('Dai phat thanh xa Ta Van _ Chuong trinh so 5.mp3');
    expect(asciiFileName('100% "ổn"\\.mp3')).toBe('100_ _on__.mp3');
  });

  it('sends the UTF-8 name as filename* and an ASCII one as filename', () => {
    const header = contentDisposition('attachment', 'Chương trình (số 5) it\'s.mp3');
    expect(header).toBe(`attachment; filename="Chuong trinh (so 5) it's.mp3"; filename*=UTF-8''Ch%C6%B0%C6%A1ng%20tr%C3%ACnh%20%28s%E1%BB%91%205%29%20it%27s.mp3`);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)![1]!;
    expect(decodeURIComponent(encoded)).toBe('Chương trình (số 5) it\'s.mp3');
    // RFC 8187 attr-chars only.
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(contentDisposition('inline', 'abc.mp3')).toBe('inline; filename="abc.mp3"');
  });
});
