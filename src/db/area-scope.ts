import type { ListScope } from '../domain/access/policy.js';

/**
 * The SQL form of a list scope (src/domain/access/policy.ts inScope): the station in `stationColumn` lies at or
 * below the scope's area, and is the one station of a principal tied to one. Pushes its parameters onto `params`;
 * 'true' when the scope is everything, so the common case costs the query nothing.
 */
export function stationInScope(scope: ListScope | undefined, stationColumn: string, params: unknown[]): string {
  if (!scope) return 'true';
  const conds: string[] = [];
  if (scope.stationId !== null) conds.push(`${stationColumn} = $${params.push(scope.stationId)}::uuid`);
  if (scope.areaPath !== null) {
    conds.push(`${stationColumn} IN (SELECT sc.id FROM stations sc JOIN areas ac ON ac.id = sc.area_id WHERE starts_with(ac.path, $${params.push(scope.areaPath)}::text))`);
  }
  return conds.length > 0 ? `(${conds.join(' AND ')})` : 'true';
}
