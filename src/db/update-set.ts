/**
 * The SET clause of a partial update: `column = $n` for every field of the patch that is not undefined (null is a
 * value), numbered after the row's id in $1, then the fixed clauses (`updated_at = now()` and the like).
 */
export function updateSet(id: string, columns: Record<string, unknown>, fixed: readonly string[]): { set: string; params: unknown[] } {
  const params: unknown[] = [id];
  const sets: string[] = [];
  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  return { set: [...sets, ...fixed].join(', '), params };
}
