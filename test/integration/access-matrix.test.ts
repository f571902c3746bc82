import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../src/domain/tokens.js';
import { ROOT_AREA_ID } from '../../src/services/access.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { api, type ApiResponse } from '../helpers/api.js';
import { ADMIN_TOKEN, clearQueuePrefix, startTestS3, testConfig } from '../helpers/env.js';

/**
 * The access matrix through the API: every role acting from a province, a commune and another province, on the
 * things of a station inside its area and of one outside it, reading and writing every kind of resource. The
 * expected answer comes from the table below (what each role may do at all) and where the target sits; every
 * answer is checked, refusals by their code too.
 *
 * Tree: root → province P → grouping G → communes C1, C2; province Q → commune D1. Stations S1 (in C1), S2 (in D1).
 */

const ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
type Role = (typeof ROLES)[number];

// What each role may do at all (as before areas: the routes' role lists), independent of the policy's own table.
const MAY: Record<Role, ReadonlySet<string>> = {
  admin: new Set(['station.read', 'station.manage', 'device.read', 'device.manage', 'episode.read', 'episode.upload', 'plan.read', 'plan.create', 'plan.approve', 'plan.cancel', 'airing.read', 'airing.move', 'airing.cancel', 'airing.markAired', 'playNow.read', 'playNow.start', 'stats.read', 'alerts.read', 'fleet.read', 'area.read', 'area.manage', 'user.read', 'user.manage', 'audit.read']),
  editor: new Set(['station.read', 'device.read', 'episode.read', 'episode.upload', 'plan.read', 'plan.create', 'plan.cancel', 'airing.read', 'airing.move', 'airing.cancel', 'airing.markAired', 'stats.read', 'alerts.read', 'fleet.read', 'area.read']),
  operator: new Set(['station.read', 'device.read', 'episode.read', 'episode.upload', 'airing.read', 'airing.markAired', 'stats.read', 'alerts.read', 'fleet.read', 'area.read']),
  viewer: new Set(['station.read', 'device.read', 'episode.read', 'plan.read', 'airing.read', 'stats.read', 'alerts.read', 'fleet.read', 'area.read']),
};

interface Side {
  stationId: string;
  areaId: string;
  deviceId: string;
  deviceName: string;
  stationName: string;
  areaName: string;
  ownEpisodeId: string;
  planId: string;
  airingId: string;
  airingStartsAt: string;
}

interface Ctx {
  side: Side;
  episodeId: string;
  /** A fresh draft plan for this target (cancel, approve, cancel an airing): changed by one case only. */
  freshPlan(): Promise<{ planId: string; airingId: string }>;
}

type Expect = { kind: 'item'; ok: number; outside?: { status: number; code: string } } | { kind: 'list'; contains(res: ApiResponse, side: Side): boolean } | { kind: 'gate' };

interface Case {
  resource: string;
  op: 'read' | 'write';
  permission: string;
  call(ctx: Ctx): Promise<{ method: string; url: string; body?: unknown }>;
  expect: Expect;
}

