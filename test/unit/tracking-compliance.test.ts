import { describe, expect, it } from 'vitest';
import {
  buildComplianceRows,
  complianceTotals,
  computeCompliance,
  countsTowardRebroadcasts,
  evaluateCompliance,
  groupByEpisode,
  groupByMonth,
  groupByStation,
  groupStats,
  statsTotals,
  tallyActivity,
  type ComplianceRow,
  type EpisodeFacts,
  type OwnProgrammeRecord,
  type PlayKind,
  type StationRef,
  type TallyInput,
  type Targets,
  type TrackedAiring,
  type TrackedPlay,
} from '../../src/domain/tracking/index.js';

const HCM = 'Asia/Ho_Chi_Minh';
const stationA: StationRef = { id: 'sA', code: '20101', name: 'Đài truyền thanh xã Tân An', timezone: HCM };
const stationB: StationRef = { id: 'sB', code: '10001', name: 'Đài truyền thanh xã Bình Minh', timezone: 'UTC' };

const episodes = new Map<string, EpisodeFacts>([
  ['col-jan', { ownProgramme: false, seriesId: 'chuyen-doi-so' }],
  ['col-feb', { ownProgramme: false, seriesId: 'chuyen-doi-so' }],
  ['news', { ownProgramme: false, seriesId: 'tin-tuc' }],
  ['own-a', { ownProgramme: true, seriesId: null }],
]);

const JAN_FEB = { from: '2026-01-01', to: '2026-02-28' };
const NOW = new Date('2026-03-15T00:00:00Z');

function play(stationId: string, episodeId: string, iso: string, kind: PlayKind = 'rebroadcast', airingId: string | null = null): TrackedPlay {
  return { stationId, episodeId, startedAt: new Date(iso), kind, airingId };
}

function airingAt(id: string, stationId: string, episodeId: string, startIso: string, minutes = 30): TrackedAiring {
  const startsAt = new Date(startIso);
  return { id, stationId, episodeId, startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) };
}

function own(stationId: string, episodeId: string, iso: string): OwnProgrammeRecord {
  return { stationId, episodeId, countedAt: new Date(iso) };
}

type ComplianceInput = TallyInput & { readonly targets?: Targets };

function input(overrides: Partial<ComplianceInput>): ComplianceInput {
  return {
    stations: [stationA, stationB],
    episodes,
    plays: [],
    airings: [],
    ownProgrammes: [],
    period: JAN_FEB,
    now: NOW,
    missedGraceSec: 3600,
    ...overrides,
  };
}

function row(rows: readonly ComplianceRow[], stationId: string, month: string): ComplianceRow {
  const found = rows.find((r) => r.stationId === stationId && r.month === month);
  if (found === undefined) throw new Error(`no row ${stationId} ${month}`);
  return found;
}

describe('evaluateCompliance', () => {
  it('needs both targets, each at or above its threshold', () => {
    expect(evaluateCompliance({ aired: 3, ownProgrammes: 1 })).toEqual({ rebroadcastsMet: true, ownProgrammesMet: true, compliant: true });
    expect(evaluateCompliance({ aired: 2, ownProgrammes: 5 })).toEqual({ rebroadcastsMet: false, ownProgrammesMet: true, compliant: false });
    expect(evaluateCompliance({ aired: 9, ownProgrammes: 0 })).toEqual({ rebroadcastsMet: true, ownProgrammesMet: false, compliant: false });
    expect(evaluateCompliance({ aired: 2, ownProgrammes: 0 }, { rebroadcastsPerMonth: 2, ownProgrammesPerMonth: 0 }).compliant).toBe(true);
  });
});

describe('countsTowardRebroadcasts', () => {
  it('excludes own programmes and unknown episodes, and honours a series scope', () => {
    expect(countsTowardRebroadcasts(episodes.get('col-jan'))).toBe(true);
    expect(countsTowardRebroadcasts(episodes.get('own-a'))).toBe(false);
    expect(countsTowardRebroadcasts(undefined)).toBe(false);
    expect(countsTowardRebroadcasts(episodes.get('news'), { seriesIds: ['chuyen-doi-so'] })).toBe(false);
    expect(countsTowardRebroadcasts(episodes.get('col-feb'), { seriesIds: ['chuyen-doi-so'] })).toBe(true);
  });
});

