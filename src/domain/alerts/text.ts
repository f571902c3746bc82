import type { AlertDetails, AlertKind } from './types.js';

const NUM_VI = new Intl.NumberFormat('vi-VN');
const NUM_EN = new Intl.NumberFormat('en');

// One formatter per zone: a mass outage writes tens of thousands of these in one tick, and building date objects
// for each (as luxon does) was most of that tick's time.
const FORMATTERS = new Map<string, Intl.DateTimeFormat | null>();
function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = FORMATTERS.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      f = null;
    }
    FORMATTERS.set(zone, f);
  }
  return f;
}

/** dd/mm/yyyy HH:mm in the station's zone: what the people reading the alert have on their own clocks. */
export function localDateTime(iso: string, zone: string): string {
  const f = formatterFor(zone);
  const t = Date.parse(iso);
  if (!f || Number.isNaN(t)) return iso;
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "45 phút", "3 giờ", "2 ngày": whole units, rounded down, as the fleet view says "mất kết nối 3 giờ". */
export function durationText(ms: number): { vi: string; en: string } {
  const min = Math.max(0, Math.floor(ms / 60_000));
  const unit = (n: number, vi: string, en: string) => ({ vi: `${NUM_VI.format(n)} ${vi}`, en: `${NUM_EN.format(n)} ${en}${n === 1 ? '' : 's'}` });
  if (min < 60) return unit(min, 'phút', 'minute');
  const h = Math.floor(min / 60);
  if (h < 48) return unit(h, 'giờ', 'hour');
  return unit(Math.floor(h / 24), 'ngày', 'day');
}

const MISSED_REASON_TEXT: Record<string, { vi: string; en: string }> = {
  file_not_ready: { vi: 'tệp chưa có trên thiết bị', en: 'file not on the device' },
  not_running: { vi: 'thiết bị không hoạt động', en: 'device not running' },
  busy: { vi: 'đang phát chương trình khác', en: 'busy with another airing' },
  player_failed: { vi: 'lỗi trình phát', en: 'player failed' },
  learned_too_late: { vi: 'nhận lịch quá muộn', en: 'learned of it too late' },
  no_play_reported: { vi: 'không có báo cáo đã phát', en: 'no play reported' },
};

export function missedReasonText(reason: string): { vi: string; en: string } {
  return MISSED_REASON_TEXT[reason] ?? { vi: reason, en: reason };
}

type Facts = Omit<AlertDetails, 'message' | 'messageEn'>;

/**
 * The alert as one sentence in each language. `at` is the instant the text is written for: an open device_offline
 * alert says how long the device has been silent so far, a resolved one how long it was silent in all.
 */
export function describeAlert(kind: AlertKind, d: Facts, at: Date): { message: string; messageEn: string } {
  const tz = d.timezone;
  const who = d.deviceName ? `${d.deviceName} — ${d.stationName}` : d.stationName;
  const airing = d.airingTitle && d.airingStartsAt ? { title: d.airingTitle, at: localDateTime(d.airingStartsAt, tz) } : null;
  switch (kind) {
    case 'device_offline': {
      if (!d.lastSeenAt) {
        const since = d.deviceCreatedAt ? localDateTime(d.deviceCreatedAt, tz) : '?';
        return {
          message: `${who} chưa kết nối lần nào (tạo lúc ${since})`,
          messageEn: `${who} has never connected (created ${since})`,
        };
      }
      const silent = durationText(at.getTime() - Date.parse(d.lastSeenAt));
      const last = localDateTime(d.lastSeenAt, tz);
      return {
        message: `${who} mất kết nối ${silent.vi} (lần cuối thấy ${last})`,
        messageEn: `${who} offline for ${silent.en} (last seen ${last})`,
      };
    }
    case 'airing_missed': {
      const reasons = (d.misses ?? []).map((m) => {
        const r = missedReasonText(m.reason);
        return { vi: `${m.deviceName ?? 'thiết bị'}: ${r.vi}`, en: `${m.deviceName ?? 'device'}: ${r.en}` };
      });
      const why = reasons.length > 0 ? reasons : [missedReasonText(d.reason ?? 'no_play_reported')];
      return {
        message: `${d.stationName}: chưa phát (quá hạn) «${airing?.title ?? '?'}» lúc ${airing?.at ?? '?'} — ${why.map((r) => r.vi).join('; ')}`,
        messageEn: `${d.stationName}: missed “${airing?.title ?? '?'}” at ${airing?.at ?? '?'} — ${why.map((r) => r.en).join('; ')}`,
      };
    }
    case 'file_not_delivered':
      return {
        message: `${who} chưa nhận tệp «${airing?.title ?? '?'}» phát lúc ${airing?.at ?? '?'}`,
        messageEn: `${who} does not have the file of “${airing?.title ?? '?'}” airing at ${airing?.at ?? '?'}`,
      };
  }
}