const station = (s: Side) => `/api/v1/stations/${s.stationId}`;
const CASES: Case[] = [
  { resource: 'stations', op: 'read', permission: 'station.read', call: async ({ side }) => ({ method: 'GET', url: station(side) }), expect: { kind: 'item', ok: 200 } },
  { resource: 'stations', op: 'read', permission: 'station.read', call: async () => ({ method: 'GET', url: '/api/v1/stations?limit=1000' }), expect: { kind: 'list', contains: (r, s) => r.body.items.some((x: { id: string }) => x.id === s.stationId) } },
  { resource: 'stations', op: 'read', permission: 'station.read', call: async ({ side }) => ({ method: 'GET', url: `${station(side)}/airings` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'stations', op: 'write', permission: 'station.manage', call: async ({ side }) => ({ method: 'PATCH', url: station(side), body: { name: side.stationName } }), expect: { kind: 'item', ok: 200 } },
  // Another area's own programme does not exist for the caller (as another station's was for an operator).
  { resource: 'episodes', op: 'read', permission: 'episode.read', call: async ({ side }) => ({ method: 'GET', url: `/api/v1/episodes/${side.ownEpisodeId}` }), expect: { kind: 'item', ok: 200, outside: { status: 404, code: 'NOT_FOUND' } } },
  { resource: 'episodes', op: 'read', permission: 'episode.read', call: async () => ({ method: 'GET', url: '/api/v1/episodes?limit=200' }), expect: { kind: 'list', contains: (r, s) => r.body.items.some((x: { id: string }) => x.id === s.ownEpisodeId) } },
  // An upload names no station: the role alone decides (a form without a file is refused after the gate, 4xx).
  { resource: 'episodes', op: 'write', permission: 'episode.upload', call: async () => ({ method: 'POST', url: '/api/v1/episodes', body: new FormData() }), expect: { kind: 'gate' } },
  { resource: 'plans', op: 'read', permission: 'plan.read', call: async ({ side }) => ({ method: 'GET', url: `/api/v1/plans/${side.planId}` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'plans', op: 'read', permission: 'plan.read', call: async () => ({ method: 'GET', url: '/api/v1/plans?limit=200' }), expect: { kind: 'list', contains: (r, s) => r.body.items.some((x: { id: string }) => x.id === s.planId) } },
  { resource: 'plans', op: 'write', permission: 'plan.create', call: async ({ side, episodeId }) => ({ method: 'POST', url: '/api/v1/plans', body: { episodeId, stationIds: [side.stationId], ...dates(200) } }), expect: { kind: 'item', ok: 201 } },
  { resource: 'plans', op: 'write', permission: 'plan.create', call: async ({ side, episodeId }) => ({ method: 'POST', url: '/api/v1/plans', body: { episodeId, areaIds: [side.areaId], ...dates(200) } }), expect: { kind: 'item', ok: 201 } },
  { resource: 'plans', op: 'write', permission: 'plan.cancel', call: async (c) => ({ method: 'POST', url: `/api/v1/plans/${(await c.freshPlan()).planId}/cancel` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'plans', op: 'write', permission: 'plan.approve', call: async (c) => ({ method: 'POST', url: `/api/v1/plans/${(await c.freshPlan()).planId}/approve` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'airings', op: 'read', permission: 'airing.read', call: async ({ side }) => ({ method: 'GET', url: `/api/v1/airings/${side.airingId}` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'airings', op: 'write', permission: 'airing.move', call: async ({ side }) => ({ method: 'PATCH', url: `/api/v1/airings/${side.airingId}`, body: { startsAt: side.airingStartsAt } }), expect: { kind: 'item', ok: 200 } },
  { resource: 'airings', op: 'write', permission: 'airing.cancel', call: async (c) => ({ method: 'POST', url: `/api/v1/airings/${(await c.freshPlan()).airingId}/cancel` }), expect: { kind: 'item', ok: 200 } },
  // A future airing cannot be marked as aired yet (422): past the access check all the same.
  { resource: 'airings', op: 'write', permission: 'airing.markAired', call: async ({ side }) => ({ method: 'POST', url: `/api/v1/airings/${side.airingId}/aired`, body: {} }), expect: { kind: 'item', ok: 422 } },
  { resource: 'devices', op: 'read', permission: 'device.read', call: async ({ side }) => ({ method: 'GET', url: `${station(side)}/devices` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'devices', op: 'read', permission: 'device.read', call: async ({ side }) => ({ method: 'GET', url: `/api/v1/devices/${side.deviceId}/presence` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'devices', op: 'write', permission: 'device.manage', call: async ({ side }) => ({ method: 'PATCH', url: `${station(side)}/devices/${side.deviceId}`, body: { name: side.deviceName } }), expect: { kind: 'item', ok: 200 } },
  { resource: 'fleet', op: 'read', permission: 'fleet.read', call: async () => ({ method: 'GET', url: '/api/v1/fleet' }), expect: { kind: 'list', contains: (r, s) => r.body.devices.some((d: { stationId: string }) => d.stationId === s.stationId) } },
  { resource: 'alerts', op: 'read', permission: 'alerts.read', call: async ({ side }) => ({ method: 'GET', url: `/api/v1/alerts?status=all&stationId=${side.stationId}` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'alerts', op: 'read', permission: 'alerts.read', call: async () => ({ method: 'GET', url: '/api/v1/alerts?status=all&limit=1000' }), expect: { kind: 'list', contains: (r, s) => r.body.items.some((a: { stationId: string }) => a.stationId === s.stationId) } },
  { resource: 'stats', op: 'read', permission: 'stats.read', call: async () => ({ method: 'GET', url: `/api/v1/stats/rebroadcasts?${period()}` }), expect: { kind: 'list', contains: (r, s) => r.body.rows.some((x: { stationId: string }) => x.stationId === s.stationId) } },
  { resource: 'reports', op: 'read', permission: 'stats.read', call: async () => ({ method: 'GET', url: `/api/v1/reports/compliance?${period()}` }), expect: { kind: 'list', contains: (r, s) => r.body.rows.some((x: { stationId: string }) => x.stationId === s.stationId) } },
  { resource: 'reports', op: 'read', permission: 'stats.read', call: async () => ({ method: 'GET', url: `/api/v1/reports/compliance?${period()}` }), expect: { kind: 'list', contains: (r, s) => r.body.areas.some((a: { areaId: string }) => a.areaId === s.areaId) } },
  { resource: 'areas', op: 'read', permission: 'area.read', call: async ({ side }) => ({ method: 'GET', url: `/api/v1/areas/${side.areaId}` }), expect: { kind: 'item', ok: 200 } },
  { resource: 'areas', op: 'read', permission: 'area.read', call: async () => ({ method: 'GET', url: '/api/v1/areas?shape=flat' }), expect: { kind: 'list', contains: (r, s) => r.body.items.some((a: { id: string }) => a.id === s.areaId) } },
  { resource: 'areas', op: 'write', permission: 'area.manage', call: async ({ side }) => ({ method: 'PATCH', url: `/api/v1/areas/${side.areaId}`, body: { name: side.areaName } }), expect: { kind: 'item', ok: 200 } },
  { resource: 'users', op: 'read', permission: 'user.read', call: async () => ({ method: 'GET', url: '/api/v1/users?limit=200' }), expect: { kind: 'gate' } },
  {
    resource: 'users',
    op: 'write',
    permission: 'user.manage',
    call: async ({ side }) => {
      const login = `nguoi.${crypto.randomUUID().slice(0, 8)}`;
      return { method: 'POST', url: '/api/v1/users', body: { login, displayName: `Người ${login}`, password: 'mat-khau-du-dai-1', role: 'viewer', areaId: side.areaId } };
    },
    expect: { kind: 'item', ok: 201 },
  },
  { resource: 'audit', op: 'read', permission: 'audit.read', call: async () => ({ method: 'GET', url: '/api/v1/audit?limit=10' }), expect: { kind: 'gate' } },
  { resource: 'play-now', op: 'read', permission: 'playNow.read', call: async () => ({ method: 'GET', url: '/api/v1/play-now' }), expect: { kind: 'gate' } },
  { resource: 'play-now', op: 'write', permission: 'playNow.start', call: async ({ side, episodeId }) => ({ method: 'POST', url: '/api/v1/play-now', body: { episodeId, stationIds: [side.stationId] } }), expect: { kind: 'item', ok: 201 } },
];

function dates(offsetDays: number): { from: string; to: string } {
  const d = DateTime.now().setZone('Asia/Ho_Chi_Minh').plus({ days: offsetDays });
  return { from: d.toISODate()!, to: d.plus({ days: 2 }).toISODate()! };
}
const period = () => {
  const today = DateTime.now().setZone('Asia/Ho_Chi_Minh');
  return `from=${today.minus({ days: 40 }).toISODate()}&to=${today.toISODate()}`;
};

describe('access matrix: role × own area / other area × read / write on every resource', () => {
  let rt: Runtime;
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  const call = (token: string | null, method: string, url: string, body?: unknown) => api(rt.url!, token, method, url, body);
  const area: Record<string, { id: string; path: string }> = {};
  const sides: Record<'S1' | 'S2', Side> = {} as never;
  const actors: { role: Role; at: 'P' | 'C1' | 'Q'; token: string }[] = [];
  let episodeId = '';
  let week = 0;

  async function addArea(key: string, parent: string | null, kind: string, code: string | null) {
    const id = crypto.randomUUID();
    const parentPath = parent ? area[parent]!.path : `/${ROOT_AREA_ID}/`;
    const path = `${parentPath}${id}/`;
    await rt.db.query('INSERT INTO areas (id, parent_id, kind, name, code, path) VALUES ($1, $2, $3, $4, $5, $6)', [id, parent ? area[parent]!.id : ROOT_AREA_ID, kind, `Địa bàn ${key}`, code, path]);
    area[key] = { id, path };
  }

  async function addEpisode(stationId: string | null): Promise<string> {
    const id = crypto.randomUUID();
    await rt.db.query(
      `INSERT INTO episodes (id, title, language, status, duration_sec, original_key, original_size_bytes, original_sha256, station_id, ready_at, created_at)
       VALUES ($1, $2, 'vi', 'ready', 60, $3, 1, 'x', $4, now() - interval '1 day', now() - interval '1 day')`,
      [id, `Chương trình ${id.slice(0, 4)}`, `originals/${id}`, stationId],
    );
    return id;
  }

  async function draftPlan(stationId: string): Promise<{ planId: string; airingId: string }> {
    // Each draft in a week of its own, so approving one never meets another's airings.
    const res = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationId], airingsPerStation: 1, ...dates(10 + 3 * week++) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { planId: res.body.plan.id, airingId: res.body.stations[0].airings[0].id };
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    rt = await startRuntime(testConfig({ s3Endpoint: s3.endpoint, bucket: s3.bucket }));
    await addArea('P', null, 'province', '11');
    await addArea('G', 'P', 'grouping', null);
    await addArea('C1', 'G', 'commune', '11001');
    await addArea('C2', 'G', 'commune', '11002');
    await addArea('Q', null, 'province', '22');
    await addArea('D1', 'Q', 'commune', '22001');
    episodeId = await addEpisode(null);
    const grid = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', durationMin: 60 }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', durationMin: 60 }];
    for (const [key, code, commune] of [['S1', '11001', 'C1'], ['S2', '22001', 'D1']] as const) {
      const created = await call(ADMIN_TOKEN, 'POST', '/api/v1/stations', { code, name: `Đài xã ${code}`, grid });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const stationId = created.body.id as string;
      await rt.db.query('UPDATE stations SET area_id = $2 WHERE id = $1', [stationId, area[commune]!.id]);
      const devices = (await call(ADMIN_TOKEN, 'GET', `/api/v1/stations/${stationId}/devices`)).body.items;
      const plan = await call(ADMIN_TOKEN, 'POST', '/api/v1/plans', { episodeId, stationIds: [stationId], airingsPerStation: 2, ...dates(1) });
      expect(plan.status, JSON.stringify(plan.body)).toBe(201);
      expect((await call(ADMIN_TOKEN, 'POST', `/api/v1/plans/${plan.body.plan.id}/approve`)).status).toBe(200);
      const airing = plan.body.stations[0].airings[0];
      // An open alert, so the narrowed alert list has something of each station to show or hide.
      await rt.db.query(`INSERT INTO alerts (id, kind, subject, station_id, details, opened_at) VALUES ($1, 'device_offline', $2, $3, '{}', now())`, [crypto.randomUUID(), `device_offline:${stationId}`, stationId]);
      sides[key] = {
        stationId,
        areaId: area[commune]!.id,
        deviceId: devices[0].id,
        deviceName: devices[0].name,
        stationName: created.body.name,
        areaName: `Địa bàn ${commune}`,
        ownEpisodeId: await addEpisode(stationId),
        planId: plan.body.plan.id,
        airingId: airing.id,
        airingStartsAt: airing.startsAt,
      };
    }
    for (const at of ['P', 'C1', 'Q'] as const) {
      for (const role of ROLES) {
        const id = crypto.randomUUID();
        const token = newToken();
        await rt.db.query('INSERT INTO users (id, name, login, role, area_id) VALUES ($1, $2, $3, $4, $5)', [id, `${role} ${at}`, `${role}.${at.toLowerCase()}`, role, area[at]!.id]);
        await rt.db.query('INSERT INTO api_tokens (id, user_id, token_hash) VALUES ($1, $2, $3)', [crypto.randomUUID(), id, hashToken(token)]);
        actors.push({ role, at, token });
      }
    }
  }, 60_000);

  afterAll(async () => {
    await rt?.close();
    if (rt) await clearQueuePrefix(rt.config.redis.prefix);
    await s3?.close();
  });

  // S1 sits in C1 (below P); S2 in D1 (below Q).
  const inside = (at: 'P' | 'C1' | 'Q', target: 'S1' | 'S2') => (target === 'S1' ? at === 'P' || at === 'C1' : at === 'Q');

  for (const resource of [...new Set(CASES.map((c) => c.resource))]) {
    it(`${resource}: every role × own area / other area × read / write`, async () => {
      let checked = 0;
      for (const c of CASES.filter((x) => x.resource === resource)) {
        for (const actor of actors) {
          for (const target of ['S1', 'S2'] as const) {
            const side = sides[target];
            const req = await c.call({ side, episodeId, freshPlan: () => draftPlan(side.stationId) });
            const res = await call(actor.token, req.method, req.url, req.body);
            const label = `${actor.role}@${actor.at} ${c.op} ${req.method} ${req.url} (${target}) → ${res.status} ${JSON.stringify(res.body?.error?.code ?? '')}`;
            const granted = MAY[actor.role].has(c.permission);
            if (!granted) {
              expect(res.status, label).toBe(403);
              expect(res.body.error.code, label).toBe('FORBIDDEN');
            } else if (c.expect.kind === 'gate') {
              expect(res.status, label).not.toBe(403);
              expect(res.status, label).toBeLessThan(500);
            } else if (c.expect.kind === 'list') {
              expect(res.status, label).toBe(200);
              expect(c.expect.contains(res, side), label).toBe(inside(actor.at, target));
            } else if (inside(actor.at, target)) {
              expect(res.status, label).toBe(c.expect.ok);
            } else {
              expect(res.status, label).toBe(c.expect.outside?.status ?? 403);
              expect(res.body.error.code, label).toBe(c.expect.outside?.code ?? 'OTHER_AREA');
            }
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('the station device reads only its own clusters and is refused everything else', async () => {
    // Not part of the people's matrix: a device token, for its station S1.
    const token = (await call(ADMIN_TOKEN, 'POST', `/api/v1/stations/${sides.S1.stationId}/rotate-token`)).body.token as string;
    expect((await call(token, 'GET', `/api/v1/stations/${sides.S1.stationId}/devices`)).status).toBe(200);
    const other = await call(token, 'GET', `/api/v1/stations/${sides.S2.stationId}/devices`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('OTHER_STATION');
    for (const url of [`/api/v1/stations/${sides.S1.stationId}`, '/api/v1/fleet', '/api/v1/plans', `/api/v1/reports/compliance?${period()}`]) {
      expect((await call(token, 'GET', url)).status, url).toBe(403);
    }
    expect((await call(token, 'GET', '/api/v1/station/manifest')).status).toBe(200);
  });

  it('the compliance report rolls up P → G → C1 for the province, and shows a commune only itself', async () => {
    const admin = actors.find((a) => a.role === 'viewer' && a.at === 'P')!;
    const p = await call(admin.token, 'GET', `/api/v1/reports/compliance?${period()}`);
    expect(p.body.areas.map((a: { areaId: string; depth: number }) => [a.areaId, a.depth])).toEqual([
      [area.P!.id, 0],
      [area.G!.id, 1],
      [area.C1!.id, 2],
    ]);
    // The province holds only S1 here: its subtotal is the report's totals line, counted the same way.
    expect(p.body.areas[0].stations).toBe(1);
    expect(p.body.areas[0].totals).toEqual(p.body.totals);
    expect(p.body.areas[2].totals).toEqual(p.body.totals);
    const c = await call(actors.find((a) => a.role === 'viewer' && a.at === 'C1')!.token, 'GET', `/api/v1/reports/compliance?${period()}`);
    expect(c.body.areas.map((a: { areaId: string }) => a.areaId)).toEqual([area.C1!.id]);
    const everything = await call(ADMIN_TOKEN, 'GET', `/api/v1/reports/compliance?${period()}`);
    expect(everything.body.areas.map((a: { areaId: string }) => a.areaId)).toEqual([ROOT_AREA_ID, area.P!.id, area.G!.id, area.C1!.id, area.Q!.id, area.D1!.id]);
    const csv = await fetch(`${rt.url}/api/v1/reports/compliance?${period()}&format=csv`, { headers: { authorization: `Bearer ${admin.token}` } });
    const text = await csv.text();
    expect(text).toContain('Địa bàn C1');
    expect(text).not.toContain('Địa bàn D1');
  });

  it('a plan for an area reaches every active station below it, and records the area', async () => {
    const editorP = actors.find((a) => a.role === 'editor' && a.at === 'P')!;
    const res = await call(editorP.token, 'POST', '/api/v1/plans', { episodeId, areaIds: [area.G!.id], ...dates(300) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.stations.map((s: { stationId: string }) => s.stationId)).toEqual([sides.S1.stationId]);
    expect(res.body.plan.areas.map((a: { id: string }) => a.id)).toEqual([area.G!.id]);
    // C2 has no station: nothing to plan, said so.
    const empty = await call(editorP.token, 'POST', '/api/v1/plans', { episodeId, areaIds: [area.C2!.id], ...dates(300) });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe('NO_STATIONS');
    // "all" from a province means all of the province.
    const all = await call(editorP.token, 'POST', '/api/v1/plans', { episodeId, stationIds: 'all', ...dates(300) });
    expect(all.body.stations.map((s: { stationId: string }) => s.stationId)).toEqual([sides.S1.stationId]);
    expect((await call(editorP.token, 'POST', '/api/v1/plans', { episodeId, areaIds: [area.Q!.id], ...dates(300) })).body.error.code).toBe('OTHER_AREA');
  });
});
