/** Phone numbers, which are read digit by digit in the groups they are written in: "0912 345 678" → "không chín một
 *  hai, ba bốn năm, sáu bảy tám". */
import { nearBefore } from './context.js';
import { readDigits } from './numbers.js';

// Words that make a bare 113/114/115 a number to dial rather than a quantity ("113 hộ dân").
const PHONE_WORDS = [
  'gọi', 'tổng đài', 'đường dây nóng', 'hotline', 'điện thoại', 'đt', 'sđt', 'liên hệ', 'số máy', 'cấp cứu', 'cứu hỏa',
  'cứu hoả', 'cứu nạn', 'báo ngay', 'zalo',
];

const EMERGENCY_LIST = /(?<![\d.,/])11[1-5](?:[ \t]*[/,][ \t]*11[1-5])+(?!\d|[.,]\d)/g;
const EMERGENCY = /(?<![\d.,/])11[1-5](?!\d|[.,]\d|[ \t]*\/[ \t]*\d)/g;
const SUBSCRIBER = /(?<![\d.,+])(?:\+84[ .\-]?|0)\d{1,3}(?:[ .\-]?\d{2,4}){1,4}(?!\d|[.,]\d)/g;
const SERVICE = /(?<![\d.,])1[89]00(?:[ .\-]?\d{2,4}){1,3}(?!\d|[.,]\d)/g;

function readGroups(groups: readonly string[]): string {
  return groups.map((g) => (g === '+84' || g === '+' ? 'cộng tám bốn' : readDigits(g))).join(', ');
}

/** Splits an unseparated number the way it is usually written, so the listener hears the same groups. */
function defaultGroups(digits: string): string[] {
  const cut = (sizes: number[]) => {
    const out: string[] = [];
    let i = 0;
    for (const n of sizes) {
      out.push(digits.slice(i, i + n));
      i += n;
    }
    return out.filter(Boolean);
  };
  if (digits.length === 10) return cut([4, 3, 3]);
  if (digits.length === 11) return cut([3, 4, 4]);
  if (digits.length === 8) return cut([4, 4]);
  if (digits.length === 9) return cut([3, 3, 3]);
  return [digits];
}

/** The longest run of leading groups whose digits (national form, "+84" counted as "0") number one of `lengths`;
 *  the rest of the match is given back untouched ("0912 345 678 100 hộ" keeps "100 hộ"). */
function readPhone(raw: string, lengths: readonly number[]): string | null {
  const parts = raw.match(/\+84|\d+|[ .\-]+/g) ?? [];
  let best = -1;
  let count = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '+84') count += 1;
    else if (/^\d/.test(p)) count += p.length;
    else continue;
    if (lengths.includes(count)) best = i;
  }
  if (best < 0) return null;
  const used = parts.slice(0, best + 1);
  const groups = used.filter((p) => /^[\d+]/.test(p));
  const rest = parts.slice(best + 1).join('');
  const spoken = groups.length === 1 ? readGroups(defaultGroups(groups[0]!)) : readGroups(groups);
  return ` ${spoken}${rest ? ` ${rest}` : ''}`;
}

export function expandPhoneNumbers(text: string): string {
  return text
    .replace(EMERGENCY_LIST, (m) => ` ${m.split(/[ \t]*[/,][ \t]*/).map(readDigits).join(', ')} `)
    .replace(EMERGENCY, (m, offset: number, whole: string) => (nearBefore(whole, offset, PHONE_WORDS) ? ` ${readDigits(m)} ` : m))
    .replace(SUBSCRIBER, (m) => readPhone(m, [10, 11]) ?? m)
    .replace(SERVICE, (m) => readPhone(m, [8, 10]) ?? m);
}
