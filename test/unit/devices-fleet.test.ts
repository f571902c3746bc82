import { describe, expect, it } from 'vitest';
import { fleetSummary, notReadyAirings, sortFleet, type DeviceHealth, type FleetDevice } from '../../src/domain/devices/index.js';
import type { WireHeartbeat } from '../../src/wire/station-protocol.js';

const health = (online: boolean, since: string | null): DeviceHealth => ({
  online,
  since,
  lastSeenAt: null,
  nowPlaying: null,
  nextAiring: null,
  fileReady: null,
  pendingReports: null,
  freeDiskBytes: null,
  lastError: null,
  agentVersion: null,
  uptimeSec: null,
  cacheBytes: null,
  clockOffsetMs: null,
  channel: null,
});
const dev = (id: string, stationCode: string, online: boolean, since: string | null, name = id): FleetDevice => ({
  id,
  name,
  stationId: `s-${stationCode}`,
  stationCode,
  stationName: `Đài ${stationCode}`,
  health: health(online, since),
});

describe('fleet order and summary', () => {
  it('puts offline devices first, the longest silent first, then the rest by station code and name', () => {
    const sorted = sortFleet([
      dev('on-b', '01002', true, '2026-12-01T09:00:00Z'),
      dev('off-recent', '01001', false, '2026-12-01T09:30:00Z'),
      dev('on-a2', '01001', true, '2026-12-01T08:00:00Z', 'Cụm loa 2'),
      dev('off-old', '01003', false, '2026-11-30T09:00:00Z'),
      dev('on-a1', '01001', true, '2026-12-01T09:59:00Z', 'Cụm loa 1'),
    ]);
    expect(sorted.map((d) => d.id)).toEqual(['off-old', 'off-recent', 'on-a1', 'on-a2', 'on-b']);
  });

  it('counts online and offline', () => {
    expect(fleetSummary([dev('a', '1', true, null), dev('b', '1', false, null), dev('c', '2', false, null)])).toEqual({ total: 3, online: 1, offline: 2 });
    expect(fleetSummary([])).toEqual({ total: 0, online: 0, offline: 0 });
  });
});

describe('airings about to start without their file', () => {
  const A1 = '00000000-0000-4000-8000-000000000001';
  const A2 = '00000000-0000-4000-8000-000000000002';
  const CANCELLED = '00000000-0000-4000-8000-000000000003';
  const hb = (upcoming: WireHeartbeat['upcoming'], nextAiring: WireHeartbeat['nextAiring'] = null) => ({ upcoming, nextAiring }) as WireHeartbeat;
  const station = { stationId: 'sA', stationCode: '01001', stationName: 'Đài A' };
  const airings = [
    { id: A1, stationId: 'sA', title: 'Bản tin sáng', startsAt: new Date('2026-12-01T10:20:00Z') },
    { id: A2, stationId: 'sA', title: 'Thời tiết', startsAt: new Date('2026-12-01T10:40:00Z') },
    { id: 'elsewhere', stationId: 'sB', title: 'Khác', startsAt: new Date('2026-12-01T10:30:00Z') },
  ];

  it('lists what a device reports as not ready and what it does not list at all; ignores airings no longer live', () => {
    const out = notReadyAirings(
      [
        { id: 'ready', name: 'Cụm loa 1', ...station, heartbeat: hb([{ airingId: A1, startsAt: '', fileReady: true }, { airingId: A2, startsAt: '', fileReady: true }]) },
        { id: 'partial', name: 'Cụm loa 2', ...station, heartbeat: hb([{ airingId: A1, startsAt: '', fileReady: false }, { airingId: CANCELLED, startsAt: '', fileReady: false }]) },
        { id: 'silent', name: 'Cụm loa 3', ...station, heartbeat: null },
      ],
      airings,
    );
    expect(out.map((n) => [n.deviceId, n.airingId])).toEqual([
      ['partial', A1],
      ['silent', A1],
      ['partial', A2],
      ['silent', A2],
    ]);
    expect(out[0]).toMatchObject({ deviceName: 'Cụm loa 2', stationCode: '01001', title: 'Bản tin sáng' });
  });

  it('takes the next airing\'s readiness when the list leaves it out', () => {
    const out = notReadyAirings(
      [{ id: 'd', name: 'Cụm loa 1', ...station, heartbeat: hb([], { airingId: A1, title: '', startsAt: '', fileReady: true }) }],
      airings,
    );
    expect(out.map((n) => n.airingId)).toEqual([A2]);
  });
});
