import { describe, expect, it } from 'vitest';
import {
  decideAlerts,
  offlineThresholdMs,
  type AlertAiring,
  type AlertDevice,
  type AlertFacts,
  type AlertRuleConfig,
  type AlertStation,
  type OpenAlert,
} from '../../src/domain/alerts/index.js';

const NOW = new Date('2026-12-01T07:00:00Z'); // 14:00 in Asia/Ho_Chi_Minh
const CONFIG: AlertRuleConfig = { offlineMin: 30, fileLeadMin: 60, heartbeatSec: 60, missedGraceSec: 3600 };
const min = (n: number) => new Date(NOW.getTime() + n * 60_000);

const STATION: AlertStation = { id: 's1', code: '01234', name: 'Đài xã Tả Van', timezone: 'Asia/Ho_Chi_Minh', active: true };
const device = (over: Partial<AlertDevice> = {}): AlertDevice => ({
  id: 'd1',
  stationId: 's1',
  name: 'Cụm loa 2',
  createdAt: min(-10_000),
  revokedAt: null,
  lastSeenAt: min(-1),
  upcoming: [],
  ...over,
});
const airing = (over: Partial<AlertAiring> = {}): AlertAiring => ({
  id: 'a1',
  stationId: 's1',
  title: 'Chuyển đổi số — số 11',
  startsAt: min(30),
  endsAt: min(60),
  status: 'live',
  changedAt: min(-1440),
  played: false,
  misses: [],
  ...over,
});
const openAlert = (kind: OpenAlert['kind'], subject: string, over: Partial<OpenAlert> = {}): OpenAlert => ({
  id: `alert-${subject}`,
  kind,
  subject,
  stationId: 's1',
  deviceId: null,
  airingId: null,
  ...over,
});
const facts = (over: Partial<AlertFacts>): AlertFacts => ({ now: NOW, stations: [STATION], devices: [], airings: [], open: [], ...over });
const decide = (over: Partial<AlertFacts>, config = CONFIG) => {
  const d = decideAlerts(facts(over), config);
  return { open: d.open.map((o) => o.subject), resolve: d.resolve.map((r) => `${r.subject}=${r.reason}`), decision: d };
};

describe('device_offline', () => {
  const cases: { name: string; device: Partial<AlertDevice>; station?: Partial<AlertStation>; open: string[] }[] = [
    { name: 'seen a minute ago', device: { lastSeenAt: min(-1) }, open: [] },
    { name: 'silent exactly 30 min (not longer)', device: { lastSeenAt: min(-30) }, open: [] },
    { name: 'silent 31 min', device: { lastSeenAt: min(-31) }, open: ['device_offline:d1'] },
    { name: 'never seen, created 2 h ago', device: { lastSeenAt: null, createdAt: min(-120) }, open: ['device_offline:d1'] },
    { name: 'never seen, created 10 min ago', device: { lastSeenAt: null, createdAt: min(-10) }, open: [] },
    { name: 'revoked and silent for days', device: { lastSeenAt: min(-5000), revokedAt: min(-4000) }, open: [] },
    { name: 'station deactivated', device: { lastSeenAt: min(-500) }, station: { active: false }, open: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(decide({ devices: [device(c.device)], stations: [{ ...STATION, ...c.station }] }).open).toEqual(c.open);
    });
  }

  it('never calls a device offline that two heartbeats still show online', () => {
    const config = { ...CONFIG, offlineMin: 1, heartbeatSec: 300 };
    expect(offlineThresholdMs(config)).toBe(600_000);
    expect(decide({ devices: [device({ lastSeenAt: min(-9) })] }, config).open).toEqual([]);
    expect(decide({ devices: [device({ lastSeenAt: min(-11) })] }, config).open).toEqual(['device_offline:d1']);
  });

  it('does not open a second alert while one is open, and resolves it once the device is heard again', () => {
    const o = openAlert('device_offline', 'device_offline:d1', { deviceId: 'd1' });
    expect(decide({ devices: [device({ lastSeenAt: min(-90) })], open: [o] })).toMatchObject({ open: [], resolve: [] });
    expect(decide({ devices: [device({ lastSeenAt: min(-0.1) })], open: [o] }).resolve).toEqual(['device_offline:d1=seen_again']);
    expect(decide({ devices: [device({ lastSeenAt: min(-90), revokedAt: min(-1) })], open: [o] }).resolve).toEqual(['device_offline:d1=device_revoked']);
    expect(decide({ devices: [device({ lastSeenAt: min(-90) })], stations: [{ ...STATION, active: false }], open: [o] }).resolve).toEqual([
      'device_offline:d1=station_inactive',
    ]);
    // No facts about the device: nothing is resolved on a guess.
    expect(decide({ devices: [], open: [o] }).resolve).toEqual([]);
  });

  it('says in both languages who is offline, for how long and since when (station time)', () => {
    const { decision } = decide({ devices: [device({ lastSeenAt: new Date('2026-12-01T03:55:00Z') })] });
    const a = decision.open[0]!;
    expect(a).toMatchObject({ kind: 'device_offline', stationId: 's1', deviceId: 'd1', airingId: null });
    expect(a.details.message).toBe('Cụm loa 2 — Đài xã Tả Van mất kết nối 3 giờ (lần cuối thấy 01/12/2026 10:55)');
    expect(a.details.messageEn).toBe('Cụm loa 2 — Đài xã Tả Van offline for 3 hours (last seen 01/12/2026 10:55)');
    expect(a.details).toMatchObject({ stationCode: '01234', stationName: 'Đài xã Tả Van', deviceName: 'Cụm loa 2', lastSeenAt: '2026-12-01T03:55:00.000Z' });
  });
});

