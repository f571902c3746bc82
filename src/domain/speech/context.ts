/** Looking at the words just before a match, which is how a reader tells "Quý IV" from "MIX" or "ngày 5/9" from "2/3". */

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const SPACE = /[ \t]/;

/** Up to `max` words that end right before `offset`, separated only by spaces (punctuation ends the phrase), in text
 *  order and lower-cased. Empty when the match is glued to a word or follows punctuation. */
export function precedingWords(text: string, offset: number, max: number): string[] {
  const words: string[] = [];
  let i = offset;
  while (words.length < max) {
    let j = i;
    while (j > 0 && SPACE.test(text[j - 1]!)) j--;
    if (j === i) break;
    let k = j;
    while (k > 0 && WORD_CHAR.test(text[k - 1]!)) k--;
    if (k === j) break;
    words.unshift(text.slice(k, j).toLocaleLowerCase('vi'));
    i = k;
  }
  return words;
}

/** Whether the phrase just before `offset` ends with one of `phrases` (each one to `maxWords` words). */
export function afterPhrase(text: string, offset: number, phrases: ReadonlySet<string>, maxWords = 2): boolean {
  const words = precedingWords(text, offset, maxWords);
  for (let n = 1; n <= words.length; n++) {
    if (phrases.has(words.slice(-n).join(' '))) return true;
  }
  return false;
}

/** Whether one of `phrases` occurs in the same line within `window` characters before `offset`. */
export function nearBefore(text: string, offset: number, phrases: readonly string[], window = 40): boolean {
  const start = Math.max(0, offset - window);
  const line = text.slice(start, offset).split('\n').pop() ?? '';
  const lower = line.toLocaleLowerCase('vi');
  return phrases.some((p) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(p)}(?![\\p{L}\\p{N}])`, 'u').test(lower));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
