/**
 * The one access rule: may this principal do this action on this resource? Pure, so every role × area × action is
 * unit-tested; services ask it through src/services/access.ts, which looks up where a resource sits.
 *
 * Scope is an area path ('/root/province/…/'): a principal acts on everything at or below its own area. A station's
 * own device acts only for its station, and so does a person tied to one station (an operator made with a station).
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
  'device.read',
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
  'airing.cancel',
  'airing.markAired',
  'playNow.read',
  'playNow.start',
  'stats.read',
  'alerts.read',
  'fleet.read',
  'station.feed',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS: Permission[] = ['area.read', 'station.read', 'device.read', 'episode.read', 'plan.read', 'airing.read', 'stats.read', 'alerts.read', 'fleet.read'];

/**
 * What each role may do at all; where it may do it is the area check below. As before areas existed: an operator
 * reads its station's schedule but not the centre's plans; approving and "phát ngay" are the admin's; a device
 * reads its own station's loudspeaker clusters and nothing of the dashboard.
 */
export const GRANTS: Readonly<Record<PrincipalRole, ReadonlySet<Permission>>> = Object.freeze({
  admin: new Set<Permission>(PERMISSIONS.filter((p) => p !== 'station.feed')),
  editor: new Set<Permission>([...READS, 'episode.upload', 'bulletin.create', 'plan.create', 'plan.cancel', 'airing.move', 'airing.cancel', 'airing.markAired']),
  operator: new Set<Permission>([...READS.filter((p) => p !== 'plan.read'), 'episode.upload', 'bulletin.create', 'airing.markAired']),
  viewer: new Set<Permission>(READS),
  station: new Set<Permission>(['station.feed', 'device.read']),
});

export interface AccessPrincipal {
  role: PrincipalRole;
  /** The area it acts for (its path); null only for the bootstrap ADMIN_TOKEN, which acts for the root. */
  areaPath: string | null;
  /** A station's device, or a person tied to one station: the one station it acts for. */
  stationId: string | null;
}

/** Where a resource sits: a station's area path, or none for things that belong to the whole installation. */
export interface AccessResource {
  areaPath?: string | null;
  stationId?: string | null;
}

export type Decision = { allowed: true } | { allowed: false; reason: 'role' | 'area' | 'station' };

export const isWithin = (path: string, scope: string): boolean => path.startsWith(scope);

const ALLOWED: Decision = { allowed: true };

export function decide(p: AccessPrincipal, permission: Permission, resource: AccessResource = {}): Decision {
  if (!GRANTS[p.role].has(permission)) return { allowed: false, reason: 'role' };
  // Tied to one station: any other station is out of reach, whatever the area says.
  if (p.stationId !== null && resource.stationId !== undefined && resource.stationId !== null && resource.stationId !== p.stationId) {
    return { allowed: false, reason: 'station' };
  }
  // A device's every action is about its own station (the feed, its clusters): nothing else to check.
  if (p.role === 'station') return p.stationId !== null ? ALLOWED : { allowed: false, reason: 'station' };
  if (resource.areaPath === undefined || resource.areaPath === null) return ALLOWED;
  if (p.areaPath === null || isWithin(resource.areaPath, p.areaPath)) return ALLOWED;
  return { allowed: false, reason: 'area' };
}

/** What a list shows this principal: stations at or below its area (null: all), and only its station when tied to one. */
export interface ListScope {
  areaPath: string | null;
  stationId: string | null;
}

export const listScopeOf = (p: AccessPrincipal): ListScope => ({ areaPath: p.areaPath, stationId: p.stationId });

/** Whether a station (where it sits) falls in a list scope: the same test the SQL filters make. */
export const inScope = (scope: ListScope, station: { id: string; areaPath: string }): boolean =>
  (scope.stationId === null || scope.stationId === station.id) && (scope.areaPath === null || isWithin(station.areaPath, scope.areaPath));

/**
 * The centre's programme library (episodes no commune made) is open to every reader but an operator, whose
 * dashboard lists only its own programmes and what was scheduled for its stations, as before areas existed.
 */
export const readsWholeLibrary = (p: AccessPrincipal): boolean => p.role !== 'operator' && p.role !== 'station';
