/**
 * The on-disk layout of the SQLite store, kine-style: one append-only `log` with a
 * global revision, plus `current`, the newest value of every live key, so that reads of
 * the present never search the log. Older revisions are read from the log.
 */
import { StoreError } from "../store.js";
import type { SqliteDatabase } from "./sqlite-database.js";

/** Bumped when the layout changes; kept in SQLite's `user_version`. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
  -- Every write, in revision order. A delete row has deleted = 1 and no value.
  -- prev_revision is the revision of the value this write replaced (0 for a create),
  -- which gives a watch its prevKv and lets compaction find superseded rows.
  CREATE TABLE log (
    revision        INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL,
    deleted         INTEGER NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision   INTEGER NOT NULL,
    value           BLOB
  );
  -- Reads at an older revision look up the newest row of a key at or before it.
  CREATE INDEX log_key_revision ON log (key, revision);

  CREATE TABLE current (
    key             TEXT    NOT NULL PRIMARY KEY,
    create_revision INTEGER NOT NULL,
    mod_revision    INTEGER NOT NULL,
    value           BLOB    NOT NULL
  );

  -- compacted_revision: reads below it fail. revision_floor: the current revision when
  -- the log was last compacted; compaction may remove the newest log row (a delete), and
  -- the revision must not go back after a restart.
  CREATE TABLE meta (
    name  TEXT    NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/** Creates the tables in an empty database; refuses a layout this code does not know. */
export function migrateSqliteSchema(db: SqliteDatabase): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version !== 0) {
    throw new StoreError(`sqlite store: unknown schema version ${version} (this Peapod knows ${SCHEMA_VERSION})`);
  }
  db.transaction(() => {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
