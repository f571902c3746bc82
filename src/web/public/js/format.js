// Formatting only: every number shown comes from the API; these functions only write it the way
// readers expect (GLOSSARY.md): dd/mm/yyyy, 24-hour HH:mm in the station's time zone, 1.234 (vi) / 1,234 (en).
import { getLang, t } from './i18n.js';

export const DEFAULT_TZ = 'Asia/Ho_Chi_Minh';

const numberFormats = new Map();
function numberFormat(options = {}) {
  const lang = getLang();
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', options);
    numberFormats.set(key, f);
  }
  return f;
}

/** 1234 → "1.234" in Vietnamese, "1,234" in English. */
export function fmtNumber(n) {
  return typeof n === 'number' && Number.isFinite(n) ? numberFormat().format(n) : '—';
}

/** "2 / 3" with both numbers formatted. */
export function fmtRatio(a, b) {
  return `${fmtNumber(a)}/${fmtNumber(b)}`;
}

/** A percentage the API gives as 0–100. */
export function fmtPercent(p) {
  return `${numberFormat({ maximumFractionDigits: 0 }).format(p)}%`;
}

/** Bytes as kB, MB or GB (decimal), e.g. "1,2 MB", "12,3 GB". */
export function fmtBytes(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return '—';
  if (bytes >= 1_000_000_000) return `${numberFormat({ maximumFractionDigits: 1 }).format(bytes / 1_000_000_000)} GB`;
  if (bytes < 1_000_000) return `${numberFormat({ maximumFractionDigits: 0 }).format(Math.ceil(bytes / 1000))} kB`;
  return `${numberFormat({ maximumFractionDigits: 1 }).format(bytes / 1_000_000)} MB`;
}

/** Seconds → "m:ss" or "h:mm:ss". */
export function fmtDuration(sec) {
  if (typeof sec !== 'number' || !Number.isFinite(sec)) return '—';
  const total = Math.round(sec);
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

const partFormats = new Map();
function partsIn(date, timeZone) {
  let f = partFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partFormats.set(timeZone, f);
  }
  const parts = {};
  for (const p of f.formatToParts(date)) parts[p.type] = p.value;
  return parts;
}

function toDate(value) {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** An instant as "dd/mm/yyyy HH:mm" in the given zone. */
export function fmtDateTime(value, timeZone = DEFAULT_TZ) {
  const d = value ? toDate(value) : null;
  if (!d) return '—';
  const p = partsIn(d, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** An instant as "HH:mm" in the given zone. */
export function fmtTime(value, timeZone = DEFAULT_TZ) {
  const d = value ? toDate(value) : null;
  if (!d) return '—';
  const p = partsIn(d, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** A window "dd/mm/yyyy HH:mm–HH:mm" in a zone (the end's date too when it differs). */
export function fmtWindow(startIso, endIso, timeZone = DEFAULT_TZ) {
  return joinWindow(fmtDateTime(startIso, timeZone), fmtDateTime(endIso, timeZone));
}

/** A calendar date "YYYY-MM-DD" as "dd/mm/yyyy" (no time zone involved). */
export function fmtLocalDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '—';
}

/** "dd/mm/yyyy" typed by a person → "YYYY-MM-DD", or null when it is not a real date. */
export function parseLocalDate(text) {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text ?? '');
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A month "YYYY-MM" as "mm/yyyy". */
export function fmtMonth(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(ym ?? '');
  return m ? `${m[2]}/${m[1]}` : String(ym);
}

/** Today's calendar date "YYYY-MM-DD" in a zone. */
export function todayIn(timeZone = DEFAULT_TZ) {
  return new Date().toLocaleDateString('en-CA', { timeZone });
}

/** Calendar arithmetic on "YYYY-MM-DD" (UTC noon avoids any DST edge). */
export function addDays(ymd, days) {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day of the month of "YYYY-MM-DD". */
export function monthEnd(ymd) {
  const [y, m] = ymd.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${ymd.slice(0, 7)}-${String(last).padStart(2, '0')}`;
}

/**
 * A station-local ISO instant ("2026-05-01T06:00:00+07:00", as the API writes airings) as
 * "dd/mm/yyyy HH:mm" read straight from its wall-clock part: the station's own time, whatever its zone.
 */
export function fmtStationLocal(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : '—';
}

/** A station-local window "dd/mm/yyyy HH:mm–HH:mm". */
export function fmtStationWindow(startIso, endIso) {
  return joinWindow(fmtStationLocal(startIso), fmtStationLocal(endIso));
}

/** "dd/mm/yyyy HH:mm" × 2 → one window; a programme shorter than a minute shows its start only. */
function joinWindow(a, b) {
  if (a === b) return a;
  return a.slice(0, 10) === b.slice(0, 10) ? `${a}–${b.slice(11)}` : `${a} – ${b}`;
}

const pluralRules = new Map();
/**
 * A counted phrase: the key's ".one"/".other" form by the language's plural rule ("1 hour", "2 hours");
 * Vietnamese has one form, so only ".other" (or the plain key) exists there. {n} is the formatted number.
 */
export function fmtCount(key, n, vars = {}) {
  const lang = getLang();
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang === 'vi' ? 'vi-VN' : 'en-US')));
  const all = { ...vars, n: fmtNumber(n) };
  // The most specific text there is: "key.one", else "key.other", else the key's single form.
  for (const k of [`${key}.${rules.select(n)}`, `${key}.other`]) {
    const text = t(k, all);
    if (text !== k) return text;
  }
  return t(key, all);
}

/** A span of time in words, its largest unit only ("3 giờ", "2 ngày" / "3 hours"), as people say it. */
export function fmtSpan(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return t('dur.lt1m');
  if (min < 60) return fmtCount('dur.m', min);
  if (min < 24 * 60) return fmtCount('dur.h', Math.floor(min / 60));
  return fmtCount('dur.d', Math.floor(min / (24 * 60)));
}

/** A short duration in seconds for small offsets ("45 giây"), else as fmtSpan. */
export function fmtSeconds(sec) {
  if (typeof sec !== 'number' || !Number.isFinite(sec)) return '—';
  const abs = Math.round(Math.abs(sec));
  return abs < 60 ? fmtCount('dur.s', abs) : fmtSpan(abs * 1000);
}

/**
 * An instant as "dd/mm/yyyy HH:mm" in the station's time: an ISO string written with the station's offset
 * (as airings are) is read as written; a UTC one ("…Z", as server timestamps are) is shown in the zone.
 */
export function fmtAt(iso, timeZone = DEFAULT_TZ) {
  return /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2}:\d{2}$/.test(iso ?? '') ? fmtStationLocal(iso) : fmtDateTime(iso, timeZone);
}
