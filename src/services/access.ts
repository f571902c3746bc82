import type { Queryable } from '../db/database.js';
import { decide, listScopeOf, type AccessPrincipal, type AccessResource, type ListScope, type Permission } from '../domain/access/policy.js';
import { ServiceError } from './errors.js';

/**
 * Every service asks here whether a principal may do an action on a resource (as Immich's utils/access.ts): the
 * rule itself is the pure policy; this module only finds where a resource sits (its area path) and turns a "no"
 * into the one error people see. Routes do not check roles themselves.
 */
export const ROOT_AREA_ID = '00000000-0000-4000-8000-000000000001';
export const ROOT_AREA_PATH = `/${ROOT_AREA_ID}/`;

const REFUSALS = {
  role: { code: 'FORBIDDEN', en: 'your role may not do this', vi: 'Bạn không có quyền thực hiện thao tác này' },
  area: { code: 'OTHER_AREA', en: 'this belongs to an area outside yours', vi: 'Mục này thuộc địa bàn khác, ngoài phạm vi của bạn' },
  station: { code: 'OTHER_STATION', en: 'you may only act for your own station', vi: 'Bạn chỉ được thao tác với đài của mình' },
} as const;

export function refusal(reason: keyof typeof REFUSALS, permission: Permission): ServiceError {
  const r = REFUSALS[reason];
  // Reading another station is "xem" (see), as the dashboard has always said it.
  const vi = reason === 'station' && permission.endsWith('.read') ? 'Bạn chỉ được xem đài của mình' : r.vi;
  return new ServiceError('forbidden', r.code, `Not allowed (${permission}): ${r.en}`, vi, { permission });
}

export function assertAllowed(p: AccessPrincipal, permission: Permission, resource: AccessResource = {}): void {
  const d = decide(p, permission, resource);
  if (!d.allowed) throw refusal(d.reason, permission);
}

export const isAllowed = (p: AccessPrincipal, permission: Permission, resource: AccessResource = {}): boolean => decide(p, permission, resource).allowed;

export function accessService(db: Queryable) {
  async function stationPlace(stationId: string): Promise<{ areaPath: string } | null> {
    const r = await db.query<{ path: string }>('SELECT a.path FROM stations s JOIN areas a ON a.id = s.area_id WHERE s.id = $1', [stationId]);
    return r.rows[0] ? { areaPath: r.rows[0].path } : null;
  }
  async function areaPath(areaId: string): Promise<string | null> {
    const r = await db.query<{ path: string }>('SELECT path FROM areas WHERE id = $1', [areaId]);
    return r.rows[0]?.path ?? null;
  }
  return {
    assert: assertAllowed,
    allowed: isAllowed,
    /** A station the caller may act on; unknown ids answer 404 before any area is revealed. */
    async station(p: AccessPrincipal, permission: Permission, stationId: string): Promise<void> {
      const place = await stationPlace(stationId);
      if (!place) throw new ServiceError('not_found', 'NOT_FOUND', 'station not found', 'Không tìm thấy đài');
      assertAllowed(p, permission, { areaPath: place.areaPath, stationId });
    },
    /** Many stations in one query (a plan for thousands): the first refused one answers, as `station` would. */
    async stations(p: AccessPrincipal, permission: Permission, stationIds: readonly string[], opts: { unknown?: 'refuse' | 'skip' } = {}): Promise<void> {
      const ids = [...new Set(stationIds)];
      if (ids.length === 0) return;
      assertAllowed(p, permission);
      const r = await db.query<{ id: string; path: string }>('SELECT s.id, a.path FROM stations s JOIN areas a ON a.id = s.area_id WHERE s.id = ANY($1::uuid[])', [ids]);
      const places = new Map(r.rows.map((x) => [x.id, x.path]));
      const unknown = ids.filter((id) => !places.has(id));
      // 'skip': the caller reports unknown ids itself, in its own words (a plan's UNKNOWN_STATIONS).
      if (unknown.length > 0 && opts.unknown !== 'skip') {
        throw new ServiceError('not_found', 'NOT_FOUND', `station not found: ${unknown.join(', ')}`, 'Không tìm thấy đài', { stationIds: unknown });
      }
      for (const id of ids) if (places.has(id)) assertAllowed(p, permission, { areaPath: places.get(id)!, stationId: id });
    },
    async area(p: AccessPrincipal, permission: Permission, areaId: string): Promise<string> {
      const path = await areaPath(areaId);
      if (!path) throw new ServiceError('not_found', 'NOT_FOUND', 'area not found', 'Không tìm thấy địa bàn');
      assertAllowed(p, permission, { areaPath: path });
      return path;
    },
    /** The area path a list is narrowed to (null: everything), after checking the caller may read it at all. */
    scope(p: AccessPrincipal, permission: Permission): string | null {
      assertAllowed(p, permission);
      return p.areaPath;
    },
    /**
     * What a list shows the caller, after checking it may read such things at all: stations at or below its area,
     * and only its own station when it is tied to one. A null area path and the root's are both everything.
     */
    listScope(p: AccessPrincipal, permission: Permission): ListScope {
      assertAllowed(p, permission);
      const s = listScopeOf(p);
      return { areaPath: s.areaPath === ROOT_AREA_PATH ? null : s.areaPath, stationId: s.stationId };
    },
    /** Where a station sits (its area path), or null when there is no such station. */
    stationPlace,
  };
}
export type AccessService = ReturnType<typeof accessService>;
