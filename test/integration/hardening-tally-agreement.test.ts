import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createPgliteDatabase } from '../../src/db/pglite.js';
import { statsRepo } from '../../src/db/stats-repo.js';
import {
  buildComplianceRows,
  computeCompliance,
  periodPreset,
  type ActivityCell,
  type EpisodeFacts,
  type OwnProgrammeRecord,
  type Period,
  type PlayKind,
  type StationRef,
  type TrackedAiring,
  type TrackedPlay,
} from '../../src/domain/tracking/index.js';

/**
 * Compliance is counted twice: in SQL (src/db/stats-repo.ts, what production runs) and in code
 * (src/domain/tracking/tally.ts, the readable reference the unit tests pin down). Both stay, so this proves they
 * agree: a few hundred random airings and plays (fixed seed) over zones from UTC−8 to UTC+14, periods that cut
 * months and local midnights, repeats, partials, off-schedule plays, cancelled airings and own programmes.
 */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261202;
const ZONES = ['Asia/Ho_Chi_Minh', 'UTC', 'Pacific/Kiritimati', 'America/Los_Angeles'];
const MISSED_GRACE_SEC = 3600;
const NOW = new Date('2026-04-20T05:00:00Z');
// Data from mid-December 2025 to mid-May 2026; NOW falls inside it, so some airings are not yet missable.
const DATA_FROM = Date.parse('2025-12-15T00:00:00Z');
const DATA_SPAN_MS = 150 * 86_400_000;

