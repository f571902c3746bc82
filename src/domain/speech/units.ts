/** Units after a number, with an optional "per": "3,5 m" → "ba phẩy năm mét", "1.200 m³/s" → "một nghìn hai trăm mét
 *  khối trên giây", "200 mm/24h" → "hai trăm mi li mét trên hai mươi bốn giờ". Only after a number: "m" alone is a
 *  letter, not a metre. */
import { escapeRegExp } from './context.js';
import { NUMBER_TOKEN, readInteger, readNumberToken } from './numbers.js';

const UNITS: Readonly<Record<string, string>> = {
  'km²': 'ki lô mét vuông',
  km2: 'ki lô mét vuông',
  'm²': 'mét vuông',
  m2: 'mét vuông',
  'm³': 'mét khối',
  m3: 'mét khối',
  km: 'ki lô mét',
  cm: 'xăng ti mét',
  mm: 'mi li mét',
  m: 'mét',
  ha: 'héc ta',
  kg: 'ki lô gam',
  mg: 'mi li gam',
  g: 'gam',
  tấn: 'tấn',
  tạ: 'tạ',
  ml: 'mi li lít',
  l: 'lít',
  lít: 'lít',
  '°C': 'độ xê',
  'ºC': 'độ xê',
  '℃': 'độ xê',
  oC: 'độ xê',
  'độ C': 'độ xê',
  '°F': 'độ ép',
  '°': 'độ',
  kWh: 'ki lô oát giờ',
  kW: 'ki lô oát',
  MWh: 'mê ga oát giờ',
  MW: 'mê ga oát',
  W: 'oát',
  kV: 'ki lô vôn',
  V: 'vôn',
  kHz: 'ki lô héc',
  MHz: 'mê ga héc',
  Hz: 'héc',
  dB: 'đề xi ben',
  '%': 'phần trăm',
  '‰': 'phần nghìn',
  VNĐ: 'đồng',
  VND: 'đồng',
  đ: 'đồng',
  đồng: 'đồng',
  USD: 'đô la Mỹ',
  ms: 'mi li giây',
  s: 'giây',
};

const CURRENCIES = new Set(['VNĐ', 'VND', 'đ', 'đồng', 'USD']);

// What a unit can be "per": the units themselves and time and counting words.
const PER: Readonly<Record<string, string>> = {
  ...UNITS,
  h: 'giờ',
  giờ: 'giờ',
  phút: 'phút',
  ngày: 'ngày',
  tuần: 'tuần',
  tháng: 'tháng',
  năm: 'năm',
  người: 'người',
  hộ: 'hộ',
  con: 'con',
  suất: 'suất',
};

function alternation(table: Readonly<Record<string, string>>): string {
  return Object.keys(table)
    .filter((k) => k !== '%' && k !== '‰')
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

/** Unit spellings that can follow a number, for the range rule ("100mm-150mm"). */
export const UNIT_PATTERN = `(?:${alternation(UNITS)}|%|‰)`;

// A unit ending in a letter must not run into another word ("5 mẫu" is not "5 m"); "%" and "°C" may.
const WITH_UNIT = new RegExp(
  String.raw`(?<![\p{L}\d.,])(${NUMBER_TOKEN})[ \t]*(?:(%|‰)|(${alternation(UNITS)})(?:[ \t]*\/[ \t]*(?:(\d+)[ \t]*)?(${alternation(PER)}))?(?![\p{L}\p{N}]))`,
  'gu',
);

// "200 người/km2", "năng suất tạ/ha": the number is on the thing counted, the unit follows the slash.
const PER_UNIT_ONLY = ['km²', 'km2', 'm²', 'm2', 'm³', 'm3', 'km', 'ha', 'kg', 'tấn', 'tạ', 'lít'];
const SLASH_UNIT = new RegExp(String.raw`(?<=\p{L})[ \t]*\/[ \t]*(${PER_UNIT_ONLY.map(escapeRegExp).join('|')})(?![\p{L}\p{N}])`, 'gu');

export function expandUnits(text: string): string {
  return text.replace(
    WITH_UNIT,
    (_m, num: string, pct: string | undefined, unit: string | undefined, perCount: string | undefined, per: string | undefined) => {
      const out = [readNumberToken(num), UNITS[pct ?? unit ?? ''] ?? ''];
      // a price is "mỗi" ("bảy nghìn đồng mỗi ki lô gam"); a rate is "trên" ("sáu mươi ki lô mét trên giờ")
      const word = CURRENCIES.has(unit ?? '') ? 'mỗi' : 'trên';
      if (per) out.push(word, ...(perCount ? [readInteger(perCount)] : []), PER[per] ?? per);
      return ` ${out.join(' ')} `;
    },
  ).replace(SLASH_UNIT, (_m, unit: string) => ` trên ${UNITS[unit] ?? unit} `);
}
