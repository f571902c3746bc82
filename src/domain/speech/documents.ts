/** Reference numbers of official documents, read the way announcers do: "Thông tư 39/2020/TT-BTTTT" → "Thông tư ba
 *  mươi chín năm hai nghìn không trăm hai mươi của Bộ Thông tin và Truyền thông". The type code ("TT", "NĐ", "QĐ")
 *  repeats the word before the number, so it is not read; the issuer is. */
import { readInteger } from './numbers.js';

const DOCUMENT_TYPES = new Set([
  'TT', 'NĐ', 'QĐ', 'KH', 'CV', 'CT', 'NQ', 'TB', 'BC', 'HD', 'TTr', 'QC', 'KL', 'PA', 'GM', 'GP', 'HĐ', 'L', 'PL', 'TTLT', 'CĐ',
]);

const ISSUERS: Readonly<Record<string, string>> = {
  CP: 'Chính phủ',
  TTg: 'Thủ tướng Chính phủ',
  VPCP: 'Văn phòng Chính phủ',
  BTTTT: 'Bộ Thông tin và Truyền thông',
  BVHTTDL: 'Bộ Văn hóa, Thể thao và Du lịch',
  BNNPTNT: 'Bộ Nông nghiệp và Phát triển nông thôn',
  BNNMT: 'Bộ Nông nghiệp và Môi trường',
  BKHCN: 'Bộ Khoa học và Công nghệ',
  BTC: 'Bộ Tài chính',
  BYT: 'Bộ Y tế',
  BGDĐT: 'Bộ Giáo dục và Đào tạo',
  BCA: 'Bộ Công an',
  BQP: 'Bộ Quốc phòng',
  BNV: 'Bộ Nội vụ',
  BTNMT: 'Bộ Tài nguyên và Môi trường',
  TU: 'Tỉnh ủy',
  HU: 'Huyện ủy',
  ĐU: 'Đảng ủy',
  TW: 'Trung ương',
  BCĐ: 'Ban Chỉ đạo',
};

const REFERENCE = /(?<![\d/.,])(\d{1,5})(?:\/(\d{4}))?\/([A-ZĐ][\p{L}\d&]*(?:-[\p{L}\d&]+)*)/gu;

function readIssuer(code: string, table: Readonly<Record<string, string>>): string {
  const known = ISSUERS[code] ?? table[code];
  if (known) return known;
  const congress = /^QH(\d{1,2})$/.exec(code);
  if (congress) return `Quốc hội khóa ${readInteger(congress[1]!)}`;
  return code;
}

export function expandDocumentNumbers(text: string, table: Readonly<Record<string, string>>): string {
  return text.replace(REFERENCE, (_m, num: string, year: string | undefined, code: string) => {
    const parts = code.split('-');
    const issuers = DOCUMENT_TYPES.has(parts[0]!) ? parts.slice(1) : parts;
    const out = [readInteger(num)];
    if (year) out.push('năm', readInteger(year));
    if (issuers.length) out.push('của', issuers.map((p) => readIssuer(p, table)).join(' '));
    return ` ${out.join(' ')} `;
  });
}
