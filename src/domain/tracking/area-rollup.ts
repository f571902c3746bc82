import { complianceTotals, type ComplianceRow, type ComplianceTotals } from './compliance.js';

/** An area of the tree as the report names it. `path` is '/<root id>/…/<own id>/'. */
export interface AreaRef {
  readonly id: string;
  readonly parentId: string | null;
  readonly kind: string;
  readonly name: string;
  readonly code: string | null;
  readonly path: string;
}

/** One subtotal line: every row of the stations at or below the area, totalled as the report's own totals line. */
export interface AreaSubtotal {
  readonly areaId: string;
  readonly parentId: string | null;
  readonly kind: string;
  readonly name: string;
  readonly code: string | null;
  /** 0 for the top of the caller's scope, 1 for its children, … (indentation in the printed report). */
  readonly depth: number;
  readonly stations: number;
  readonly totals: ComplianceTotals;
}

const idsOf = (path: string): string[] => path.split('/').filter(Boolean);

/**
 * The report rolled up by area (province → grouping → commune): a subtotal for each area at or below `scopePath`
 * (null: the whole tree) holding at least one of the rows' stations. The totals are complianceTotals over the
 * area's rows, so an area's line means exactly what the report's totals line means. Ordered as a tree: an area
 * before its children, siblings by administrative code, then name.
 */
export function rollUpByArea(
  rows: readonly ComplianceRow[],
  stationAreaPath: ReadonlyMap<string, string>,
  areas: readonly AreaRef[],
  scopePath: string | null,
): AreaSubtotal[] {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const buckets = new Map<string, { rows: ComplianceRow[]; stations: Set<string> }>();
  for (const row of rows) {
    const path = stationAreaPath.get(row.stationId);
    if (!path) continue;
    const ids = idsOf(path);
    for (let i = 1; i <= ids.length; i++) {
      const prefix = `/${ids.slice(0, i).join('/')}/`;
      if (scopePath !== null && !prefix.startsWith(scopePath)) continue;
      const id = ids[i - 1]!;
      let b = buckets.get(id);
      if (!b) buckets.set(id, (b = { rows: [], stations: new Set() }));
      b.rows.push(row);
      b.stations.add(row.stationId);
    }
  }
  const top = scopePath === null ? 1 : idsOf(scopePath).length;
  const sortKey = (a: AreaRef) =>
    idsOf(a.path)
      .map((id) => {
        const x = byId.get(id);
        return `${x?.code ?? '\uffff'}\u0001${x?.name ?? ''}\u0001${id}`;
      })
      .join('\u0000');
  return [...buckets.entries()]
    .flatMap(([id, b]) => {
      const area = byId.get(id);
      if (!area) return [];
      const subtotal: AreaSubtotal = {
        areaId: area.id,
        parentId: area.parentId,
        kind: area.kind,
        name: area.name,
        code: area.code,
        depth: idsOf(area.path).length - top,
        stations: b.stations.size,
        totals: complianceTotals(b.rows),
      };
      return [{ key: sortKey(area), subtotal }];
    })
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map((x) => x.subtotal);
}