describe('airing_missed', () => {
  // Airing 05:00–05:30 UTC; end + 1 h grace = 06:30 UTC; NOW is 07:00 UTC.
  const past = { startsAt: min(-120), endsAt: min(-90) };
  const cases: { name: string; airing: Partial<AlertAiring>; station?: Partial<AlertStation>; open: string[] }[] = [
    { name: 'ended 90 min ago, nothing played', airing: past, open: ['airing_missed:a1'] },
    { name: 'ended 90 min ago, played in full or in part', airing: { ...past, played: true }, open: [] },
    { name: 'ended 30 min ago: still within the grace', airing: { startsAt: min(-60), endsAt: min(-30) }, open: [] },
    {
      name: 'ended 30 min ago but a device reported it missed',
      airing: { startsAt: min(-60), endsAt: min(-30), misses: [{ deviceId: 'd1', deviceName: 'Cụm loa 2', reason: 'file_not_ready' }] },
      open: ['airing_missed:a1'],
    },
    {
      name: 'reported missed by one device, played by another',
      airing: { startsAt: min(-60), endsAt: min(-30), played: true, misses: [{ deviceId: 'd1', deviceName: 'Cụm loa 2', reason: 'busy' }] },
      open: [],
    },
    { name: 'cancelled airing', airing: { ...past, status: 'cancelled' }, open: [] },
    { name: 'draft airing', airing: { ...past, status: 'draft' }, open: [] },
    { name: 'station deactivated', airing: past, station: { active: false }, open: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(decide({ airings: [airing(c.airing)], stations: [{ ...STATION, ...c.station }] }).open).toEqual(c.open);
    });
  }

  it('resolves when a play arrives later or the airing is cancelled, and not otherwise', () => {
    const o = openAlert('airing_missed', 'airing_missed:a1', { airingId: 'a1' });
    expect(decide({ airings: [airing(past)], open: [o] })).toMatchObject({ open: [], resolve: [] });
    expect(decide({ airings: [airing({ ...past, played: true })], open: [o] }).resolve).toEqual(['airing_missed:a1=played']);
    expect(decide({ airings: [airing({ ...past, status: 'cancelled' })], open: [o] }).resolve).toEqual(['airing_missed:a1=airing_cancelled']);
    expect(decide({ airings: [], open: [o] }).resolve).toEqual([]);
  });

  it('carries the title, the local start and the reasons', () => {
    const { decision } = decide({
      airings: [airing({ startsAt: new Date('2026-11-30T23:00:00Z'), endsAt: new Date('2026-11-30T23:30:00Z'), misses: [{ deviceId: 'd1', deviceName: 'Cụm loa 2', reason: 'file_not_ready' }] })],
    });
    const d = decision.open[0]!.details;
    expect(d.message).toBe('Đài xã Tả Van: chưa phát (quá hạn) «Chuyển đổi số — số 11» lúc 01/12/2026 06:00 — Cụm loa 2: tệp chưa có trên thiết bị');
    expect(d.messageEn).toBe('Đài xã Tả Van: missed “Chuyển đổi số — số 11” at 01/12/2026 06:00 — Cụm loa 2: file not on the device');
    expect(d).toMatchObject({ reason: 'file_not_ready', airingStartsAtLocal: '01/12/2026 06:00', airingTitle: 'Chuyển đổi số — số 11' });
    const none = decide({ airings: [airing(past)] }).decision.open[0]!.details;
    expect(none.reason).toBe('no_play_reported');
    expect(none.messageEn).toMatch(/— no play reported$/);
  });
});

