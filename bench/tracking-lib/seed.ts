/**
 * Data for the tracking benchmark, written with SQL straight into the benchmark database (setup is not what is
 * measured). Part 1: a few stations with a month of live airings and play batches to send through the API.
 * Part 2: 1,000 stations, a year of airings and own programmes, and 1,000,000 stored plays.
 */
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import type pg from 'pg';
import { hashToken, newToken } from '../../src/domain/tokens.js';
import { nowMs, round } from './util.js';

export const TZ = 'Asia/Ho_Chi_Minh';
const EPISODE_SEC = 1800;

/** A small deterministic PRNG so every run sends the same shape of data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlayEvent {
  eventId: string;
  episodeId: string;
  airingId?: string;
  startedAt: string;
  durationSec: number;
  source: 'auto' | 'manual';
}

/** The row the service is expected to store for an event (what the baseline inserts directly). */
export interface ExpectedRow {
  stationId: string;
  eventId: string;
  episodeId: string;
  airingId: string | null;
  startedAt: Date;
  durationSec: number;
  source: 'auto' | 'manual';
  kind: 'rebroadcast' | 'partial';
}

export interface Batch {
  stationIndex: number;
  plays: PlayEvent[];
  rows: ExpectedRow[];
  /** The request body, serialised once before any timing. */
  body: Buffer;
}

export interface IngestFixture {
  stations: { id: string; code: string; token: string }[];
  episodeIds: string[];
  batches: Batch[];
  warmup: Batch[];
  airings: number;
}

async function insertStations(c: pg.Client, codes: string[]) {
  const stations = codes.map((code) => ({ id: crypto.randomUUID(), code, token: newToken('lxs') }));
  await c.query(
    `INSERT INTO stations (id, code, name, timezone, webhook_secret)
     SELECT id, code, 'Đài xã bench ' || code, $3, 'whsec_bench' FROM unnest($1::uuid[], $2::text[]) AS x(id, code)`,
    [stations.map((s) => s.id), stations.map((s) => s.code), TZ],
  );
  // Station tokens are held by each station's first loudspeaker cluster.
  await c.query(
    `INSERT INTO devices (id, station_id, name, token_hash, is_primary)
     SELECT gen_random_uuid(), id, 'Cụm loa 1', th, true FROM unnest($1::uuid[], $2::text[]) AS x(id, th)`,
    [stations.map((s) => s.id), stations.map((s) => hashToken(s.token))],
  );
  return stations;
}

/**
 * Part 1: `stationCount` stations, three ready producer episodes (30 min), one live airing a day per station at
 * 06:00 local over the last 30 days, and `batchCount` batches of `batchSize` plays (70 % on schedule with the
 * airing id as hint, 30 % eight hours later, i.e. off schedule; 85 % full plays, 15 % partial), unique event ids.
 */
export async function seedIngest(c: pg.Client, opts: { stationCount: number; batchCount: number; batchSize: number; warmupBatches: number }): Promise<IngestFixture> {
  const stations = await insertStations(
    c,
    Array.from({ length: opts.stationCount }, (_, i) => String(10_000 + i)),
  );
  const episodeIds = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  await c.query(
    `INSERT INTO episodes (id, title, series, language, status, progress, duration_sec, original_key, original_size_bytes, original_sha256, ready_at)
     SELECT id, 'Chuyển đổi số — bench ' || n, 'Chuyển đổi số', 'vi', 'ready', 100, $2, 'bench/originals/' || id, 1000000, md5(id::text), now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)`,
    [episodeIds, EPISODE_SEC],
  );
  const planIds = episodeIds.map(() => crypto.randomUUID());
  const today = DateTime.now().setZone(TZ).startOf('day');
  await c.query(
    `INSERT INTO plans (id, episode_id, status, priority, airings_per_station, from_date, to_date, min_gap_sec, all_stations, approved_at)
     SELECT id, ep, 'approved', 'normal', 30, $3::date, $4::date, 0, true, now() FROM unnest($1::uuid[], $2::uuid[]) AS x(id, ep)`,
    [planIds, episodeIds, today.minus({ days: 31 }).toISODate(), today.toISODate()],
  );

  // airings[station][day-1] for days 1..30 ago.
  type Airing = { id: string; episode: number; startsAt: Date };
  const airings: Airing[][] = stations.map(() =>
    Array.from({ length: 30 }, (_, d) => ({
      id: crypto.randomUUID(),
      episode: (d + 1) % 3,
      startsAt: today.minus({ days: d + 1 }).set({ hour: 6 }).toJSDate(),
    })),
  );
  const flat = airings.flatMap((list, s) => list.map((a) => ({ ...a, stationId: stations[s]!.id })));
  await c.query(
    `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status)
     SELECT id, plan, st, ep, s, s + make_interval(secs => $6::float8), 'normal', 'live'
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[]) AS x(id, plan, st, ep, s)`,
    [
      flat.map((a) => a.id),
      flat.map((a) => planIds[a.episode]!),
      flat.map((a) => a.stationId),
      flat.map((a) => episodeIds[a.episode]!),
      flat.map((a) => a.startsAt),
      EPISODE_SEC,
    ],
  );

  const rand = prng(20261126);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const makeBatch = (b: number, prefix: string): Batch => {
    const stationIndex = b % stations.length;
    const station = stations[stationIndex]!;
    const plays: PlayEvent[] = [];
    const rows: ExpectedRow[] = [];
    for (let i = 0; i < opts.batchSize; i++) {
      const airing = pick(airings[stationIndex]!);
      const onSchedule = rand() < 0.7;
      const episode = onSchedule ? airing.episode : Math.floor(rand() * 3);
      const startedAt = new Date(airing.startsAt.getTime() + (onSchedule ? rand() * 600 : 8 * 3600 + rand() * 3600) * 1000);
      const full = rand() < 0.85;
      const durationSec = full ? Math.round(EPISODE_SEC - rand() * 60) : Math.round(300 + rand() * 600);
      const eventId = `${prefix}-${crypto.randomUUID()}`;
      const play: PlayEvent = { eventId, episodeId: episodeIds[episode]!, startedAt: startedAt.toISOString(), durationSec, source: 'auto' };
      if (onSchedule) play.airingId = airing.id;
      plays.push(play);
      rows.push({
        stationId: station.id,
        eventId,
        episodeId: play.episodeId,
        airingId: onSchedule ? airing.id : null,
        startedAt,
        durationSec,
        source: 'auto',
        kind: full ? 'rebroadcast' : 'partial',
      });
    }
    return { stationIndex, plays, rows, body: Buffer.from(JSON.stringify({ plays })) };
  };
  const warmup = Array.from({ length: opts.warmupBatches }, (_, b) => makeBatch(b, 'warm'));
  const batches = Array.from({ length: opts.batchCount }, (_, b) => makeBatch(b, 'ev'));
  return { stations, episodeIds, batches, warmup, airings: flat.length };
}

