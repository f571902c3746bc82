/**
 * The one access rule: may this principal do this action on this resource? Pure, so every role × area × action is
 * unit-tested; services ask it through src/services/access.ts, which looks up where a resource sits.
 *
 * Scope is an area path ('/root/province/…/'): a principal acts on everything at or below its own area. A station's
 * own device acts only for its station.
 */
export const USER_ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type PrincipalRole = UserRole | 'station';

export const PERMISSIONS = [
  'area.read',
  'area.manage',
  'user.read',
  'user.manage',
  'audit.read',
  'station.read',
  'station.manage',
  'device.manage',
  'episode.read',
  'episode.upload',
  'bulletin.create',
  'plan.read',
  'plan.create',
  'plan.approve',
  'plan.cancel',
  'airing.read',
  'airing.move',
  'airing.markAired',
  'playNow.start',
  'stats.read',
  'alerts.read',
  'fleet.read',
  'station.feed',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS: Permission[] = ['area.read', 'station.read', 'episode.read', 'plan.read', 'airing.read', 'stats.read', 'alerts.read', 'fleet.read'];

/** What each role may do at all; where it may do it is the area check below. */
export const GRANTS: Readonly<Record<PrincipalRole, ReadonlySet<Permission>>> = Object.freeze({
  admin: new Set<Permission>(PERMISSIONS.filter((p) => p !== 'station.feed')),
  editor: new Set<Permission>([...READS, 'episode.upload', 'bulletin.create', 'plan.create', 'plan.cancel', 'airing.move', 'airing.markAired']),
  operator: new Set<Permission>([...READS, 'episode.upload', 'bulletin.create', 'airing.markAired']),
  viewer: new Set<Permission>(READS),
  station: new Set<Permission>(['station.feed']),
});

export interface AccessPrincipal {
  role: PrincipalRole;
  /** The area it acts for (its path); null only for the bootstrap ADMIN_TOKEN, which acts for the root. */
  areaPath: string | null;
  /** A station's device: the one station it acts for. */
  stationId: string | null;
}

/** Where a resource sits: a station's area path, or none for things that belong to the whole installation. */
export interface AccessResource {
  areaPath?: string | null;
  stationId?: string | null;
}

export type Decision = { allowed: true } | { allowed: false; reason: 'role' | 'area' | 'station' };

export const isWithin = (path: string, scope: string): boolean => path.startsWith(scope);

export function decide(p: AccessPrincipal, permission: Permission, resource: AccessResource = {}): Decision {
  if (!GRANTS[p.role].has(permission)) return { allowed: false, reason: 'role' };
  if (p.role === 'station') return resource.stationId && resource.stationId === p.stationId ? { allowed: true } : { allowed: false, reason: 'station' };
  if (resource.areaPath === undefined || resource.areaPath === null) return { allowed: true };
  if (p.areaPath === null || isWithin(resource.areaPath, p.areaPath)) return { allowed: true };
  return { allowed: false, reason: 'area' };
}
