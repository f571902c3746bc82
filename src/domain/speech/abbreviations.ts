/** Abbreviations of Vietnamese public administration, expanded so the synthesiser does not spell them out letter by
 *  letter. Matched case-sensitively and as whole words: "UBND" but not the "ND" inside it. */
import { escapeRegExp } from './context.js';

export const DEFAULT_ABBREVIATIONS: Readonly<Record<string, string>> = Object.freeze({
  // bodies of the commune, province and state
  UBND: 'ủy ban nhân dân',
  HĐND: 'hội đồng nhân dân',
  MTTQ: 'mặt trận tổ quốc',
  UBMTTQ: 'ủy ban mặt trận tổ quốc',
  UBMTTQVN: 'ủy ban mặt trận tổ quốc Việt Nam',
  BCH: 'ban chỉ huy',
  BCĐ: 'ban chỉ đạo',
  BTV: 'ban thường vụ',
  HTX: 'hợp tác xã',
  CLB: 'câu lạc bộ',
  LHPN: 'liên hiệp phụ nữ',
  CCB: 'cựu chiến binh',
  TNCS: 'thanh niên cộng sản',
  CAND: 'công an nhân dân',
  QĐND: 'quân đội nhân dân',
  TW: 'trung ương',
  // culture, information and the radio's own columns
  VHTT: 'văn hóa thông tin',
  'VH-TT': 'văn hóa thông tin',
  'TT&DL': 'thể thao và du lịch',
  'VHTT&DL': 'văn hóa, thể thao và du lịch',
  VHTTDL: 'văn hóa, thể thao và du lịch',
  'VH,TT&DL': 'văn hóa, thể thao và du lịch',
  TTTT: 'thông tin và truyền thông',
  'TT&TT': 'thông tin và truyền thông',
  CĐS: 'chuyển đổi số',
  CNTT: 'công nghệ thông tin',
  DVC: 'dịch vụ công',
  DVCTT: 'dịch vụ công trực tuyến',
  // disasters and safety
  PCTT: 'phòng chống thiên tai',
  TKCN: 'tìm kiếm cứu nạn',
  PCCC: 'phòng cháy chữa cháy',
  BĐ: 'báo động',
  KTTV: 'khí tượng thủy văn',
  ATGT: 'an toàn giao thông',
  CSGT: 'cảnh sát giao thông',
  ANTT: 'an ninh trật tự',
  ATTP: 'an toàn thực phẩm',
  // schools, health, welfare
  THCS: 'trung học cơ sở',
  THPT: 'trung học phổ thông',
  'GD&ĐT': 'giáo dục và đào tạo',
  GDĐT: 'giáo dục và đào tạo',
  BHYT: 'bảo hiểm y tế',
  BHXH: 'bảo hiểm xã hội',
  CCCD: 'căn cước công dân',
  CMND: 'chứng minh nhân dân',
  // economy and land
  'KT-XH': 'kinh tế - xã hội',
  KTXH: 'kinh tế - xã hội',
  'NN&PTNT': 'nông nghiệp và phát triển nông thôn',
  NTM: 'nông thôn mới',
  'TN&MT': 'tài nguyên và môi trường',
  TNMT: 'tài nguyên và môi trường',
  GTVT: 'giao thông vận tải',
  'KH&CN': 'khoa học và công nghệ',
  SXKD: 'sản xuất kinh doanh',
  // places
  'TP.HCM': 'thành phố Hồ Chí Minh',
  'TP. HCM': 'thành phố Hồ Chí Minh',
  HCM: 'Hồ Chí Minh',
  'TP.': 'thành phố',
  TP: 'thành phố',
  'Tp.': 'thành phố',
  Tp: 'thành phố',
  'TX.': 'thị xã',
  'Q.': 'quận',
  'P.': 'phường',
  VN: 'Việt Nam',
  ĐBSCL: 'đồng bằng sông Cửu Long',
  // people and contact
  'Đ/c': 'đồng chí',
  'đ/c': 'đồng chí',
  ThS: 'thạc sĩ',
  PGS: 'phó giáo sư',
  GS: 'giáo sư',
  BS: 'bác sĩ',
  SĐT: 'số điện thoại',
  ĐT: 'điện thoại',
  // running text
  'v.v.': 'vân vân',
  'v.v': 'vân vân',
});

const ALNUM = /[\p{L}\p{N}]/u;
const cache = new WeakMap<object, RegExp | null>();

function matcher(table: Readonly<Record<string, string>>): RegExp | null {
  let re = cache.get(table);
  if (re !== undefined) return re;
  const keys = Object.keys(table).filter(Boolean).sort((a, b) => b.length - a.length);
  // A key ending in "." or "&" may touch what follows ("TP.HCM", "Q.1"); one ending in a letter must not run into a
  // letter ("UBNDx") but may run into a digit ("BĐ3" is alarm level 3).
  re = keys.length
    ? new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${keys.map((k) => escapeRegExp(k) + (ALNUM.test(k.at(-1)!) ? '(?!\\p{L})' : '')).join('|')})`,
        'gu',
      )
    : null;
  cache.set(table, re);
  return re;
}

export function expandAbbreviations(text: string, table: Readonly<Record<string, string>>): string {
  const re = matcher(table);
  if (!re) return text;
  return text.replace(re, (key: string, offset: number, whole: string) => {
    const reading = table[key] ?? key;
    if (!key.endsWith('.')) return reading;
    // The dot of "TP." may also end the sentence: keep it at the end of a line, and after a lower-case abbreviation
    // ("v.v.") when a capital follows; an upper-case one ("TP.", "Q.") goes before a name, as in "TP. Hà Nội".
    const after = whole.slice(offset + key.length);
    const endsLine = /^[ \t]*(?:\n|$)/.test(after);
    const endsSentence = /^[ \t]+\p{Lu}/u.test(after) && /^\p{Ll}/u.test(key);
    return endsLine || endsSentence ? `${reading}.` : reading;
  });
}
