import crypto from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, uploadFile } from '../helpers/api.js';
import { ADMIN_TOKEN, FIXTURES, clearQueuePrefix, startTestS3, testConfig, waitFor } from '../helpers/env.js';

const TZ = 'Asia/Ho_Chi_Minh';
// Mornings and evenings only: noon is outside the grid but not in quiet hours (22:00–05:00).
const GRID = [
  { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 },
  { days: [1, 2, 3, 4, 5, 6, 7], start: '18:00', durationMin: 60 },
];

describe('rules people meet: where a wrong value was, periods over, the grid, plays before their episode, marks on record', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let episodeId: string;
  let durationSec: number;
  let station: { id: string; token: string };
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);
  const local = (days: number, hour: number, minute = 0) =>
    DateTime.now().setZone(TZ).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 });
  const count = async (table: string) => (await rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket, env: { PUSH_CRON: '0 0 1 1 *' } }));
    const up = await uploadFile(rt.url!, ADMIN_TOKEN, path.join(FIXTURES, 'speech.ogg'), { title: 'Bản tin an toàn giao thông' });
    episodeId = up.body.id;
    const ep = await waitFor(async () => {
      const e = (await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${episodeId}`)).body;
      return e.status === 'ready' ? e : undefined;
    }, { timeoutMs: 60_000, what: 'episode ready' });
    durationSec = ep.durationSec;
    station = (await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code: '03001', name: 'Đài xã Tả Phìn', grid: GRID })).body;
  });

  afterAll(async () => {
    await rt?.close();
    await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  it('says a bad id is in the address, a bad preset is a query parameter, and names the missing thing in Vietnamese', async () => {
    const badId = await call(ADMIN_TOKEN, 'GET', '/api/v1/episodes/abc');
    expect(badId.status).toBe(422);
    expect(badId.body.error.code).toBe('VALIDATION_FAILED');
    expect(badId.body.error.details[0]).toMatchObject({ field: 'id', location: 'path', rule: 'invalid_format' });
    expect(badId.body.error.message).toBe('«Mã định danh» trong đường dẫn phải có dạng mã UUID, ví dụ 123e4567-e89b-42d3-a456-426614174000');
    expect(badId.body.error.messageVi).toBe(badId.body.error.message);
    expect(badId.body.error.messageEn).toBe('path parameter id: id must be a UUID');

    const preset = await call(ADMIN_TOKEN, 'GET', '/api/v1/stats/rebroadcasts?preset=Q4&year=2026');
    expect(preset.status).toBe(422);
    expect(preset.body.error.details).toHaveLength(1);
    expect(preset.body.error.details[0]).toMatchObject({ field: 'preset', location: 'query', rule: 'invalid_value' });
    expect(preset.body.error.message).toMatch(/^Tham số «Kỳ báo cáo» phải là một trong các giá trị: "H1", "H2", "year"/);
    expect(preset.body.error.messageEn).toMatch(/^query parameter preset: /);

    const date = await call(ADMIN_TOKEN, 'GET', '/api/v1/reports/compliance?from=2026-02-30&to=2026-03-31');
    expect(date.status).toBe(422);
    expect(date.body.error.message).toBe('Tham số «Từ ngày» không phải ngày hợp lệ: dùng dạng 2026-12-31');
    const reversed = await call(ADMIN_TOKEN, 'GET', '/api/v1/reports/compliance?from=2026-03-31&to=2026-03-01');
    expect(reversed.body.error.message).toBe('Tham số «Đến ngày» phải cùng ngày hoặc sau «Từ ngày»');

    const limit = await call(ADMIN_TOKEN, 'GET', '/api/v1/plans?limit=ten');
    expect(limit.body.error.details[0]).toMatchObject({ field: 'limit', location: 'query' });
    expect(limit.body.error.message).toBe('Tham số «Số dòng mỗi trang» phải là một số');

    const body = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { stationIds: 'all', from: '2026-01-01', to: 'mai' });
    expect(body.body.error.details.map((d: { location: string; field: string }) => `${d.location}:${d.field}`)).toEqual(['body:episodeId', 'body:to']);
    expect(body.body.error.message).toBe('«Chương trình» là bắt buộc (và 1 lỗi khác)');
    expect(body.body.error.details[1].messageVi).toBe('«Đến ngày» không phải ngày hợp lệ: dùng dạng 2026-12-31');

    const missing = await call(ADMIN_TOKEN, 'GET', `/api/v1/episodes/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Không tìm thấy chương trình');
  });

  it('refuses a plan whose period is already over, saying so, and stores nothing', async () => {
    const [plans, airings] = [await count('plans'), await count('airings')];
    const from = local(-40, 0).toISODate()!;
    const to = local(-10, 0).toISODate()!;
    const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [station.id], airingsPerStation: 2, from, to });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PERIOD_OVER');
    expect(res.body.error.message).toMatch(/^Kỳ phát \d{2}\/\d{2}\/\d{4}–\d{2}\/\d{2}\/\d{4} đã kết thúc: hãy chọn «Đến ngày» từ hôm nay \(\d{2}\/\d{2}\/\d{4}\) trở đi$/);
    expect(res.body.error.messageEn).toContain('already over');
    expect(res.body.error.details[0]).toMatchObject({ field: 'to', location: 'body', rule: 'period_over' });
    expect([await count('plans'), await count('airings')]).toEqual([plans, airings]);
    // Ending today is not over: the rest of today can still be planned (or is short, which is said as such).
    const today = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [station.id], airingsPerStation: 1, from, to: local(0, 0).toISODate() });
    expect(today.status).toBe(201);
    await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${today.body.plan.id}/cancel`);
  });

  it('refuses to move an airing outside the station\'s slots, naming them, and moves it into one', async () => {
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', {
      episodeId,
      stationIds: [station.id],
      airingsPerStation: 1,
      from: local(2, 0).toISODate(),
      to: local(3, 0).toISODate(),
      priority: 'priority',
    });
    expect(plan.status).toBe(201);
    const airing = plan.body.stations[0].airings[0];
    expect(airing).toBeDefined();
    const noon = local(4, 12).toISO()!;
    const outside = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/airings/${airing.id}`, { startsAt: noon });
    expect(outside.status).toBe(422);
    expect(outside.body.error.code).toBe('OUTSIDE_GRID');
    expect(outside.body.error.message).toBe(
      `Lượt phát (12:00–${local(4, 12).plus({ seconds: Math.ceil(durationSec) }).toFormat('HH:mm')} ngày ${local(4, 12).toFormat('dd/MM/yyyy')}) phải nằm trọn trong một khung giờ phát sóng của đài: hằng ngày 06:00–07:00; hằng ngày 18:00–19:00`,
    );
    expect(outside.body.error.details.grid.map((s: { messageVi: string }) => s.messageVi)).toEqual(['hằng ngày 06:00–07:00', 'hằng ngày 18:00–19:00']);
    // Starting inside a slot but running past its end is outside too.
    const overrun = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/airings/${airing.id}`, { startsAt: local(4, 19).minus({ seconds: Math.floor(durationSec / 2) }).toISO() });
    expect(overrun.body.error?.code).toBe('OUTSIDE_GRID');
    const unchanged = await call(ADMIN_TOKEN, 'GET', `/api/v1/airings/${airing.id}`);
    expect(unchanged.body.startsAt).toBe(airing.startsAt);

    const evening = await call(ADMIN_TOKEN, 'PATCH', `/api/v1/airings/${airing.id}`, { startsAt: local(4, 18, 10).toISO() });
    expect(evening.status).toBe(200);
    expect(DateTime.fromISO(evening.body.startsAt).toMillis()).toBe(local(4, 18, 10).toMillis());
    expect(evening.body.slotIndex).toBe(1);
  });

  it('rejects a play that starts before its episode existed, in both languages, and stores the good one beside it', async () => {
    // The station hears of the episode through an approved plan.
    const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [station.id], airingsPerStation: 1, from: local(1, 0).toISODate(), to: local(5, 0).toISODate() });
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
    const created = (await rt.db.query<{ created_at: Date }>('SELECT created_at FROM episodes WHERE id = $1', [episodeId])).rows[0]!.created_at;
    const before = new Date(created.getTime() - 3 * 86_400_000).toISOString();
    const res = await call(station.token, 'POST', '/api/v1/station/plays', {
      plays: [
        { eventId: 'before-1', episodeId, startedAt: before, durationSec },
        { eventId: 'after-1', episodeId, startedAt: new Date(created.getTime() + 1000).toISOString(), durationSec: 1 },
      ],
    });
    expect(res.status).toBe(200);
    const [rejected, accepted] = res.body.results;
    expect(rejected).toMatchObject({ eventId: 'before-1', status: 'rejected', reason: 'before_episode' });
    expect(rejected.messageEn).toMatch(/before the episode existed/);
    expect(rejected.messageVi).toMatch(/^Thời điểm bắt đầu .* sớm hơn lúc chương trình có trên hệ thống \(.*\): hãy kiểm tra đồng hồ của cụm loa$/);
    expect(accepted).toMatchObject({ eventId: 'after-1', status: 'accepted' });
    const stored = await rt.db.query<{ event_id: string }>('SELECT event_id FROM plays WHERE station_id = $1 ORDER BY event_id', [station.id]);
    expect(stored.rows.map((r) => r.event_id)).toEqual(['after-1']);
  });

  it('answers a mark on an airing already on record that it was recorded, by whom, and counts it once', async () => {
    const planId = (await rt.db.query<{ id: string }>('SELECT id FROM plans LIMIT 1')).rows[0]!.id;
    const insertPast = async (minutesAgo: number) => {
      const id = crypto.randomUUID();
      const startsAt = new Date(Date.now() - minutesAgo * 60_000);
      await rt.db.query(
        `INSERT INTO airings (id, plan_id, station_id, episode_id, starts_at, ends_at, priority, status) VALUES ($1, $2, $3, $4, $5, $6, 'normal', 'live')`,
        [id, planId, station.id, episodeId, startsAt, new Date(startsAt.getTime() + Math.ceil(durationSec * 1000))],
      );
      return { id, startsAt };
    };
    // Played by the device, then marked by an operator.
    const played = await insertPast(3);
    const report = await call(station.token, 'POST', '/api/v1/station/plays', { plays: [{ eventId: 'dev-1', episodeId, airingId: played.id, startedAt: played.startsAt.toISOString(), durationSec }] });
    expect(report.body.results[0].status).toBe('accepted');
    const plays = await count('plays');
    const mark = await call(ADMIN_TOKEN, 'POST', `/api/v1/airings/${played.id}/aired`, {});
    expect(mark.status).toBe(409);
    expect(mark.body.error.code).toBe('ALREADY_RECORDED');
    const at = DateTime.fromJSDate(played.startsAt, { zone: TZ });
    expect(mark.body.error.message).toBe(`Lượt phát này đã được ghi nhận là đã phát (do cụm loa báo về, bắt đầu lúc ${at.toFormat('HH:mm')} ngày ${at.toFormat('dd/MM/yyyy')})`);
    expect(mark.body.error.details).toMatchObject({ eventId: 'dev-1', source: 'auto' });
    expect(await count('plays')).toBe(plays);

    // Marked twice by hand: the first is recorded, the second is told so.
    const quiet = await insertPast(2);
    expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/airings/${quiet.id}/aired`, {})).status).toBe(201);
    const again = await call(ADMIN_TOKEN, 'POST', `/api/v1/airings/${quiet.id}/aired`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_RECORDED');
    expect(again.body.error.message).toMatch(/^Lượt phát này đã được ghi nhận là đã phát \(đánh dấu thủ công, bắt đầu lúc /);
    expect(again.body.error.messageEn).toMatch(/^This airing is already recorded as aired \(marked by hand/);
    expect(await count('plays')).toBe(plays + 1);
  });
});