describe('file_not_delivered', () => {
  const ready = (fileReady: boolean) => [{ airingId: 'a1', startsAt: min(30).toISOString(), fileReady }];
  const cases: { name: string; airing?: Partial<AlertAiring>; device?: Partial<AlertDevice>; open: string[] }[] = [
    { name: 'starts in 30 min, heartbeat says file not ready', device: { upcoming: ready(false) }, open: ['file_not_delivered:a1:d1'] },
    { name: 'starts in 30 min, heartbeat does not list it', device: { upcoming: [] }, open: ['file_not_delivered:a1:d1'] },
    { name: 'starts in 30 min, device never sent a heartbeat', device: { upcoming: null }, open: ['file_not_delivered:a1:d1'] },
    { name: 'starts in 30 min, file ready', device: { upcoming: ready(true) }, open: [] },
    { name: 'starts in 61 min: not yet', airing: { startsAt: min(61), endsAt: min(90) }, device: { upcoming: [] }, open: [] },
    { name: 'already started', airing: { startsAt: min(-1), endsAt: min(29) }, device: { upcoming: [] }, open: [] },
    { name: 'approved a minute ago: the device has not had a heartbeat to tell', airing: { changedAt: min(-1) }, device: { upcoming: [] }, open: [] },
    { name: 'device added a minute ago, no heartbeat yet', device: { upcoming: null, createdAt: min(-1), lastSeenAt: null }, open: [] },
    { name: 'device added a minute ago whose first heartbeat lacks the file', device: { upcoming: [], createdAt: min(-1) }, open: ['file_not_delivered:a1:d1'] },
    { name: 'revoked device', device: { upcoming: [], revokedAt: min(-5) }, open: [] },
    { name: 'cancelled airing', airing: { status: 'cancelled' }, device: { upcoming: [] }, open: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(decide({ airings: [airing(c.airing)], devices: [device(c.device)] }).open).toEqual(c.open);
    });
  }

  it('judges each device of the station on its own', () => {
    const d2 = device({ id: 'd2', name: 'Cụm loa 3', upcoming: ready(true) });
    expect(decide({ airings: [airing()], devices: [device({ upcoming: ready(false) }), d2] }).open).toEqual(['file_not_delivered:a1:d1']);
  });

  const o = openAlert('file_not_delivered', 'file_not_delivered:a1:d1', { airingId: 'a1', deviceId: 'd1' });
  const resolveCases: { name: string; airing?: Partial<AlertAiring>; device?: Partial<AlertDevice>; resolve: string[] }[] = [
    { name: 'still missing', device: { upcoming: ready(false) }, resolve: [] },
    { name: 'file reported ready', device: { upcoming: ready(true) }, resolve: ['file_not_delivered:a1:d1=file_ready'] },
    { name: 'the airing started', airing: { startsAt: min(-1), endsAt: min(29) }, resolve: ['file_not_delivered:a1:d1=airing_started'] },
    { name: 'the airing was moved a day later', airing: { startsAt: min(1440), endsAt: min(1470) }, resolve: ['file_not_delivered:a1:d1=airing_moved'] },
    { name: 'the airing was cancelled', airing: { status: 'cancelled' }, resolve: ['file_not_delivered:a1:d1=airing_cancelled'] },
    { name: 'the device was revoked', device: { revokedAt: min(-1) }, resolve: ['file_not_delivered:a1:d1=device_revoked'] },
    // Moved a minute ago within the window: too early to judge again, and not a reason to resolve either.
    { name: 'changed a minute ago', airing: { changedAt: min(-1), startsAt: min(20) }, device: { upcoming: [] }, resolve: [] },
  ];
  for (const c of resolveCases) {
    it(`open alert: ${c.name}`, () => {
      const r = decide({ airings: [airing(c.airing)], devices: [device({ upcoming: [], ...c.device })], open: [o] });
      expect(r.resolve).toEqual(c.resolve);
      expect(r.open).toEqual([]);
    });
  }

  it('says which device lacks which file, and when it airs', () => {
    const { decision } = decide({ airings: [airing()], devices: [device({ upcoming: ready(false) })] });
    expect(decision.open[0]!.details).toMatchObject({
      message: 'Cụm loa 2 — Đài xã Tả Van chưa nhận tệp «Chuyển đổi số — số 11» phát lúc 01/12/2026 14:30',
      messageEn: 'Cụm loa 2 — Đài xã Tả Van does not have the file of “Chuyển đổi số — số 11” airing at 01/12/2026 14:30',
      reason: 'file_not_ready',
      deviceName: 'Cụm loa 2',
    });
  });
});
