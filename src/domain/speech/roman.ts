/** Roman numerals, only where the word before makes them numerals: "Quý IV", "khóa XV", "lần thứ III", "Chương II".
 *  A lone "I" or a word such as "MIX" or "CD" is left alone. */
import { afterPhrase } from './context.js';
import { readInteger, readOrdinal } from './numbers.js';

const CONTEXT = new Set([
  'quý', 'khóa', 'khoá', 'chương', 'phần', 'mục', 'tiểu mục', 'tập', 'kỳ', 'kì', 'đợt', 'vòng', 'hạng', 'loại', 'cấp',
  'nhóm', 'bài', 'lần', 'thứ', 'phụ lục', 'thế kỷ', 'thế kỉ', 'đại hội', 'học kỳ', 'học kì', 'giai đoạn', 'khu vực',
  'quân khu', 'phương án', 'kỳ họp', 'báo động',
]);

const CANONICAL = /^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;
const VALUES: Readonly<Record<string, number>> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
const TOKEN = /(?<![\p{L}\p{N}])([IVXLCDM]+)(?:\/(\d{4}))?(?![\p{L}\p{N}])/gu;

/** The value of a well-formed Roman numeral, or null ("IIII", "VX" and "" are not numerals). */
export function romanValue(s: string): number | null {
  if (!s || !CANONICAL.test(s)) return null;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = VALUES[s[i]!]!;
    const next = VALUES[s[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

export function expandRomanNumerals(text: string): string {
  return text.replace(TOKEN, (match, roman: string, year: string | undefined, offset: number, whole: string) => {
    const value = romanValue(roman);
    if (value === null || !afterPhrase(whole, offset, CONTEXT, 2)) return match;
    const ordinal = afterPhrase(whole, offset, new Set(['thứ']), 1);
    const spoken = ordinal ? readOrdinal(value) : readInteger(String(value));
    // "Quý IV/2026": the fourth quarter of 2026.
    return year ? `${spoken} năm ${readInteger(year)}` : spoken;
  });
}