describe('computeCompliance: month boundaries in the station’s time zone', () => {
  it('counts a play at 2026-01-31T18:00Z in February for Ho Chi Minh City and in January for a UTC station', () => {
    const { rows } = computeCompliance(
      input({ plays: [play('sA', 'col-jan', '2026-01-31T18:00:00Z'), play('sB', 'col-jan', '2026-01-31T18:00:00Z')] }),
    );
    expect([row(rows, 'sA', '2026-01').aired, row(rows, 'sA', '2026-02').aired]).toEqual([0, 1]);
    expect([row(rows, 'sB', '2026-01').aired, row(rows, 'sB', '2026-02').aired]).toEqual([1, 0]);
  });

  it('places airings and own programmes by local date too, and drops what falls outside the period', () => {
    const { rows } = computeCompliance(
      input({
        airings: [airingAt('a1', 'sA', 'col-jan', '2025-12-31T17:00:00Z')], // 00:00 on 1 Jan local
        ownProgrammes: [own('sA', 'own-a', '2026-02-28T17:30:00Z')], // 00:30 on 1 Mar local: outside
        plays: [play('sA', 'col-jan', '2025-12-31T16:59:00Z')], // 23:59 on 31 Dec local: outside
      }),
    );
    expect(row(rows, 'sA', '2026-01')).toMatchObject({ scheduled: 1, aired: 0, ownProgrammes: 0 });
    expect(row(rows, 'sA', '2026-02')).toMatchObject({ scheduled: 0, ownProgrammes: 0 });
  });
});

