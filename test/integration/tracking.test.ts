import crypto from 'node:crypto';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createUserWithToken } from '../../src/services/user-service.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';

const TZ = 'Asia/Ho_Chi_Minh';
const GRID = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 }];

describe('play reports, counts, compliance report (PGlite)', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let episodeId: string;
  let durationSec: number;
  let stationA: { id: string; token: string };
  let stationB: { id: string; token: string };
  let operatorA: string;
  let operatorB: string;
  let viewer: string;
  let planId: string;
  // Past airings of station A, inserted as history: [aired on time, aired partly, never reported, reported late].
  const past: { id: string; startsAt: Date; endsAt: Date }[] = [];
  const from = DateTime.now().setZone(TZ).minus({ days: 60 }).toISODate()!;
  const to = DateTime.now().setZone(TZ).toISODate()!;

  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Chuyển đổi số — số 10', series: 'Chuyển đổi số' });
    episodeId = up.body.id;
    const ep = await waitFor(async () => {
      const e = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body;
      return e.status === 'ready' ? e : undefined;
    }, { timeoutMs: 60_000, what: 'ready' });
    durationSec = ep.durationSec;
    const a = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02001', name: 'Đài xã Mường Hoa', grid: GRID });
    const b = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '02002', name: 'Đài xã Sa Pả', grid: GRID });
    stationA = a.body;
    stationB = b.body;
    operatorA = (await createUserWithToken(rt.db, { name: 'op A', role: 'operator', stationId: stationA.id })).token;
    operatorB = (await createUserWithToken(rt.db, { name: 'op B', role: 'operator', stationId: stationB.id })).token;
    viewer = (await createUserWithToken(rt.db, { name: 'UBND huyện', role: 'viewer' })).token;
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationA.id, stationB.id], airingsPerStation: 2, from: to, to: DateTime.now().setZone(TZ).plus({ days: 6 }).toISODate() });
    planId = plan.body.plan.id;
    await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${planId}/approve`);
    // History: four live airings of A at 06:00 local on the last four days.
    for (let d = 4; d >= 1; d--) {
      const startsAt = DateTime.now().setZone(TZ).minus({ days: d }).set({ hour: 6, minute: 0, second: 0, millisecond: 0 }).toJSDate();
      const endsAt = new Date(startsAt.getTime() + Math.ceil(durationSec * 1000));
      const id = crypto.randomUUID();
      await rt.db.query(
        `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status) VALUES ($1, $2, $3, $4, $5, $6, 'normal', 'live')`,
        [id, planId, stationA.id, episodeId, startsAt, endsAt],
      );
      past.push({ id, startsAt, endsAt });
    }
  });

  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  const iso = (d: Date, plusSec = 0) => new Date(d.getTime() + plusSec * 1000).toISOString();

  it('judges each event of a batch on its own and answers in the order sent', async () => {
    const ok = crypto.randomUUID();
    const batch = [
      { eventId: ok, episodeId, startedAt: iso(past[0]!.startsAt, 5), durationSec: durationSec },
      { eventId: ok, episodeId, startedAt: iso(past[0]!.startsAt, 5), durationSec: durationSec },
      { eventId: 'partial-1', episodeId, airingId: past[1]!.id, startedAt: iso(past[1]!.startsAt), durationSec: durationSec * 0.5 },
      { eventId: 'off-1', episodeId, startedAt: DateTime.now().setZone(TZ).minus({ days: 2 }).set({ hour: 14 }).toISO(), durationSec: durationSec, source: 'manual' },
      { eventId: 'future-1', episodeId, startedAt: iso(new Date(Date.now() + 3600_000)), durationSec: 10 },
      { eventId: 'unknown-1', episodeId: crypto.randomUUID(), startedAt: iso(past[0]!.startsAt), durationSec: 10 },
      { eventId: 'neg-1', episodeId, startedAt: iso(past[0]!.startsAt), durationSec: -3 },
      { eventId: 'long-1', episodeId, startedAt: iso(past[0]!.startsAt), durationSec: 90_000 },
      { eventId: 'bad-1', episodeId, durationSec: 10 },
      'not an object',
    ];
    const res = await call(stationA.token, 'POST', '/api/v1/station/plays', { plays: batch });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'accepted', 'duplicate', 'accepted', 'accepted', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected',
    ]);
    expect(res.body.results.slice(4).map((r: { reason: string }) => r.reason)).toEqual([
      'future_start', 'unknown_episode', 'negative_duration', 'impossible_duration', 'malformed', 'malformed',
    ]);
    expect(res.body.results[0].eventId).toBe(ok);
    // Re-sending the same batch counts nothing twice.
    const again = await call(stationA.token, 'POST', '/api/v1/station/plays', { plays: batch.slice(0, 4) });
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const rows = await rt.db.query<{ event_id: string; airing_id: string | null; kind: string }>('SELECT event_id, airing_id, kind FROM plays ORDER BY event_id');
    expect(rows.rows).toHaveLength(3);
    const byId = new Map(rows.rows.map((r) => [r.event_id, r]));
    expect(byId.get(ok)).toMatchObject({ airing_id: past[0]!.id, kind: 'rebroadcast' });
    expect(byId.get('partial-1')).toMatchObject({ airing_id: past[1]!.id, kind: 'partial' });
    expect(byId.get('off-1')).toMatchObject({ airing_id: null, kind: 'rebroadcast' });
    // Station B was never sent anything it could report as this station's... but it was: its plan is live.
    const other = await call(stationB.token, 'POST', '/api/v1/station/plays', { plays: [{ eventId: ok, episodeId, startedAt: iso(past[0]!.startsAt), durationSec }] });
    expect(other.body.results[0].status).toBe('accepted'); // event ids are per station
    const empty = await call(stationA.token, 'POST', '/api/v1/station/plays', { plays: [] });
    expect(empty.status).toBe(422);
    const tooMany = await call(stationA.token, 'POST', '/api/v1/station/plays', { plays: Array.from({ length: 1001 }, () => ({})) });
    expect(tooMany.status).toBe(422);
    expect((await call(operatorA, 'POST', '/api/v1/station/plays', { plays: batch })).status).toBe(403);
  });

  const stationRow = async (token: string, stationId: string) => {
    const res = await call(token, 'GET', `/api/v1/stats/rebroadcasts?from=${from}&to=${to}&groupBy=station`);
    expect(res.status).toBe(200);
    return res.body.rows.find((r: { stationId: string }) => r.stationId === stationId);
  };

  it('counts scheduled, aired, on/off schedule, partial and missed per station; a late report un-misses', async () => {
    const a = await stationRow(viewer, stationA.id);
    expect(a).toMatchObject({ stationCode: '02001', stationName: 'Đài xã Mường Hoa', scheduled: 4, aired: 2, onSchedule: 1, offSchedule: 1, partial: 1, missed: 2 });
    expect(a.target).toBe(a.rebroadcastTarget);
    expect(a.compliant).toBe(false);
    // Station A's last airing gets reported days late: it stops being missed.
    const late = await call(stationA.token, 'POST', '/api/v1/station/plays', { plays: [{ eventId: 'late-1', episodeId, startedAt: iso(past[3]!.startsAt, 30), durationSec }] });
    expect(late.body.results[0].status).toBe('accepted');
    const after = await stationRow(viewer, stationA.id);
    expect(after).toMatchObject({ aired: 3, onSchedule: 2, missed: 1 });
    // The same counts grouped by episode and by month add up to the station totals.
    const byEpisode = await call(viewer, 'GET', `/api/v1/stats/rebroadcasts?from=${from}&to=${to}&groupBy=episode`);
    const b = await stationRow(viewer, stationB.id);
    expect(byEpisode.body.rows).toHaveLength(1);
    expect(byEpisode.body.rows[0]).toMatchObject({ episodeId, aired: after.aired + b.aired, scheduled: after.scheduled + b.scheduled, missed: after.missed + b.missed });
    const byMonth = await call(viewer, 'GET', `/api/v1/stats/rebroadcasts?from=${from}&to=${to}&groupBy=month`);
    expect(byMonth.body.rows.reduce((n: number, r: { aired: number }) => n + r.aired, 0)).toBe(after.aired + b.aired);
    expect(byMonth.body.totals.aired).toBe(after.aired + b.aired);
  });

  it('lets an operator mark its own airing aired (once), and only its own', async () => {
    const res = await call(operatorA, 'POST', `/api/v1/airings/${past[2]!.id}/aired`, {});
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('accepted');
    const again = await call(operatorA, 'POST', `/api/v1/airings/${past[2]!.id}/aired`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_RECORDED');
    expect((await call(operatorB, 'POST', `/api/v1/airings/${past[2]!.id}/aired`, {})).status).toBe(403);
    const row = await rt.db.query<{ source: string; airing_id: string }>(`SELECT source, airing_id FROM plays WHERE event_id = $1`, [`manual-${past[2]!.id}`]);
    expect(row.rows[0]).toEqual({ source: 'manual', airing_id: past[2]!.id });
    expect(await stationRow(viewer, stationA.id)).toMatchObject({ aired: 4, missed: 0 });
    // The agent reports the same airing later: the play is kept, but the airing still aired once.
    const echo = await call(stationA.token, 'POST', '/api/v1/station/plays', { plays: [{ eventId: 'agent-echo', episodeId, startedAt: iso(past[2]!.startsAt, 2), durationSec }] });
    expect(echo.body.results[0].status).toBe('accepted');
    expect(await stationRow(viewer, stationA.id)).toMatchObject({ aired: 4, onSchedule: 3, missed: 0 });
    // Operators see only their own station in the counts.
    const own = await call(operatorB, 'GET', `/api/v1/stats/rebroadcasts?from=${from}&to=${to}&groupBy=station`);
    expect(own.body.rows.map((r: { stationId: string }) => r.stationId)).toEqual([stationB.id]);
  });

  it('counts an operator\'s upload as the commune\'s own programme', async () => {
    const up = await uploadFile(rt.url!, operatorB, path.join(FIXTURES, 'speech-phone.m4a'), { title: 'Bản tin xã Sa Pả tháng này' });
    expect(up.status).toBe(202);
    const ready = await waitFor(
      async () => {
        const e = (await call(operatorB, 'GET', `/api/v1/episodes/${up.body.id}`)).body;
        return e.status === 'processing' ? undefined : e;
      },
      { timeoutMs: 45_000, what: 'own programme ready' },
    );
    expect(ready.status).toBe('ready');
    expect((await stationRow(viewer, stationB.id)).ownProgrammes).toBe(1);
    expect((await stationRow(viewer, stationA.id)).ownProgrammes).toBe(0);
    // Operator A cannot see B's own programme.
    expect((await call(operatorA, 'GET', `/api/v1/episodes/${up.body.id}`)).status).toBe(404);
    const listA = await call(operatorA, 'GET', '/api/v1/episodes');
    expect(listA.body.items.map((e: { id: string }) => e.id)).toEqual([episodeId]);
  });

  it('exports the compliance report as JSON, CSV and XLSX that agree, with Vietnamese headings and totals', async () => {
    const json = (await call(viewer, 'GET', `/api/v1/reports/compliance?from=${from}&to=${to}`)).body;
    expect(json.rows.length).toBeGreaterThanOrEqual(2 * 2);
    expect(json.title).toMatch(/^Báo cáo/);
    const csvRes = await fetch(`${rt.url}/api/v1/reports/compliance?from=${from}&to=${to}&format=csv`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = (await csvRes.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
    expect(csv[0]).toContain('Mã xã');
    expect(csv[0]).toContain('Phát lại');
    const col = (name: string) => csv[0]!.indexOf(name);
    expect(csv.length).toBe(json.rows.length + 2);
    for (const [i, row] of json.rows.entries()) {
      expect(csv[i + 1]![col('Mã xã')]).toBe(row.stationCode);
      // A month before the station existed reads "—", counts included; the current month "Đang diễn ra".
      const shown = (n: number) => (row.status === 'not_active' ? '—' : String(n));
      expect(csv[i + 1]![col('Phát lại')]).toBe(shown(row.aired));
      expect(csv[i + 1]![col('Chương trình tự sản xuất')]).toBe(shown(row.ownProgrammes));
      expect(csv[i + 1]![col('Đạt chỉ tiêu')]).toBe({ met: 'Đạt', not_met: 'Chưa đạt', in_progress: 'Đang diễn ra', upcoming: 'Chưa đến kỳ', not_active: '—' }[row.status as string]);
    }
    expect(Number(csv.at(-1)![col('Phát lại')])).toBe(json.totals.aired);

    const xRes = await fetch(`${rt.url}/api/v1/reports/compliance?from=${from}&to=${to}&format=xlsx`, { headers: { authorization: `Bearer ${viewer}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xRes.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const headings = (ws.getRow(2).values as unknown[]).slice(1);
    expect(headings).toEqual(csv[0]);
    for (const [i, row] of json.rows.entries()) {
      const cells = (ws.getRow(i + 3).values as unknown[]).slice(1);
      expect(cells[col('Mã xã')]).toBe(row.stationCode);
      expect(cells[col('Phát lại')]).toBe(row.status === 'not_active' ? '—' : row.aired);
    }
    expect((ws.getRow(json.rows.length + 3).values as unknown[]).slice(1)[col('Phát lại')]).toBe(json.totals.aired);

    const h1 = await call(viewer, 'GET', `/api/v1/reports/compliance?preset=H1&year=2026`);
    expect(h1.body.period).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(h1.body.title).toMatch(/6 tháng/);
    expect((await call(viewer, 'GET', '/api/v1/reports/compliance?from=2026-05-01&to=2026-04-01')).status).toBe(422);
    expect((await call(stationA.token, 'GET', `/api/v1/reports/compliance?from=${from}&to=${to}`)).status).toBe(403);
  });
});
