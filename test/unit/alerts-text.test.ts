import { describe, expect, it } from 'vitest';
import { describeAlert, durationText, localDateTime } from '../../src/domain/alerts/index.js';

describe('durationText', () => {
  const cases: [number, string, string][] = [
    [0, '0 phút', '0 minutes'],
    [60_000, '1 phút', '1 minute'],
    [59 * 60_000 + 59_000, '59 phút', '59 minutes'],
    [60 * 60_000, '1 giờ', '1 hour'],
    [3 * 3600_000 + 20 * 60_000, '3 giờ', '3 hours'],
    [47 * 3600_000, '47 giờ', '47 hours'],
    [48 * 3600_000, '2 ngày', '2 days'],
    [1500 * 24 * 3600_000, '1.500 ngày', '1,500 days'],
  ];
  for (const [ms, vi, en] of cases) it(`${ms} ms → ${vi} / ${en}`, () => expect(durationText(ms)).toEqual({ vi, en }));
});

describe('localDateTime', () => {
  it('writes dd/mm/yyyy HH:mm in the station zone, not UTC', () => {
    // 18:30 UTC on 31 December is already New Year's Day in Viet Nam.
    expect(localDateTime('2026-12-31T18:30:00Z', 'Asia/Ho_Chi_Minh')).toBe('01/01/2027 01:30');
    expect(localDateTime('2026-12-31T18:30:00Z', 'UTC')).toBe('31/12/2026 18:30');
  });
});

describe('describeAlert', () => {
  const base = { stationCode: '01234', stationName: 'Đài xã Tả Van', timezone: 'Asia/Ho_Chi_Minh' };
  it('counts an open offline alert up to the moment it is read', () => {
    const d = { ...base, deviceName: 'Cụm loa 2', lastSeenAt: '2026-12-01T00:00:00Z' };
    expect(describeAlert('device_offline', d, new Date('2026-12-01T00:45:00Z')).message).toBe('Cụm loa 2 — Đài xã Tả Van mất kết nối 45 phút (lần cuối thấy 01/12/2026 07:00)');
    expect(describeAlert('device_offline', d, new Date('2026-12-03T01:00:00Z')).messageEn).toBe('Cụm loa 2 — Đài xã Tả Van offline for 2 days (last seen 01/12/2026 07:00)');
  });
  it('says a device that never connected has never connected', () => {
    const d = { ...base, deviceName: 'Cụm loa 3', lastSeenAt: null, deviceCreatedAt: '2026-12-01T01:00:00Z' };
    expect(describeAlert('device_offline', d, new Date('2026-12-01T05:00:00Z'))).toEqual({
      message: 'Cụm loa 3 — Đài xã Tả Van chưa kết nối lần nào (tạo lúc 01/12/2026 08:00)',
      messageEn: 'Cụm loa 3 — Đài xã Tả Van has never connected (created 01/12/2026 08:00)',
    });
  });
  it('lists every device that reported a miss with its reason', () => {
    const d = {
      ...base,
      airingTitle: 'Bản tin khẩn',
      airingStartsAt: '2026-12-01T03:00:00Z',
      misses: [
        { deviceId: 'd1', deviceName: 'Cụm loa 1', reason: 'learned_too_late' },
        { deviceId: 'd2', deviceName: 'Cụm loa 2', reason: 'player_failed' },
      ],
    };
    expect(describeAlert('airing_missed', d, new Date()).message).toBe(
      'Đài xã Tả Van: chưa phát (quá hạn) «Bản tin khẩn» lúc 01/12/2026 10:00 — Cụm loa 1: nhận lịch quá muộn; Cụm loa 2: lỗi trình phát',
    );
  });
});