describe('computeCompliance: arithmetic', () => {
  const airings = [
    airingAt('jan-1', 'sA', 'col-jan', '2026-01-05T23:00:00Z'),
    airingAt('jan-2', 'sA', 'col-jan', '2026-01-12T23:00:00Z'),
    airingAt('jan-3', 'sA', 'col-jan', '2026-01-19T23:00:00Z'),
    airingAt('jan-4', 'sA', 'col-jan', '2026-01-26T23:00:00Z'),
  ];
  const plays = [
    play('sA', 'col-jan', '2026-01-05T23:01:00Z', 'rebroadcast', 'jan-1'),
    play('sA', 'col-jan', '2026-01-12T23:00:00Z', 'rebroadcast', 'jan-2'),
    play('sA', 'col-jan', '2026-01-20T03:00:00Z', 'rebroadcast'), // off schedule
    play('sA', 'col-jan', '2026-01-19T23:02:00Z', 'partial', 'jan-3'), // jan-3 partial, not missed
    play('sA', 'own-a', '2026-01-21T01:00:00Z'), // own programme aired: no rebroadcast
    play('sA', 'col-feb', '2026-02-03T01:00:00Z'),
    play('sA', 'col-feb', '2026-02-10T01:00:00Z'),
    play('sB', 'col-jan', '2026-01-03T01:00:00Z'),
    play('sB', 'col-jan', '2026-01-04T01:00:00Z'),
    play('sB', 'col-jan', '2026-01-05T01:00:00Z'),
    play('zz', 'col-jan', '2026-01-05T01:00:00Z'), // unknown station: ignored
  ];
  const ownProgrammes = [
    own('sA', 'own-a', '2026-01-10T03:00:00Z'),
    own('sA', 'own-a', '2026-01-11T03:00:00Z'), // same programme listed twice: counts once
    own('sA', 'own-a2', '2026-02-10T03:00:00Z'),
  ];
  const report = computeCompliance(input({ airings, plays, ownProgrammes }));

  it('fills a row for every station and month, ordered by commune code then month', () => {
    expect(report.rows.map((r) => [r.stationCode, r.month])).toEqual([
      ['10001', '2026-01'],
      ['10001', '2026-02'],
      ['20101', '2026-01'],
      ['20101', '2026-02'],
    ]);
  });

  it('counts rebroadcasts split on/off schedule, partial apart, missed and own programmes', () => {
    expect(row(report.rows, 'sA', '2026-01')).toMatchObject({
      scheduled: 4,
      aired: 3,
      onSchedule: 2,
      offSchedule: 1,
      partial: 1,
      missed: 1, // jan-4 only: jan-3 had a partial play
      ownProgrammes: 1,
      rebroadcastTarget: 3,
      ownProgrammeTarget: 1,
      wholeMonth: true,
      compliant: true,
    });
    expect(row(report.rows, 'sA', '2026-02')).toMatchObject({ aired: 2, ownProgrammes: 1, rebroadcastsMet: false, compliant: false });
    expect(row(report.rows, 'sB', '2026-01')).toMatchObject({ aired: 3, offSchedule: 3, ownProgrammes: 0, ownProgrammesMet: false, compliant: false });
    expect(row(report.rows, 'sB', '2026-02')).toMatchObject({ scheduled: 0, aired: 0, compliant: false });
  });

  it('counts an airing once however many full plays were matched to it', () => {
    const airing = airingAt('a1', 'sA', 'col-jan', '2026-01-10T23:00:00Z');
    const twice = computeCompliance(
      input({
        airings: [airing],
        plays: [
          play('sA', 'col-jan', '2026-01-10T23:00:05Z', 'rebroadcast', 'a1'),
          play('sA', 'col-jan', '2026-01-10T23:01:00Z', 'rebroadcast', 'a1'),
          play('sA', 'col-jan', '2026-01-12T10:00:00Z'),
        ],
      }),
    );
    expect(row(twice.rows, 'sA', '2026-01')).toMatchObject({ scheduled: 1, aired: 2, onSchedule: 1, offSchedule: 1, missed: 0 });
  });

  it('totals the rows', () => {
    expect(report.totals).toMatchObject({
      scheduled: 4,
      aired: 8,
      onSchedule: 2,
      offSchedule: 6,
      partial: 1,
      missed: 1,
      ownProgrammes: 2,
      rebroadcastTarget: 12,
      ownProgrammeTarget: 4,
      rows: 4,
      compliantRows: 1,
      compliant: false,
    });
    expect(complianceTotals([]).compliant).toBe(false);
  });

  it('groups by station: months folded, met only if every month was met', () => {
    const byStation = groupByStation(report.rows);
    expect(byStation.map((r) => [r.stationCode, r.aired, r.months, r.monthsCompliant, r.rebroadcastTarget, r.compliant])).toEqual([
      ['10001', 3, 2, 0, 6, false],
      ['20101', 5, 2, 1, 6, false],
    ]);
    expect(byStation[1]).toMatchObject({ stationName: 'Đài truyền thanh xã Tân An', ownProgrammes: 2, missed: 1 });
  });

  it('groups by month across stations', () => {
    const byMonth = groupByMonth(report.rows);
    expect(byMonth.map((r) => [r.month, r.aired, r.stations, r.stationsCompliant, r.rebroadcastTarget, r.compliant])).toEqual([
      ['2026-01', 6, 2, 1, 6, false],
      ['2026-02', 2, 2, 0, 6, false],
    ]);
  });

  it('groups by episode: a station meets it with enough rebroadcasts of that episode', () => {
    const { activity } = tallyActivity(input({ airings, plays, ownProgrammes }));
    const byEpisode = groupByEpisode(activity);
    expect(byEpisode.map((r) => [r.episodeId, r.scheduled, r.aired, r.partial, r.stations, r.stationsCompliant, r.compliant])).toEqual([
      ['col-feb', 0, 2, 0, 1, 0, false],
      ['col-jan', 4, 6, 1, 2, 2, true],
    ]);
    expect(groupStats('episode', { rows: report.rows, activity })).toEqual(byEpisode);
    expect(statsTotals(byEpisode)).toMatchObject({ aired: 8, rebroadcastTarget: 9, compliant: false });
  });

  it('restricts the rebroadcast count to the configured column', () => {
    const scoped = computeCompliance(
      input({ plays: [play('sB', 'news', '2026-01-03T01:00:00Z'), play('sB', 'col-jan', '2026-01-04T01:00:00Z')], scope: { seriesIds: ['chuyen-doi-so'] } }),
    );
    expect(row(scoped.rows, 'sB', '2026-01').aired).toBe(1);
  });

  it('uses configured targets', () => {
    const lenient = computeCompliance(input({ airings, plays, ownProgrammes, targets: { rebroadcastsPerMonth: 2, ownProgrammesPerMonth: 1 } }));
    expect(row(lenient.rows, 'sA', '2026-02')).toMatchObject({ rebroadcastTarget: 2, compliant: true });
  });
});

