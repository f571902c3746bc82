import { describe, expect, it } from 'vitest';
import { decide, inScope, isWithin, listScopeOf, PERMISSIONS, readsWholeLibrary, type AccessPrincipal, type Permission, type PrincipalRole } from '../../src/domain/access/policy.js';

// root → province P → commune C; another province Q. Paths as the migration builds them.
const ROOT = '/r/';
const P = '/r/p/';
const C = '/r/p/c/';
const Q = '/r/q/';

/**
 * What each role may do at all, written out here rather than read from GRANTS: the behaviour before areas
 * existed (requireRole lists of the routes), so a changed grant fails this test instead of passing silently.
 */
const MAY: Record<PrincipalRole, readonly Permission[]> = {
  admin: PERMISSIONS.filter((p) => p !== 'station.feed'),
  editor: ['area.read', 'station.read', 'device.read', 'episode.read', 'episode.upload', 'bulletin.create', 'plan.read', 'plan.create', 'plan.cancel', 'airing.read', 'airing.move', 'airing.cancel', 'airing.markAired', 'stats.read', 'alerts.read', 'fleet.read'],
  operator: ['area.read', 'station.read', 'device.read', 'episode.read', 'episode.upload', 'bulletin.create', 'airing.read', 'airing.markAired', 'stats.read', 'alerts.read', 'fleet.read'],
  viewer: ['area.read', 'station.read', 'device.read', 'episode.read', 'plan.read', 'airing.read', 'stats.read', 'alerts.read', 'fleet.read'],
  station: ['station.feed', 'device.read'],
};

const person = (role: PrincipalRole, areaPath: string | null, stationId: string | null = null): AccessPrincipal => ({ role, areaPath, stationId });

describe('access policy: every role × permission × where', () => {
  const roles: PrincipalRole[] = ['admin', 'editor', 'operator', 'viewer'];
  // Acting from province P: its commune C is "own" (below), Q is "other", the root is "above".
  const places = [
    { where: 'own area', areaPath: P, inside: true },
    { where: 'below its area', areaPath: C, inside: true },
    { where: 'another area', areaPath: Q, inside: false },
    { where: 'above its area', areaPath: ROOT, inside: false },
  ];
  for (const role of roles) {
    for (const permission of PERMISSIONS) {
      const granted = MAY[role].includes(permission);
      it(`${role} ${granted ? 'may' : 'may not'} ${permission}`, () => {
        const p = person(role, P);
        // Things of the whole installation (no area): the role alone decides.
        expect(decide(p, permission)).toEqual(granted ? { allowed: true } : { allowed: false, reason: 'role' });
        for (const { where, areaPath, inside } of places) {
          const d = decide(p, permission, { areaPath, stationId: 's1' });
          const expected = !granted ? { allowed: false, reason: 'role' } : inside ? { allowed: true } : { allowed: false, reason: 'area' };
          expect(d, where).toEqual(expected);
        }
      });
    }
  }

  it('the bootstrap ADMIN_TOKEN (no area) acts everywhere, but never as a station', () => {
    const root = person('admin', null);
    for (const areaPath of [ROOT, P, C, Q]) expect(decide(root, 'station.manage', { areaPath, stationId: 's1' })).toEqual({ allowed: true });
    expect(decide(root, 'station.feed')).toEqual({ allowed: false, reason: 'role' });
  });

  it('a station device acts only for its own station, and only as a device', () => {
    const device = person('station', C, 's1');
    for (const permission of PERMISSIONS) {
      const own = decide(device, permission, { areaPath: C, stationId: 's1' });
      const other = decide(device, permission, { areaPath: C, stationId: 's2' });
      if (MAY.station.includes(permission)) {
        expect(own, permission).toEqual({ allowed: true });
        expect(other, permission).toEqual({ allowed: false, reason: 'station' });
        // Its own feed needs no resource: the device is the resource.
        expect(decide(device, permission), permission).toEqual({ allowed: true });
      } else {
        expect(own, permission).toEqual({ allowed: false, reason: 'role' });
      }
    }
    expect(decide(person('station', C, null), 'station.feed')).toEqual({ allowed: false, reason: 'station' });
  });

  it('an operator tied to a station reaches no other station, even in its own area', () => {
    const op = person('operator', ROOT, 's1');
    expect(decide(op, 'station.read', { areaPath: C, stationId: 's1' })).toEqual({ allowed: true });
    expect(decide(op, 'station.read', { areaPath: C, stationId: 's2' })).toEqual({ allowed: false, reason: 'station' });
    expect(decide(op, 'airing.markAired', { areaPath: Q, stationId: 's2' })).toEqual({ allowed: false, reason: 'station' });
    // Areas themselves are judged by area.
    expect(decide(op, 'area.read', { areaPath: Q })).toEqual({ allowed: true });
    expect(decide(person('operator', C, 's1'), 'area.read', { areaPath: Q })).toEqual({ allowed: false, reason: 'area' });
  });

  it('"within" is a path prefix: a sibling whose id starts alike is not inside', () => {
    expect(isWithin('/r/p/c/', '/r/p/')).toBe(true);
    expect(isWithin('/r/p/', '/r/p/')).toBe(true);
    expect(isWithin('/r/pq/', '/r/p/')).toBe(false);
    expect(isWithin('/r/', '/r/p/')).toBe(false);
  });

  it('list scopes: a province sees its communes, a commune only itself, a tied operator only its station', () => {
    const stations = [
      { id: 's1', areaPath: C },
      { id: 's2', areaPath: C },
      { id: 's3', areaPath: Q },
    ];
    const seen = (p: AccessPrincipal) => stations.filter((s) => inScope(listScopeOf(p), s)).map((s) => s.id);
    expect(seen(person('admin', null))).toEqual(['s1', 's2', 's3']);
    expect(seen(person('viewer', P))).toEqual(['s1', 's2']);
    expect(seen(person('editor', C))).toEqual(['s1', 's2']);
    expect(seen(person('viewer', Q))).toEqual(['s3']);
    expect(seen(person('operator', ROOT, 's2'))).toEqual(['s2']);
  });

  it('the centre\'s library is for every reader but an operator (and a device)', () => {
    expect((['admin', 'editor', 'viewer'] as const).map((r) => readsWholeLibrary(person(r, P)))).toEqual([true, true, true]);
    expect(readsWholeLibrary(person('operator', C))).toBe(false);
    expect(readsWholeLibrary(person('station', C, 's1'))).toBe(false);
  });
});
