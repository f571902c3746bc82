import { describe, expect, it } from 'vitest';
import { buildComplianceRows, complianceTotals, rollUpByArea, type AreaRef, type StationRef } from '../../src/domain/tracking/index.js';

// root → P → G → C1 (s1, s2), C2 (s3); Q → D1 (s4).
const A = (id: string, parentId: string | null, kind: string, code: string | null, path: string): AreaRef => ({ id, parentId, kind, name: `Địa bàn ${id}`, code, path });
const areas = [
  A('r', null, 'root', null, '/r/'),
  A('P', 'r', 'province', '11', '/r/P/'),
  A('G', 'P', 'grouping', null, '/r/P/G/'),
  A('C1', 'G', 'commune', '11001', '/r/P/G/C1/'),
  A('C2', 'G', 'commune', '11002', '/r/P/G/C2/'),
  A('Q', 'r', 'province', '02', '/r/Q/'),
  A('D1', 'Q', 'commune', '02001', '/r/Q/D1/'),
];
const at = new Map([
  ['s1', '/r/P/G/C1/'],
  ['s2', '/r/P/G/C1/'],
  ['s3', '/r/P/G/C2/'],
  ['s4', '/r/Q/D1/'],
]);
const stations: StationRef[] = ['s1', 's2', 's3', 's4'].map((id, i) => ({ id, code: `3000${i}`, name: id, timezone: 'Asia/Ho_Chi_Minh' }));
const period = { from: '2026-01-01', to: '2026-02-28' };
// s1 meets January's rebroadcast target only; the others have nothing.
const rows = buildComplianceRows({
  stations,
  period,
  activity: [{ stationId: 's1', month: '2026-01', episodeId: 'e', scheduled: 4, aired: 4, onSchedule: 4, offSchedule: 0, partial: 0, missed: 0 }],
  ownProgrammes: [{ stationId: 's1', month: '2026-01', ownProgrammes: 1 }],
  now: new Date('2026-03-10T00:00:00Z'),
});

describe('compliance rolled up by area', () => {
  it('subtotals every area holding stations, as a tree: an area before its children, siblings by code', () => {
    const all = rollUpByArea(rows, at, areas, null);
    expect(all.map((a) => [a.areaId, a.depth, a.stations])).toEqual([
      ['r', 0, 4],
      ['Q', 1, 1],
      ['D1', 2, 1],
      ['P', 1, 3],
      ['G', 2, 3],
      ['C1', 3, 2],
      ['C2', 3, 1],
    ]);
  });

  it('an area\'s line is the totals line of its own rows, so the root\'s is the report\'s', () => {
    const all = rollUpByArea(rows, at, areas, null);
    const by = new Map(all.map((a) => [a.areaId, a.totals]));
    expect(by.get('r')).toEqual(complianceTotals(rows));
    expect(by.get('C1')).toEqual(complianceTotals(rows.filter((r) => r.stationId === 's1' || r.stationId === 's2')));
    expect(by.get('C1')!.aired).toBe(4);
    expect(by.get('C1')!.compliantRows).toBe(by.get('P')!.compliantRows);
    expect(by.get('D1')!.aired).toBe(0);
  });

  it('a scope shows only its own part of the tree: a province from itself down, a commune only itself', () => {
    expect(rollUpByArea(rows, at, areas, '/r/P/').map((a) => [a.areaId, a.depth])).toEqual([
      ['P', 0],
      ['G', 1],
      ['C1', 2],
      ['C2', 2],
    ]);
    expect(rollUpByArea(rows.filter((r) => r.stationId !== 's4'), at, areas, '/r/P/G/C2/').map((a) => a.areaId)).toEqual(['C2']);
  });

  it('stations without a known place add to no area', () => {
    expect(rollUpByArea(rows, new Map(), areas, null)).toEqual([]);
  });
});
