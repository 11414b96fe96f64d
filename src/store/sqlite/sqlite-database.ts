/**
 * The subset of better-sqlite3 that the SQLite store uses (kysely's `SqliteDatabase`
 * idea): it makes the dependency visible, and anything with these methods can stand in.
 * better-sqlite3 is synchronous, which the store relies on: a statement and the code
 * around it run in one tick, with no other write in between.
 */

export interface SqliteStatement {
  run(...params: unknown[]): { readonly changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  /** Runs statements without results (schema). */
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps `fn` in BEGIN/COMMIT, rolling back if it throws. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): unknown;
}
