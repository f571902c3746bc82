/** Dates and clock times as a Vietnamese reader says them: "ngày mười hai tháng mười hai năm hai nghìn không trăm
 *  hai mươi sáu", "mười bảy giờ ba mươi phút". */
import { afterPhrase, precedingWords } from './context.js';
import { readInteger, readMonth } from './numbers.js';

// Marks the end of a date reading inside one pass, so that "1/7/2025 - 5/7/2025" can become "… đến ngày …" without
// mistaking every dash after a date for a range. Private-use: never in real input, removed before the pass returns.
const DATE_END = '\uE000';

const DAY_WORDS = new Set(['ngày', 'mùng', 'mồng']);
// Words after which a bare d/m is a date: "sáng 5/9", "đêm 12/12". Elsewhere "2/3" is a ratio ("phát lại 2/3").
// After any of them the reading does not add "ngày": "đêm ngày 10" would sound like "day and night".
const DAY_MONTH_CONTEXT = new Set([...DAY_WORDS, 'hôm', 'sáng', 'trưa', 'chiều', 'tối', 'đêm', 'khuya', 'rạng sáng']);

function validDate(d: number, m: number): boolean {
  return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

function readDayMonth(d: number, m: number, withDayWord: boolean): string {
  return `${withDayWord ? 'ngày ' : ''}${readInteger(String(d))} tháng ${readMonth(m)}`;
}

function readYear(y: string): string {
  return readInteger(y);
}

/** "17", "30" → "mười bảy giờ ba mươi phút"; a zero minute is not said ("7:00" → "bảy giờ"). */
export function readTime(h: string, m?: string, s?: string): string {
  const out = [`${readInteger(h)} giờ`];
  if (m !== undefined && Number(m) > 0) out.push(`${readInteger(m)} phút`);
  if (s !== undefined && Number(s) > 0) out.push(`${readInteger(s)} giây`);
  return out.join(' ');
}

function validTime(h: string, m?: string, s?: string): boolean {
  return Number(h) <= 24 && (m === undefined || Number(m) <= 59) && (s === undefined || Number(s) <= 59);
}

const NOT_AFTER = String.raw`(?![\d/]|[.,]\d)`;
const TIME_AFTER_DATE = String.raw`(?:[ \t]+(?<at>lúc[ \t]+)?(?<th>\d{1,2})(?::(?<tm>\d{2})|[hH](?<tm2>\d{2})?)(?![\p{L}\d]|[.,:]\d))?`;

const DAY_RANGE = new RegExp(String.raw`(?<![\d/.,\-])(?<d1>\d{1,2})[ \t]*[-–][ \t]*(?<d2>\d{1,2})\/(?<m>\d{1,2})(?:\/(?<y>\d{4}))?${NOT_AFTER}`, 'gu');
const FULL_DATE = new RegExp(String.raw`(?<![\d/.,\-])(?<d>\d{1,2})(?<sep>[/.\-])(?<m>\d{1,2})\k<sep>(?<y>\d{4})${NOT_AFTER}${TIME_AFTER_DATE}`, 'gu');
const DAY_MONTH = new RegExp(String.raw`(?<![\d/.,\-])(?<d>\d{1,2})\/(?<m>\d{1,2})${NOT_AFTER}`, 'gu');
const MONTH_YEAR = new RegExp(String.raw`(?<![\d/.,\-])(?<m>\d{1,2})\/(?<y>\d{4})${NOT_AFTER}`, 'gu');
const RANGE_JOIN = new RegExp(String.raw`${DATE_END}[ \t]*[-–—][ \t]*(?=ngày|mùng|tháng)`, 'gu');

type Groups = Record<string, string | undefined>;

/** String.replace callbacks with named groups get (match, ...captures, offset, whole, groups). */
function replaceNamed(text: string, re: RegExp, fn: (g: Groups, match: string, offset: number, whole: string) => string): string {
  return text.replace(re, (...args: unknown[]) => {
    const groups = args.at(-1) as Groups;
    const whole = args.at(-2) as string;
    const offset = args.at(-3) as number;
    return fn(groups, args[0] as string, offset, whole);
  });
}

export function expandDates(text: string): string {
  let s = replaceNamed(text, DAY_RANGE, (g, match, offset, whole) => {
    const d1 = Number(g.d1), d2 = Number(g.d2), m = Number(g.m);
    if (!afterPhrase(whole, offset, DAY_WORDS, 1) || !validDate(d1, m) || !validDate(d2, m) || d1 >= d2) return match;
    const year = g.y ? ` năm ${readYear(g.y)}` : '';
    return ` ${readInteger(String(d1))} đến ${readDayMonth(d2, m, false)}${year}${DATE_END}`;
  });

  s = replaceNamed(s, FULL_DATE, (g, match, offset, whole) => {
    const d = Number(g.d), m = Number(g.m);
    if (!validDate(d, m)) return match;
    const hasDayWord = afterPhrase(whole, offset, DAY_MONTH_CONTEXT, 2);
    const date = `${readDayMonth(d, m, !hasDayWord)} năm ${readYear(g.y!)}`;
    const minutes = g.tm ?? g.tm2;
    if (g.th === undefined) return ` ${date}${DATE_END}`;
    if (!validTime(g.th, minutes)) return ` ${date}${DATE_END}${match.slice(match.indexOf(g.y!) + 4)}`;
    const time = readTime(g.th, minutes);
    // "lúc 01/12/2026 14:30" is said time first: "lúc mười bốn giờ ba mươi phút ngày một tháng mười hai …".
    if (!hasDayWord && precedingWords(whole, offset, 1)[0] === 'lúc') {
      return ` ${time} ${readDayMonth(d, m, true)} năm ${readYear(g.y!)}${DATE_END}`;
    }
    return ` ${date}${DATE_END} lúc ${time}`;
  });

  s = replaceNamed(s, DAY_MONTH, (g, match, offset, whole) => {
    const d = Number(g.d), m = Number(g.m);
    if (!validDate(d, m)) return match;
    const before = whole.slice(Math.max(0, offset - 40), offset);
    const after = whole.slice(offset + match.length, offset + match.length + 20);
    const inContext =
      afterPhrase(whole, offset, DAY_MONTH_CONTEXT, 2) ||
      // the second end of a range whose first end is a date: "ngày 5/9 - 7/9", "từ ngày 5/9 đến 7/9"
      new RegExp(String.raw`(?:${DATE_END}|\d{1,2}\/\d{1,2}|\d{4})[ \t]*(?:[-–—]|đến|tới|và|hoặc|,)[ \t]*$`, 'u').test(before) ||
      // the first end of "từ 5/9 đến 7/9"
      (afterPhrase(whole, offset, new Set(['từ']), 1) && /^[ \t]*(?:[-–—]|đến|tới)[ \t]*\d{1,2}\/\d{1,2}/u.test(after));
    if (!inContext) return match;
    const hasDayWord = afterPhrase(whole, offset, DAY_MONTH_CONTEXT, 2);
    return ` ${readDayMonth(d, m, !hasDayWord)}${DATE_END}`;
  });

  s = replaceNamed(s, MONTH_YEAR, (g, match, offset, whole) => {
    const m = Number(g.m);
    const year = readYear(g.y!);
    // "quý 4/2026" is the fourth quarter of 2026, not April.
    if (afterPhrase(whole, offset, new Set(['quý']), 1)) return m >= 1 && m <= 4 ? ` ${readInteger(g.m!)} năm ${year}` : match;
    if (m < 1 || m > 12) return match;
    const hasMonthWord = afterPhrase(whole, offset, new Set(['tháng']), 1);
    return ` ${hasMonthWord ? '' : 'tháng '}${readMonth(m)} năm ${year}${DATE_END}`;
  });

  return s.replace(RANGE_JOIN, ' đến ').replaceAll(DATE_END, '');
}

const COLON_TIME = /(?<![\d.,:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d|[.,:]\d)/g;
const H_TIME = /(?<![\p{L}\d.,])(\d{1,3})[hH](?:(\d{2})['′]?)?(?![\p{L}\d])/gu;

/** "17h30", "17:30", "7h", "24h" → spoken clock times (or hours, which read the same). */
export function expandTimes(text: string): string {
  return text
    .replace(COLON_TIME, (match, h: string, m: string, sec: string | undefined) =>
      validTime(h, m, sec) ? ` ${readTime(h, m, sec)} ` : match,
    )
    .replace(H_TIME, (match, h: string, m: string | undefined) => {
      if (m !== undefined && Number(m) > 59) return match;
      return ` ${readTime(h, m)} `;
    })
    // what is left of "a:b" is a ratio or a scale: "tỷ lệ 1:50.000"
    .replace(/(?<=\d)[ \t]*:[ \t]*(?=\d)/g, ' trên ');
}
