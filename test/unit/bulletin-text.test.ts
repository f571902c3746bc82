import { describe, expect, it } from 'vitest';
import { characterCount, checkBulletinText } from '../../src/domain/bulletins/text.js';

const MAX = 5000;
const code = (text: string, max = MAX) => checkBulletinText(text, max)?.code ?? null;

describe('checkBulletinText', () => {
  it.each([
    'UBND xã thông báo: từ 17h30 ngày 12/12/2026 có mưa lớn 50-70 mm.',
    'Nhiệt độ 5 < 7 °C; mực nước <5 m, lưu lượng > 300 m³/s.',
    'TT&DL và VHTT phối hợp tổ chức.',
    'Số 1',
  ])('lets plain text be read: %s', (text) => {
    expect(checkBulletinText(text, MAX)).toBeNull();
  });

  it('refuses empty and blank text, naming the field in Vietnamese', () => {
    for (const t of ['', '   ', '\n\t \u3000']) expect(code(t)).toBe('TEXT_EMPTY');
    expect(checkBulletinText(' ', MAX)?.messageVi).toBe('«Nội dung bản tin» không được để trống.');
  });

  it('counts characters as people do: a composed or decomposed "ệ" is one', () => {
    const composed = 'ệ';
    const decomposed = 'e\u0323\u0302';
    expect(decomposed.length).toBe(3);
    expect(characterCount(decomposed)).toBe(1);
    expect(characterCount(composed.repeat(10))).toBe(10);
    // Exactly at the limit passes even when typed decomposed; one over is refused.
    expect(code(decomposed.repeat(MAX))).toBeNull();
    expect(code('a'.repeat(MAX + 1))).toBe('TEXT_TOO_LONG');
  });

  it('says how long the text is and what the limit is', () => {
    const r = checkBulletinText('a'.repeat(5001), MAX)!;
    expect(r.messageVi).toBe('«Nội dung bản tin» dài 5.001 ký tự, vượt quá giới hạn 5.000 ký tự.');
    expect(r.message).toBe('text: 5001 characters, over the limit of 5000');
  });

  it.each(['<b>Khẩn</b> cấp', 'Mưa lớn<br/>', 'Xem <a href="http://x">đây</a>', '<p class="x">UBND</p>', '<!-- ghi chú --> Thông báo', 'Mưa&nbsp;lớn', 'Trích &#8220;Thông báo&#8221;', '<script>alert(1)</script>'])(
    'refuses markup: %s',
    (text) => {
      const r = checkBulletinText(text, MAX)!;
      expect(r.code).toBe('TEXT_MARKUP');
      expect(r.messageVi).toMatch(/^«Nội dung bản tin» có mã định dạng HTML \(.+\)\. Hãy gửi văn bản thuần/);
    },
  );

  it.each(['...', '!!! ??? ---', '* * *', '“ ” — …', '🙂🔊'])('refuses text with nothing to say: %s', (text) => {
    expect(code(text)).toBe('TEXT_NOT_SPEAKABLE');
    expect(checkBulletinText(text, MAX)!.messageVi).toBe('«Nội dung bản tin» không có chữ hoặc số nào để đọc.');
  });
});