describe('SQL counting (stats-repo) and the reference tally agree on random data', () => {
  let db: Database;
  const rnd = mulberry32(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const stations: StationRef[] = [];
  const episodes = new Map<string, EpisodeFacts & { stationId: string | null; createdAt: Date; status: 'ready' | 'processing' }>();
  const airings: (TrackedAiring & { status: 'live' | 'cancelled' })[] = [];
  const plays: TrackedPlay[] = [];

  beforeAll(async () => {
    db = await createPgliteDatabase(undefined);
    await migrate(db);

    for (let i = 0; i < 5; i++) {
      const s: StationRef = { id: crypto.randomUUID(), code: String(30001 + i), name: `Đài xã ${i}`, timezone: ZONES[i % ZONES.length]! };
      stations.push(s);
      await db.query(`INSERT INTO stations (id, code, name, timezone, webhook_secret, token_hash, created_at) VALUES ($1, $2, $3, $4, 'whsec_x', $5, '2025-01-01T00:00:00Z')`, [
        s.id,
        s.code,
        s.name,
        s.timezone,
        crypto.randomUUID(),
      ]);
    }

    // Producer episodes in two series (one not counted when the deployment restricts the series), and own programmes.
    const addEpisode = (stationId: string | null, series: string | null, createdAt: Date, status: 'ready' | 'processing') => {
      const id = crypto.randomUUID();
      episodes.set(id, { ownProgramme: stationId !== null, seriesId: series, stationId, createdAt, status });
      return id;
    };
    const producer: string[] = [];
    for (let i = 0; i < 6; i++) producer.push(addEpisode(null, i % 3 === 2 ? 'tin-tuc' : 'chuyen-doi-so', new Date(DATA_FROM), 'ready'));
    for (let i = 0; i < 40; i++) {
      const st = pick(stations);
      addEpisode(st.id, null, new Date(DATA_FROM + rnd() * DATA_SPAN_MS), rnd() < 0.85 ? 'ready' : 'processing');
    }
    const eps = [...episodes.entries()];
    await db.query(
      `INSERT INTO episodes (id, title, series, language, status, original_key, original_size_bytes, original_sha256, station_id, created_at)
       SELECT id, 'Chương trình ' || id, series, 'vi', status, 'originals/' || id, 1, 'x', station_id, created_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[]) AS x(id, series, status, station_id, created_at)`,
      [eps.map(([id]) => id), eps.map(([, e]) => e.seriesId), eps.map(([, e]) => e.status), eps.map(([, e]) => e.stationId), eps.map(([, e]) => e.createdAt.toISOString())],
    );

    const planOf = new Map<string, string>();
    for (const ep of producer) {
      const planId = crypto.randomUUID();
      planOf.set(ep, planId);
      await db.query(
        `INSERT INTO plans (id, episode_id, status, priority, airings_per_station, from_date, to_date, min_gap_sec, all_stations)
         VALUES ($1, $2, 'approved', 'normal', 3, '2025-12-01', '2026-06-30', 0, true)`,
        [planId, ep],
      );
    }

    // Airings: per station, in distinct 2-hour steps so none overlap; any hour of the day, midnight included.
    for (const st of stations) {
      const steps = new Set<number>();
      while (steps.size < 50) steps.add(Math.floor(rnd() * (DATA_SPAN_MS / 7_200_000)));
      for (const step of steps) {
        const ep = pick(producer);
        const startsAt = new Date(DATA_FROM + step * 7_200_000 + Math.floor(rnd() * 60) * 60_000);
        const a = { id: crypto.randomUUID(), stationId: st.id, episodeId: ep, startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000), status: rnd() < 0.9 ? ('live' as const) : ('cancelled' as const) };
        airings.push(a);
      }
    }
    await db.query(
      `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status)
       SELECT id, plan_id, station_id, episode_id, starts_at, ends_at, 'normal', status
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::text[]) AS x(id, plan_id, station_id, episode_id, starts_at, ends_at, status)`,
      [
        airings.map((a) => a.id),
        airings.map((a) => planOf.get(a.episodeId)),
        airings.map((a) => a.stationId),
        airings.map((a) => a.episodeId),
        airings.map((a) => a.startsAt.toISOString()),
        airings.map((a) => a.endsAt.toISOString()),
        airings.map((a) => a.status),
      ],
    );

    // Plays: matched to a live airing (start ± 20 min, so some cross a local midnight), or off schedule; some
    // partial; some a second full play of an airing that already aired (a repeat, flagged as ingestion does).
    const live = airings.filter((a) => a.status === 'live' && a.startsAt < NOW);
    const aired = new Set<string>();
    const repeats: boolean[] = [];
    for (let i = 0; i < 400; i++) {
      const matched = rnd() < 0.7;
      const airing = matched ? pick(live) : null;
      const station = airing ? stations.find((s) => s.id === airing.stationId)! : pick(stations);
      const episodeId = airing ? airing.episodeId : pick(producer);
      const startedAt = airing ? new Date(airing.startsAt.getTime() + Math.round((rnd() * 40 - 20) * 60_000)) : new Date(DATA_FROM + rnd() * DATA_SPAN_MS);
      const kind: PlayKind = rnd() < 0.75 ? 'rebroadcast' : 'partial';
      const repeat = kind === 'rebroadcast' && airing !== null && aired.has(airing.id);
      if (kind === 'rebroadcast' && airing) aired.add(airing.id);
      plays.push({ stationId: station.id, episodeId, airingId: airing?.id ?? null, startedAt, kind });
      repeats.push(repeat);
    }
    await db.query(
      `INSERT INTO plays (station_id, event_id, episode_id, airing_id, started_at, duration_sec, source, kind, repeat)
       SELECT station_id, 'e-' || n, episode_id, airing_id, started_at, 60, 'auto', kind, repeat
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[], $6::boolean[]) WITH ORDINALITY AS x(station_id, episode_id, airing_id, started_at, kind, repeat, n)`,
      [
        plays.map((p) => p.stationId),
        plays.map((p) => p.episodeId),
        plays.map((p) => p.airingId),
        plays.map((p) => p.startedAt.toISOString()),
        plays.map((p) => p.kind),
        repeats,
      ],
    );
    // The edge random data rarely hits: an airing at 23:50 on 14 January (Hà Nội) played in full at 23:55, outside
    // the period that starts on the 15th, and again at 00:05, inside it. The second is a repeat wherever the period
    // is cut: it must not count in either path.
    const edge: StationRef = { id: crypto.randomUUID(), code: '39999', name: 'Đài xã Biên', timezone: 'Asia/Ho_Chi_Minh' };
    stations.push(edge);
    await db.query(`INSERT INTO stations (id, code, name, timezone, webhook_secret, token_hash, created_at) VALUES ($1, $2, $3, $4, 'whsec_x', $5, '2025-01-01T00:00:00Z')`, [
      edge.id,
      edge.code,
      edge.name,
      edge.timezone,
      crypto.randomUUID(),
    ]);
    const edgeAiring = { id: crypto.randomUUID(), stationId: edge.id, episodeId: producer[0]!, startsAt: new Date('2026-01-14T16:50:00Z'), endsAt: new Date('2026-01-14T17:20:00Z'), status: 'live' as const };
    airings.push(edgeAiring);
    await db.query(`INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status) VALUES ($1, $2, $3, $4, $5, $6, 'normal', 'live')`, [
      edgeAiring.id,
      planOf.get(edgeAiring.episodeId),
      edge.id,
      edgeAiring.episodeId,
      edgeAiring.startsAt,
      edgeAiring.endsAt,
    ]);
    for (const [i, at] of ['2026-01-14T16:55:00Z', '2026-01-14T17:05:00Z'].entries()) {
      plays.push({ stationId: edge.id, episodeId: edgeAiring.episodeId, airingId: edgeAiring.id, startedAt: new Date(at), kind: 'rebroadcast' });
      await db.query(
        `INSERT INTO plays (station_id, event_id, episode_id, airing_id, started_at, duration_sec, source, kind, repeat) VALUES ($1, $2, $3, $4, $5, 60, 'auto', 'rebroadcast', $6)`,
        [edge.id, `edge-${i}`, edgeAiring.episodeId, edgeAiring.id, at, i > 0],
      );
    }

    // Enough of every case to make the comparison mean something.
    expect(plays.filter((p) => p.airingId === null).length).toBeGreaterThan(50);
    expect(plays.filter((p) => p.kind === 'partial').length).toBeGreaterThan(50);
    expect(repeats.filter(Boolean).length).toBeGreaterThan(10);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  const periods: [string, Period][] = [
    ['a custom range cutting months', { from: '2026-01-15', to: '2026-04-10' }],
    ['the first half-year', periodPreset('H1', 2026)],
    ['a single day', { from: '2026-02-01', to: '2026-02-01' }],
    ['a range over the year end', { from: '2025-12-20', to: '2026-01-31' }],
  ];

  const nonZero = (cells: readonly ActivityCell[]) =>
    cells
      .filter((c) => c.scheduled + c.aired + c.onSchedule + c.offSchedule + c.partial + c.missed > 0)
      .map((c) => ({ ...c }))
      .sort((a, b) => `${a.stationId}${a.month}${a.episodeId}`.localeCompare(`${b.stationId}${b.month}${b.episodeId}`));

  describe.each([
    ['every producer episode', undefined],
    ['one series only', ['chuyen-doi-so']],
  ])('%s', (_label, series) => {
    it.each(periods)('%s', async (_name, period) => {
      const repo = statsRepo(db);
      const q = { period, series, now: NOW, missedGraceSec: MISSED_GRACE_SEC };
      const [sqlStations, sqlCells, sqlOwn] = await Promise.all([repo.stations(), repo.activity({ ...q, perEpisode: true }), repo.ownProgrammes(q)]);

      const ref = computeCompliance({
        stations,
        episodes,
        plays,
        airings: airings.filter((a) => a.status === 'live'),
        ownProgrammes: [...episodes.entries()].flatMap(([id, e]): OwnProgrammeRecord[] => (e.stationId && e.status === 'ready' ? [{ stationId: e.stationId, episodeId: id, countedAt: e.createdAt }] : [])),
        period,
        now: NOW,
        missedGraceSec: MISSED_GRACE_SEC,
        ...(series ? { scope: { seriesIds: series } } : {}),
      });
      const sqlRows = buildComplianceRows({ stations: sqlStations, period, activity: sqlCells, ownProgrammes: sqlOwn, now: NOW });

      expect(sqlRows.length).toBe(ref.rows.length);
      expect(sqlRows).toEqual(ref.rows);
      // And cell by cell (station × month × episode), not only in sums that could hide two errors cancelling out.
      const { tallyActivity } = await import('../../src/domain/tracking/tally.js');
      const refCells = tallyActivity({
        stations,
        episodes,
        plays,
        airings: airings.filter((a) => a.status === 'live'),
        ownProgrammes: [],
        period,
        now: NOW,
        missedGraceSec: MISSED_GRACE_SEC,
        ...(series ? { scope: { seriesIds: series } } : {}),
      }).activity;
      expect(nonZero(sqlCells)).toEqual(nonZero(refCells));
      // Something was counted in this period, so agreement is not the agreement of two empty reports.
      expect(ref.totals.aired + ref.totals.scheduled).toBeGreaterThan(0);
    });
  });
});
