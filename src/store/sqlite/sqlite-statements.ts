/**
 * Every SQL statement of the SQLite store, prepared once. Rows come back already shaped
 * as the store's types (column aliases), so reads allocate nothing per row beyond what
 * better-sqlite3 creates.
 *
 * Key ranges are `key >= start AND key < end`. With no upper bound `end` is an empty
 * BLOB: SQLite orders every TEXT value before every BLOB, so the bound always holds and
 * the index stays usable (https://www.sqlite.org/datatype3.html#sort_order).
 */
import type { KeyValue } from "../store.js";
import type { SqliteDatabase, SqliteStatement } from "./sqlite-database.js";

/** A log row joined with the row it replaced, as a watch replays it. */
export interface LogEventRow {
  readonly revision: number;
  readonly key: string;
  readonly deleted: 0 | 1;
  readonly value: Uint8Array | null;
  readonly createRevision: number;
  readonly prevRevision: number;
  readonly prevValue: Uint8Array | null;
  readonly prevCreateRevision: number | null;
}

export type KeyValueRow = KeyValue;

export interface SqliteStatements {
  /** (key) → KeyValueRow */
  readonly getCurrent: SqliteStatement;
  /** (key, revision) → KeyValueRow & { deleted } — the newest log row at or before revision */
  readonly getAt: SqliteStatement;
  /** (start, end, limit) → KeyValueRow[] */
  readonly listCurrent: SqliteStatement;
  /** (start, end) → { count } */
  readonly countCurrent: SqliteStatement;
  /** (start, end, revision, revision, limit) → KeyValueRow[] */
  readonly listAt: SqliteStatement;
  /** (start, end, revision, revision) → { count } */
  readonly countAt: SqliteStatement;
  /** (afterRevision, start, end, limit) → LogEventRow[] */
  readonly logEvents: SqliteStatement;
  /** (revision, key, deleted, createRevision, prevRevision, value) */
  readonly appendLog: SqliteStatement;
  /** (key, createRevision, modRevision, value) */
  readonly putCurrent: SqliteStatement;
  /** (key) */
  readonly deleteCurrent: SqliteStatement;
  /** () → { revision } */
  readonly newestLogRevision: SqliteStatement;
  /** (name) → { value } */
  readonly getMeta: SqliteStatement;
  /** (name, value) */
  readonly putMeta: SqliteStatement;
  /** (fromRevision, toRevision): removes rows replaced by a write in (from, to] */
  readonly compactReplaced: SqliteStatement;
  /** (fromRevision, toRevision): removes delete rows in (from, to] */
  readonly compactDeletes: SqliteStatement;
}

// The newest row of each key at or before a revision, unless it is a delete.
// Parameters: start, end, revision, revision (better-sqlite3 has no numbered ?NNN).
const LIVE_AT = `
  FROM log AS l
  WHERE l.key >= ? AND l.key < ? AND l.revision <= ? AND l.deleted = 0
    AND NOT EXISTS (
      SELECT 1 FROM log AS newer
      WHERE newer.key = l.key AND newer.revision > l.revision AND newer.revision <= ?
    )`;

export function prepareSqliteStatements(db: SqliteDatabase): SqliteStatements {
  return {
    getCurrent: db.prepare(
      `SELECT key, value, create_revision AS createRevision, mod_revision AS modRevision
       FROM current WHERE key = ?`,
    ),
    getAt: db.prepare(
      `SELECT key, value, create_revision AS createRevision, revision AS modRevision, deleted
       FROM log WHERE key = ? AND revision <= ? ORDER BY revision DESC LIMIT 1`,
    ),
    listCurrent: db.prepare(
      `SELECT key, value, create_revision AS createRevision, mod_revision AS modRevision
       FROM current WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`,
    ),
    countCurrent: db.prepare(`SELECT count(*) AS count FROM current WHERE key >= ? AND key < ?`),
    listAt: db.prepare(
      `SELECT l.key, l.value, l.create_revision AS createRevision, l.revision AS modRevision
       ${LIVE_AT} ORDER BY l.key LIMIT ?`,
    ),
    countAt: db.prepare(`SELECT count(*) AS count ${LIVE_AT}`),
    // `+l.key` keeps SQLite from choosing the key index: a watch reads the log in
    // revision order from a recent revision, which the primary key serves directly
    // (https://www.sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
    logEvents: db.prepare(
      `SELECT l.revision, l.key, l.deleted, l.value, l.create_revision AS createRevision,
              l.prev_revision AS prevRevision, p.value AS prevValue,
              p.create_revision AS prevCreateRevision
       FROM log AS l LEFT JOIN log AS p ON p.revision = l.prev_revision AND l.prev_revision > 0
       WHERE l.revision > ? AND +l.key >= ? AND +l.key < ?
       ORDER BY l.revision LIMIT ?`,
    ),
    appendLog: db.prepare(
      `INSERT INTO log (revision, key, deleted, create_revision, prev_revision, value)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    putCurrent: db.prepare(
      `INSERT INTO current (key, create_revision, mod_revision, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET create_revision = excluded.create_revision,
         mod_revision = excluded.mod_revision, value = excluded.value`,
    ),
    deleteCurrent: db.prepare(`DELETE FROM current WHERE key = ?`),
    newestLogRevision: db.prepare(`SELECT coalesce(max(revision), 0) AS revision FROM log`),
    getMeta: db.prepare(`SELECT value FROM meta WHERE name = ?`),
    putMeta: db.prepare(
      `INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    ),
    // A row at or before the compaction revision is history once a later write at or
    // before it replaced the key; only writes since the previous compaction can have
    // replaced a row that is still there.
    compactReplaced: db.prepare(
      `DELETE FROM log WHERE revision IN (
         SELECT prev_revision FROM log
         WHERE revision > ? AND revision <= ? AND prev_revision > 0)`,
    ),
    compactDeletes: db.prepare(`DELETE FROM log WHERE revision > ? AND revision <= ? AND deleted = 1`),
  };
}
