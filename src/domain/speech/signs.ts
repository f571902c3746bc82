/** Signs between and before numbers: ranges ("5-7" → "5 đến 7"), minus ("-5°C" → "âm 5°C"), comparisons ("~200",
 *  ">100") and ratios ("2/3" → "2 trên 3"). Runs before numbers are read, so it works on digits. */
import { afterPhrase } from './context.js';
import { UNIT_PATTERN } from './units.js';

// A dash is a range only between two numbers on one line (a clock time or a unit may sit on the left: "7h-9h",
// "20°C–25°C", "100mm-150mm"); "COVID-19" and "KH-UBND" have a letter on the left and stay.
const RANGE = new RegExp(String.raw`(?<=\d(?:[hH]\d{0,2}|[ \t]?${UNIT_PATTERN})?)[ \t]*[-–—][ \t]*(?=[-−]?\d)`, 'gu');
const TRUE_MINUS = /(?<![\p{L}\p{N}])−[ \t]?(?=\d)/gu;
const HYPHEN_MINUS = /(?<![\p{L}\p{N}.,])-(?=\d)/gu;
// "-2°C", and the first end of "-2 đến 0°C" (the range dash is already "đến" here).
const NEGATIVE_AFTER = /^\d+(?:[.,]\d+)*(?:[ \t]*(?:đến|tới)[ \t]*[-−]?\d+(?:[.,]\d+)*)?[ \t]*(?:°C|ºC|℃|oC|°|độ)/u;
const MINUS_CONTEXT = new Set([
  'đến', 'tới', 'từ', 'xuống', 'là', 'còn', 'khoảng', 'mức', 'độ', 'dưới', 'giảm', 'nhiệt độ', 'âm', 'trừ', 'bằng',
]);

export function expandSigns(text: string): string {
  return (
    text
      .replace(RANGE, ' đến ')
      .replace(TRUE_MINUS, ' âm ')
      // A hyphen before a number is a minus only where it is plainly one: before a temperature, or after a word such
      // as "đến", "xuống". A list item "-5 hộ" stays a dash.
      .replace(HYPHEN_MINUS, (m: string, offset: number, whole: string) =>
        NEGATIVE_AFTER.test(whole.slice(offset + 1)) || afterPhrase(whole, offset, MINUS_CONTEXT, 2) ? ' âm ' : m,
      )
      .replace(/(?:≥|>=)[ \t]*(?=[-−]?\d|âm )/gu, ' lớn hơn hoặc bằng ')
      .replace(/(?:≤|<=)[ \t]*(?=[-−]?\d|âm )/gu, ' nhỏ hơn hoặc bằng ')
      .replace(/>[ \t]*(?=\d|âm )/gu, ' trên ')
      .replace(/<[ \t]*(?=\d|âm )/gu, ' dưới ')
      .replace(/~[ \t]*(?=\d)/gu, ' khoảng ')
      .replace(/±[ \t]*(?=\d)/gu, ' cộng trừ ')
      .replace(/(?<=\d)[ \t]*\/[ \t]*(?=\d)/gu, ' trên ')
      // "COVID-19", "3G-4G": a hyphen between a word and a number is just a gap when spoken.
      .replace(/(?<=\p{L})-(?=\d)|(?<=\d)-(?=\p{L})/gu, ' ')
  );
}

