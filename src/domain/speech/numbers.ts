/** Reading numbers aloud in Vietnamese (northern conventions: "linh", "nghìn", "mốt"/"tư"/"lăm" after "mươi"). */

const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

// Beyond this a figure is an identifier (a code, an account number), and nobody says "một tỷ tỷ".
const MAX_SPOKEN_DIGITS = 18;

function digitWord(d: number): string {
  return DIGIT_WORDS[d] ?? '';
}

/** "0912" → "không chín một hai": each digit on its own, as phone numbers and codes are read. */
export function readDigits(digits: string): string {
  return [...digits].filter((c) => c >= '0' && c <= '9').map((c) => digitWord(Number(c))).join(' ');
}

/** One group of three digits. `inner` is true when a higher group was already spoken, so "005" must still say
 *  "không trăm linh năm" (1.005 is "một nghìn không trăm linh năm", not "một nghìn năm"). */
function readTriple(n: number, inner: boolean): string {
  const h = Math.floor(n / 100);
  const t = Math.floor(n / 10) % 10;
  const u = n % 10;
  const out: string[] = [];
  const saysHundreds = inner || h > 0;
  if (saysHundreds) out.push(digitWord(h), 'trăm');
  if (t === 0) {
    if (u > 0) {
      if (saysHundreds) out.push('linh');
      out.push(digitWord(u));
    }
  } else if (t === 1) {
    out.push('mười');
    if (u > 0) out.push(u === 5 ? 'lăm' : digitWord(u));
  } else {
    out.push(digitWord(t), 'mươi');
    if (u === 1) out.push('mốt');
    else if (u === 4) out.push('tư');
    else if (u === 5) out.push('lăm');
    else if (u > 0) out.push(digitWord(u));
  }
  return out.join(' ');
}

const GROUP_NAMES = ['triệu', 'nghìn', ''] as const;

function readBelowBillion(digits: string, inner: boolean): string {
  const padded = digits.padStart(9, '0');
  const out: string[] = [];
  let spokenBefore = inner;
  for (let g = 0; g < 3; g++) {
    const value = Number(padded.slice(g * 3, g * 3 + 3));
    // A whole group of zeros is skipped: 1.000.500 is "một triệu năm trăm".
    if (value === 0) continue;
    const name = GROUP_NAMES[g] ?? '';
    out.push(name ? `${readTriple(value, spokenBefore)} ${name}` : readTriple(value, spokenBefore));
    spokenBefore = true;
  }
  return out.join(' ');
}

/** A non-negative integer given as its digits: "105" → "một trăm linh năm", "2026" → "hai nghìn không trăm hai mươi sáu". */
export function readInteger(digits: string): string {
  const s = digits.replace(/^0+/, '');
  if (s === '') return 'không';
  if (s.length > MAX_SPOKEN_DIGITS) return readDigits(s);
  if (s.length <= 9) return readBelowBillion(s, false);
  // Recursing on the billions keeps 2.500 tỷ as "hai nghìn năm trăm tỷ" rather than "hai nghìn tỷ năm trăm tỷ".
  const high = `${readInteger(s.slice(0, -9))} tỷ`;
  const low = readBelowBillion(s.slice(-9), true);
  return low ? `${high} ${low}` : high;
}

/** The part after "phẩy": short parts as a number ("75" → "bảy mươi lăm"), leading zeros one by one ("05" → "không
 *  năm"), long parts digit by digit, as people read them. */
export function readFraction(digits: string): string {
  const lead = /^0*/.exec(digits)?.[0] ?? '';
  const rest = digits.slice(lead.length);
  const out: string[] = [...lead].map(() => 'không');
  if (rest) out.push(rest.length <= 3 ? readInteger(rest) : readDigits(rest));
  return out.join(' ');
}

export function readDecimal(intDigits: string, fracDigits: string): string {
  return `${readInteger(intDigits)} phẩy ${readFraction(fracDigits)}`;
}

const VI_THOUSANDS = /^\d{1,3}(?:\.\d{3})+(?:,(\d+))?$/;
const EN_THOUSANDS = /^\d{1,3}(?:,\d{3}){2,}(?:\.(\d+))?$/;

/** A number as written in a Vietnamese text: "." groups thousands ("1.000.000", "2.500"), "," marks decimals ("12,75").
 *  A lone "." followed by other than three digits can only be a decimal point ("3.5"); "1,000,000" with several comma
 *  groups is the English habit. A leading zero means a code ("05", "007"), read digit by digit. */
export function readNumberToken(token: string): string {
  let m = VI_THOUSANDS.exec(token);
  if (m) {
    const int = token.split(',')[0]!.replaceAll('.', '');
    return m[1] !== undefined ? readDecimal(int, m[1]) : readInteger(int);
  }
  m = EN_THOUSANDS.exec(token);
  if (m) {
    const int = token.split('.')[0]!.replaceAll(',', '');
    return m[1] !== undefined ? readDecimal(int, m[1]) : readInteger(int);
  }
  m = /^(\d+)[.,](\d+)$/.exec(token);
  if (m) return readDecimal(m[1]!, m[2]!);
  if (/^\d+$/.test(token)) return token.length > 1 && token.startsWith('0') ? readDigits(token) : readInteger(token);
  // "1.2.3" and the like: section numbers, read part by part.
  return token
    .split(/[.,]/)
    .filter(Boolean)
    .map((p) => readInteger(p))
    .join(' chấm ');
}

/** After "thứ": 1 is "nhất" and 4 is "tư" ("thứ nhất", "thứ tư", "lần thứ ba", "Thứ hai" for Monday). */
export function readOrdinal(n: number): string {
  if (n === 1) return 'nhất';
  if (n === 4) return 'tư';
  return readInteger(String(n));
}

/** After "tháng": April is "tháng tư". */
export function readMonth(m: number): string {
  return m === 4 ? 'tư' : readInteger(String(m));
}

/** Numbers left after every special reading: plain figures in running text. */
export const NUMBER_TOKEN = String.raw`\d+(?:[.,]\d+)*`;

// "1 000 000": thousands grouped by spaces, as some typists do. Phone numbers are already words by now.
const SPACED_THOUSANDS = /(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d]|[.,]\d)/g;

export function expandNumbers(text: string): string {
  return text
    .replace(SPACED_THOUSANDS, (tok) => ` ${readInteger(tok.replaceAll(' ', ''))} `)
    .replace(new RegExp(NUMBER_TOKEN, 'g'), (tok) => ` ${readNumberToken(tok)} `);
}
