/**
 * The one database interface the repositories see. Two adapters implement it: node-postgres against a real
 * PostgreSQL server, and PGlite (PostgreSQL in WASM, in-process) for the embedded default.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /** A hot statement (every device's manifest read): PostgreSQL parses and plans it once per connection. */
  readonly prepare?: string;
}

export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], opts?: QueryOptions): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