describe('computeCompliance: missed, then a late report', () => {
  const airing = airingAt('feb-1', 'sA', 'col-feb', '2026-02-02T23:00:00Z');

  it('counts the airing missed until the station reports it days later', () => {
    const before = computeCompliance(input({ airings: [airing] }));
    expect(row(before.rows, 'sA', '2026-02')).toMatchObject({ scheduled: 1, missed: 1, aired: 0 });

    const late = play('sA', 'col-feb', '2026-02-02T23:03:00Z', 'rebroadcast', 'feb-1');
    const after = computeCompliance(input({ airings: [airing], plays: [late] }));
    expect(row(after.rows, 'sA', '2026-02')).toMatchObject({ scheduled: 1, missed: 0, aired: 1, onSchedule: 1 });
  });

  it('does not call an airing missed before end + grace', () => {
    const soon = computeCompliance(input({ airings: [airing], now: new Date('2026-02-03T00:10:00Z') }));
    expect(row(soon.rows, 'sA', '2026-02').missed).toBe(0);
  });

  it('lets a matched play just across the period edge still save its airing', () => {
    const lastMinute = airingAt('feb-last', 'sA', 'col-feb', '2026-02-28T16:30:00Z', 25); // 23:30–23:55 local
    const justAfter = play('sA', 'col-feb', '2026-02-28T17:05:00Z', 'rebroadcast', 'feb-last'); // 00:05 on 1 March
    const { rows } = computeCompliance(input({ airings: [lastMinute], plays: [justAfter] }));
    expect(row(rows, 'sA', '2026-02')).toMatchObject({ scheduled: 1, missed: 0, aired: 0 });
  });
});

describe('computeCompliance: a period across a year end', () => {
  it('yields months in order across the change of year, with the new year’s first play in January', () => {
    const { rows } = computeCompliance(
      input({
        stations: [stationA],
        period: { from: '2026-11-01', to: '2027-02-28' },
        now: new Date('2027-03-05T00:00:00Z'),
        plays: [
          play('sA', 'col-jan', '2026-12-31T16:59:00Z'), // 23:59 on 31 Dec local
          play('sA', 'col-jan', '2026-12-31T17:30:00Z'), // 00:30 on 1 Jan local
          play('sA', 'col-jan', '2027-01-15T02:00:00Z'),
          play('sA', 'col-jan', '2027-01-16T02:00:00Z'),
        ],
        ownProgrammes: [own('sA', 'own-jan', '2027-01-02T02:00:00Z')],
      }),
    );
    expect(rows.map((r) => [r.month, r.aired, r.compliant])).toEqual([
      ['2026-11', 0, false],
      ['2026-12', 1, false],
      ['2027-01', 3, true],
      ['2027-02', 0, false],
    ]);
  });
});

describe('buildComplianceRows from counts the database produced', () => {
  it('sums per-episode cells, fills missing months with zeros and marks clipped months', () => {
    const rows = buildComplianceRows({
      stations: [stationA],
      period: { from: '2026-01-10', to: '2026-02-28' },
      activity: [
        { stationId: 'sA', month: '2026-01', episodeId: 'e1', scheduled: 2, aired: 2, onSchedule: 2, offSchedule: 0, partial: 0, missed: 0 },
        { stationId: 'sA', month: '2026-01', episodeId: 'e2', scheduled: 1, aired: 1, onSchedule: 0, offSchedule: 1, partial: 1, missed: 1 },
      ],
      ownProgrammes: [{ stationId: 'sA', month: '2026-01', ownProgrammes: 1 }],
    });
    expect(rows.map((r) => [r.month, r.scheduled, r.aired, r.partial, r.missed, r.ownProgrammes, r.wholeMonth, r.compliant])).toEqual([
      ['2026-01', 3, 3, 1, 1, 1, false, true],
      ['2026-02', 0, 0, 0, 0, 0, true, false],
    ]);
  });
});