export interface ComplianceFixture {
  stations: number;
  producerEpisodes: number;
  ownProgrammes: number;
  airings: number;
  plays: number;
  onSchedulePlays: number;
  seedSec: number;
  /** The whole past month whose compliance is timed. */
  month: { from: string; to: string; utcFrom: Date; utcTo: Date };
}

/**
 * Part 2, all in SQL: `stationCount` stations (one zone), 2 producer episodes a month for 12 months (one plan each),
 * 3 live airings per station per month (days 6, 15, 24 at 06:00 local), an own programme for ~60 % of station-months,
 * then `playCount` plays: ~80 % of past airings get an on-schedule play, the rest are spread uniformly over the
 * 12 months (random station and producer episode, off schedule); 90 % full plays, 10 % partial; stored in start order.
 * FK triggers are skipped while loading (session_replication_role = replica): the data is consistent by construction.
 */
export async function seedCompliance(c: pg.Client, opts: { stationCount: number; playCount: number }): Promise<ComplianceFixture> {
  const t0 = nowMs();
  const now = DateTime.now().setZone(TZ);
  const first = now.startOf('month').minus({ months: 11 });
  const firstUtc = first.toJSDate();
  const nowUtc = now.toJSDate();
  const target = now.startOf('month').minus({ months: 1 });

  await c.query(`SET session_replication_role = replica`);
  await c.query(
    `INSERT INTO stations (id, code, name, timezone, webhook_secret)
     SELECT gen_random_uuid(), (20000 + i)::text, 'Đài xã ' || i, $1, 'whsec_bench' FROM generate_series(1, $2::int) i`,
    [TZ, opts.stationCount],
  );
  await c.query(`CREATE TEMP TABLE st AS SELECT row_number() OVER (ORDER BY code)::int AS n, id FROM stations`);
  await c.query(
    `INSERT INTO episodes (id, title, series, language, status, progress, duration_sec, original_key, original_size_bytes, original_sha256, created_at, ready_at)
     SELECT gen_random_uuid(), 'Bản tin ' || m || '-' || k, 'Chuyển đổi số', 'vi', 'ready', 100, $2, 'bench/p/' || m || '-' || k, 1000000, md5(m || '-' || k),
            ($1::timestamp + make_interval(months => m)) AT TIME ZONE $3, ($1::timestamp + make_interval(months => m)) AT TIME ZONE $3
       FROM generate_series(0, 11) m, generate_series(0, 1) k`,
    [first.toFormat('yyyy-MM-dd'), EPISODE_SEC, TZ],
  );
  await c.query(
    `CREATE TEMP TABLE ep AS
     SELECT (row_number() OVER (ORDER BY original_key) - 1)::int AS n, id,
            split_part(split_part(original_key, '/', 3), '-', 1)::int AS m, split_part(original_key, '-', 2)::int AS k
       FROM episodes WHERE station_id IS NULL`,
  );
  await c.query(`CREATE TEMP TABLE pl AS SELECT gen_random_uuid() AS id, ep.id AS episode_id, ep.m, ep.k FROM ep`);
  await c.query(
    `INSERT INTO plans (id, episode_id, status, priority, airings_per_station, from_date, to_date, min_gap_sec, all_stations, approved_at)
     SELECT pl.id, pl.episode_id, 'approved', 'normal', 3, $1::date + make_interval(months => pl.m), ($1::date + make_interval(months => pl.m + 1))::date - 1, 0, true, now()
       FROM pl`,
    [first.toFormat('yyyy-MM-dd')],
  );
  // Own programmes: uploads by communes, counted per station and month.
  const own = await c.query(
    `INSERT INTO episodes (id, title, language, status, progress, duration_sec, original_key, original_size_bytes, original_sha256, station_id, created_at, ready_at)
     SELECT gen_random_uuid(), 'Bản tin xã ' || n || ' tháng ' || m, 'vi', 'ready', 100, 600, 'bench/own/' || n || '-' || m, 500000, md5(n || '-' || m), sid, at, at
       FROM (SELECT st.n, st.id AS sid, m, ($1::timestamp + make_interval(months => m, days => (random() * 25)::int, hours => 8)) AT TIME ZONE $2 AS at
               FROM st, generate_series(0, 11) m WHERE random() < 0.6) x`,
    [first.toFormat('yyyy-MM-dd'), TZ],
  );
  const airings = await c.query(
    `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status)
     SELECT gen_random_uuid(), pl.id, x.sid, pl.episode_id, x.s, x.s + make_interval(secs => $3::float8), 'normal', 'live'
       FROM (SELECT st.id AS sid, m, j, ($1::timestamp + make_interval(months => m, days => 5 + 9 * j, hours => 6)) AT TIME ZONE $2 AS s
               FROM st, generate_series(0, 11) m, generate_series(0, 2) j) x
       JOIN pl ON pl.m = x.m AND pl.k = x.j % 2`,
    [first.toFormat('yyyy-MM-dd'), TZ, EPISODE_SEC],
  );
  // Staged first, then stored in start order: stations report roughly as they air, so the table's physical order
  // follows started_at as it would in service (a random order makes the month's rows touch every heap page).
  const onSchedule = await c.query(
    `CREATE TEMP TABLE np AS
     SELECT station_id, 'a-' || id AS event_id, episode_id, id AS airing_id, starts_at + make_interval(secs => r1 * 300) AS started_at,
            CASE WHEN r2 < 0.9 THEN $2::float8 ELSE $2::float8 / 3 END AS duration_sec, 'auto' AS source,
            CASE WHEN r2 < 0.9 THEN 'rebroadcast' ELSE 'partial' END AS kind
       FROM (SELECT a.*, random() AS r1, random() AS r2 FROM airings a WHERE a.starts_at < $1) a
      WHERE random() < 0.8`,
    [nowUtc, EPISODE_SEC],
  );
  const onCount = onSchedule.rowCount ?? 0;
  const rest = Math.max(0, opts.playCount - onCount);
  await c.query(
    `INSERT INTO np
     SELECT st.id, 'g-' || x.g, ep.id, NULL, x.ts, CASE WHEN x.r < 0.9 THEN $4::float8 ELSE $4::float8 / 3 END, 'auto',
            CASE WHEN x.r < 0.9 THEN 'rebroadcast' ELSE 'partial' END
       FROM (SELECT g, 1 + floor(random() * $5::int)::int AS sn, floor(random() * 24)::int AS en, random() AS r,
                    $1::timestamptz + random() * ($2::timestamptz - $1::timestamptz) AS ts
               FROM generate_series(1, $3::int) g) x
       JOIN st ON st.n = x.sn JOIN ep ON ep.n = x.en`,
    [firstUtc, nowUtc, rest, EPISODE_SEC, opts.stationCount],
  );
  await c.query(
    `INSERT INTO plays (station_id, event_id, episode_id, airing_id, started_at, duration_sec, source, kind, received_at)
     SELECT station_id, event_id, episode_id, airing_id, started_at, duration_sec, source, kind, started_at + interval '1 hour'
       FROM np ORDER BY started_at`,
  );
  await c.query(`DROP TABLE np`);
  await c.query(`SET session_replication_role = DEFAULT`);
  await c.query(`VACUUM ANALYZE stations, episodes, plans, airings, plays`);
  const playCount = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM plays`)).rows[0]!.n);

  const last = target.endOf('month');
  return {
    stations: opts.stationCount,
    producerEpisodes: 24,
    ownProgrammes: own.rowCount ?? 0,
    airings: airings.rowCount ?? 0,
    plays: playCount,
    onSchedulePlays: onCount,
    seedSec: round((nowMs() - t0) / 1000, 1),
    month: {
      from: target.toISODate()!,
      to: last.toISODate()!,
      utcFrom: target.toJSDate(),
      utcTo: target.plus({ months: 1 }).toJSDate(),
    },
  };
}
