import type { Queryable } from './database.js';

// PostgreSQL allows 65,535 parameters per statement; 500 rows of a dozen columns stays well below.
const ROWS_PER_STATEMENT = 500;

/**
 * Multi-row INSERT in batches: plans for "all" stations and play batches write thousands of rows, and one statement
 * per row would be thousands of round trips. Returns the rows the statements returned (use `tail` for RETURNING).
 */
export async function insertMany<R = Record<string, unknown>>(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  tail = '',
): Promise<R[]> {
  const returned: R[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const values = rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => {
      const first = params.length + 1;
      params.push(...row);
      return `(${row.map((_, j) => `$${first + j}`).join(', ')})`;
    });
    const r = await db.query<R>(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')} ${tail}`, params);
    returned.push(...r.rows);
  }
  return returned;
}
