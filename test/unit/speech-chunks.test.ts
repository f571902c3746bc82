import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_CHARS, normaliseForSpeech, PAUSE_MS, speechChunks, type SpeechChunk } from '../../src/domain/speech/index.js';

const P = PAUSE_MS;

describe('speechChunks', () => {
  const cases: readonly [name: string, input: string, chunks: SpeechChunk[]][] = [
    ['empty text has nothing to say', '', []],
    ['blank text has nothing to say', ' \n\n \t', []],
    ['one sentence, no pause after the last', 'Trân trọng thông báo.', [{ text: 'Trân trọng thông báo.', pauseAfterMs: 0 }]],
    ['text without a final mark', 'Trân trọng thông báo', [{ text: 'Trân trọng thông báo', pauseAfterMs: 0 }]],
    [
      'sentences get the long pause, clauses the short ones',
      'Mưa to, gió mạnh; biển động: cấp sáu. Người dân chú ý! Đã rõ chưa? Hết.',
      [
        { text: 'Mưa to,', pauseAfterMs: P.comma },
        { text: 'gió mạnh;', pauseAfterMs: P.semicolon },
        { text: 'biển động:', pauseAfterMs: P.colon },
        { text: 'cấp sáu.', pauseAfterMs: P.sentence },
        { text: 'Người dân chú ý!', pauseAfterMs: P.sentence },
        { text: 'Đã rõ chưa?', pauseAfterMs: P.sentence },
        { text: 'Hết.', pauseAfterMs: 0 },
      ],
    ],
    [
      'a paragraph break is the longest pause',
      'Bản tin thời tiết.\n\nSáng nay trời rét.',
      [
        { text: 'Bản tin thời tiết.', pauseAfterMs: P.paragraph },
        { text: 'Sáng nay trời rét.', pauseAfterMs: 0 },
      ],
    ],
    [
      'a heading line without a mark still ends a sentence',
      'Chuyên mục chuyển đổi số\nChuyển đổi số giúp người dân.',
      [
        { text: 'Chuyên mục chuyển đổi số', pauseAfterMs: P.line },
        { text: 'Chuyển đổi số giúp người dân.', pauseAfterMs: 0 },
      ],
    ],
    [
      'list bullets are not read, the line end is a sentence end',
      'Cần mang theo:\n- căn cước công dân;\n- sổ tiêm chủng\n\nTrân trọng.',
      [
        { text: 'Cần mang theo:', pauseAfterMs: P.line },
        { text: 'căn cước công dân;', pauseAfterMs: P.line },
        { text: 'sổ tiêm chủng', pauseAfterMs: P.paragraph },
        { text: 'Trân trọng.', pauseAfterMs: 0 },
      ],
    ],
    [
      'a spaced dash is a short pause and is not read; a dash inside a word stays',
      'Chuyển đổi số — số mười một. Độc lập - Tự do - Hạnh phúc. Kinh tế-xã hội.',
      [
        { text: 'Chuyển đổi số', pauseAfterMs: P.dash },
        { text: 'số mười một.', pauseAfterMs: P.sentence },
        { text: 'Độc lập', pauseAfterMs: P.dash },
        { text: 'Tự do', pauseAfterMs: P.dash },
        { text: 'Hạnh phúc.', pauseAfterMs: P.sentence },
        { text: 'Kinh tế-xã hội.', pauseAfterMs: 0 },
      ],
    ],
    [
      'closing quotes and brackets stay with their sentence',
      '«Bản tin khẩn.» (Phát ngay.) Hết.',
      [
        { text: '«Bản tin khẩn.»', pauseAfterMs: P.sentence },
        { text: '(Phát ngay.)', pauseAfterMs: P.sentence },
        { text: 'Hết.', pauseAfterMs: 0 },
      ],
    ],
    [
      'an ellipsis ends a sentence',
      'Còn nữa... Hẹn gặp lại…',
      [
        { text: 'Còn nữa...', pauseAfterMs: P.sentence },
        { text: 'Hẹn gặp lại…', pauseAfterMs: 0 },
      ],
    ],
    [
      'pieces with nothing to say give their pause to the piece before',
      'Chú ý! ... Lũ lên nhanh. !!\n\n—\n\nHết.',
      [
        { text: 'Chú ý!', pauseAfterMs: P.sentence },
        { text: 'Lũ lên nhanh.', pauseAfterMs: P.paragraph },
        { text: 'Hết.', pauseAfterMs: 0 },
      ],
    ],
    [
      'a mark not followed by a space does not cut',
      'Địa chỉ loaxa.vn,thôn Một.',
      [{ text: 'Địa chỉ loaxa.vn,thôn Một.', pauseAfterMs: 0 }],
    ],
    [
      'whitespace inside a piece is collapsed',
      '  Mưa   to\tở  vùng núi.  ',
      [{ text: 'Mưa to ở vùng núi.', pauseAfterMs: 0 }],
    ],
    ['Windows line ends count as line ends', 'Dòng một\r\n\r\nDòng hai', [
      { text: 'Dòng một', pauseAfterMs: P.paragraph },
      { text: 'Dòng hai', pauseAfterMs: 0 },
    ]],
  ];
  for (const [name, input, chunks] of cases) it(name, () => expect(speechChunks(input)).toEqual(chunks));

  it('orders the pauses as a reader would: paragraph > sentence > ; > : > , and dash > breath', () => {
    expect(P.paragraph).toBeGreaterThan(P.sentence);
    expect(P.sentence).toBeGreaterThan(P.semicolon);
    expect(P.semicolon).toBeGreaterThan(P.colon);
    expect(P.colon).toBeGreaterThan(P.comma);
    expect(P.comma).toBeGreaterThan(P.breath);
  });

  it('cuts an overlong clause at spaces with only a breath between the parts', () => {
    const words = Array.from({ length: 200 }, (_, i) => (i % 2 ? 'mưa' : 'lớn')).join(' ');
    const chunks = speechChunks(`${words}. Hết.`);
    const parts = chunks.slice(0, -1);
    expect(parts.length).toBeGreaterThan(1);
    for (const c of parts) expect(c.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
    for (const c of parts.slice(0, -1)) expect(c.pauseAfterMs).toBe(P.breath);
    expect(parts.at(-1)!.pauseAfterMs).toBe(P.sentence);
    expect(parts.map((c) => c.text).join(' ')).toBe(`${words}.`);
    for (const c of parts) expect(c.text).toMatch(/^(lớn|mưa)( (lớn|mưa))*\.?$/);
  });

  it('cuts a run without spaces at the limit rather than never', () => {
    const chunks = speechChunks('a'.repeat(MAX_CHUNK_CHARS * 2 + 5));
    expect(chunks.map((c) => c.text.length)).toEqual([MAX_CHUNK_CHARS, MAX_CHUNK_CHARS, 5]);
  });

  it('loses no words: the chunks put together are the text', () => {
    const text = normaliseForSpeech(
      'UBND xã Tả Van thông báo: từ 7h30 đến 11h00 ngày 15/12/2026 (Thứ 3), tổ chức tiêm vắc xin.\n\nMọi thông tin xin liên hệ ĐT: 0912.345.678. Trân trọng!',
    );
    const chunks = speechChunks(text);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(chunks.flatMap((c) => words(c.text))).toEqual(words(text));
    expect(chunks.every((c) => c.text.trim() === c.text && c.text.length > 0)).toBe(true);
  });

  it('reads a real bulletin sentence by sentence', () => {
    const bulletin = [
      'BẢN TIN CẢNH BÁO LŨ',
      '',
      'Mực nước sông Hồng tại Hà Nội lúc 7h ngày 12/12/2026 là 3,5 m. Lượng mưa phổ biến 100-150 mm, có nơi trên 200 mm.',
      '',
      'Khi cần, gọi ngay 114 hoặc 115.',
    ].join('\n');
    expect(speechChunks(normaliseForSpeech(bulletin))).toEqual([
      { text: 'BẢN TIN CẢNH BÁO LŨ', pauseAfterMs: P.paragraph },
      {
        text: 'Mực nước sông Hồng tại Hà Nội lúc bảy giờ ngày mười hai tháng mười hai năm hai nghìn không trăm hai mươi sáu là ba phẩy năm mét.',
        pauseAfterMs: P.sentence,
      },
      { text: 'Lượng mưa phổ biến một trăm đến một trăm năm mươi mi li mét,', pauseAfterMs: P.comma },
      { text: 'có nơi trên hai trăm mi li mét.', pauseAfterMs: P.paragraph },
      { text: 'Khi cần,', pauseAfterMs: P.comma },
      { text: 'gọi ngay một một bốn hoặc một một năm.', pauseAfterMs: 0 },
    ]);
  });
});
