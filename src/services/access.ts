import type { Queryable } from '../db/database.js';
import { decide, type AccessPrincipal, type AccessResource, type Permission } from '../domain/access/policy.js';
import { ServiceError } from './errors.js';

/**
 * Every service asks here whether a principal may do an action on a resource (as Immich's utils/access.ts): the
 * rule itself is the pure policy; this module only finds where a resource sits (its area path) and turns a "no"
 * into the one error people see. Routes do not check roles themselves.
 */
export const ROOT_AREA_ID = '00000000-0000-4000-8000-000000000001';

const REFUSALS = {
  role: { code: 'FORBIDDEN', en: 'your role may not do this', vi: 'Vai trò của bạn không được phép thực hiện thao tác này' },
  area: { code: 'OTHER_AREA', en: 'this belongs to an area outside yours', vi: 'Mục này thuộc địa bàn khác, ngoài phạm vi của bạn' },
  station: { code: 'OTHER_STATION', en: 'you may only act for your own station', vi: 'Bạn chỉ được thao tác với đài của mình' },
} as const;

export function refusal(reason: keyof typeof REFUSALS, permission: Permission): ServiceError {
  const r = REFUSALS[reason];
  return new ServiceError('forbidden', r.code, `Not allowed (${permission}): ${r.en}`, r.vi, { permission });
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
    async stations(p: AccessPrincipal, permission: Permission, stationIds: readonly string[]): Promise<void> {
      for (const id of new Set(stationIds)) await this.station(p, permission, id);
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
  };
}
export type AccessService = ReturnType<typeof accessService>;
