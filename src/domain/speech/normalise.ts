/** Typed Vietnamese → text a synthesiser can read aloud: every figure, date, time, phone number, unit, Roman numeral
 *  and known abbreviation written out as words. Pure; most of the audible quality of a text bulletin is won here. */
import { DEFAULT_ABBREVIATIONS, expandAbbreviations } from './abbreviations.js';
import { expandDates, expandTimes } from './dates-times.js';
import { expandDocumentNumbers } from './documents.js';
import { expandNumbers } from './numbers.js';
import { expandOrdinals } from './ordinals.js';
import { expandPhoneNumbers } from './phones.js';
import { expandRomanNumerals } from './roman.js';
import { expandSigns } from './signs.js';
import { expandUnits } from './units.js';

export { DEFAULT_ABBREVIATIONS };

export interface NormaliseOptions {
  /** Replaces DEFAULT_ABBREVIATIONS when given (spread the defaults in to extend them). */
  abbreviations?: Readonly<Record<string, string>>;
}

function prepare(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00A0\u2007\u2009\u202F]/g, ' ')
    .replace(/[\u200B-\u200D\u2060\uFEFF\uE000-\uF8FF]/g, '');
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]*&[ \t]*/g, ' và ')
    // "3 lần/tháng" is said "ba lần mỗi tháng".
    .replace(/(?<=\p{L})[ \t]*\/[ \t]*(?=(?:ngày|tuần|tháng|quý|năm|giờ|người|hộ|lượt|buổi|lần|ca|xã|thôn)(?!\p{L}))/gu, ' mỗi ')
    // "và/hoặc", "3G/4G": a slash between words is not said; " / " between phrases is a pause.
    .replace(/(?<=[\p{L}\p{N}])[ \t]+\/[ \t]+(?=[\p{L}\p{N}])/gu, ', ')
    .replace(/(?<=[\p{L}\p{N}])[ \t]*\/[ \t]*(?=[\p{L}\p{N}])/gu, ' ')
    .replace(/,(?=\p{L})/gu, ', ')
    .replace(/[ \t]+([.,;:!?…)\]»”’])/g, '$1')
    .replace(/([(\[«“‘])[ \t]+/g, '$1')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Order matters: each step reads digits the earlier ones left. Document numbers and dates claim their slashes before
// "2/3" becomes a ratio; phone numbers claim their dots before "0912.345.678" looks like thousands; Roman numerals and
// "thứ 4" need the word before them as written; ranges and minus signs are settled before units, and units before
// clock times, so that "mm/24h" stays one unit.
export function normaliseForSpeech(text: string, opts?: NormaliseOptions): string {
  const table = opts?.abbreviations ?? DEFAULT_ABBREVIATIONS;
  let s = prepare(text);
  s = expandDocumentNumbers(s, table);
  s = expandDates(s);
  s = expandPhoneNumbers(s);
  s = expandRomanNumerals(s);
  s = expandOrdinals(s);
  s = expandAbbreviations(s, table);
  s = expandSigns(s);
  s = expandUnits(s);
  s = expandTimes(s);
  s = expandNumbers(s);
  return tidy(s);
}
