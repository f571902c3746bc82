/** Numbers whose reading depends on the word before: "thứ 4" → "thứ tư", "lần thứ 1" → "lần thứ nhất",
 *  "giải 2" → "giải nhì", "tháng 4" → "tháng tư". */
import { readMonth, readOrdinal } from './numbers.js';

const ORDINAL = /(?<![\p{L}\p{N}])(thứ|hạng|giải)[ \t]+(\d{1,3})(?![\p{L}\p{N}]|[.,/:\-–]\d)/giu;
const MONTH = /(?<![\p{L}\p{N}])(tháng)[ \t]+(\d{1,2})(?![\p{L}\p{N}]|[.,/:\-–]\d)/giu;

export function expandOrdinals(text: string): string {
  return text
    .replace(ORDINAL, (_m, word: string, n: string) => {
      // Prizes and ranks say "nhì" for second; days of the week and "lần thứ" say "hai".
      const rank = word.toLocaleLowerCase('vi') !== 'thứ' && Number(n) === 2;
      return `${word} ${rank ? 'nhì' : readOrdinal(Number(n))}`;
    })
    .replace(MONTH, (m, word: string, n: string) => {
      const month = Number(n);
      return month >= 1 && month <= 12 ? `${word} ${readMonth(month)}` : m;
    });
}
