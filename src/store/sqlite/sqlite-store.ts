/**
 * The embedded store: SQLite through better-sqlite3, laid out as a log with one global
 * revision (sqlite-schema.ts). This process is the only writer (the database is opened
 * with an exclusive lock), so the revision counter lives in memory and watch events are
 * fanned out in process as writes commit.
 *
 * Durability: WAL with synchronous=FULL, so a write is on disk when its promise
 * resolves (https://www.sqlite.org/pragma.html#pragma_synchronous). Writes that arrive
 * in the same turn of the event loop commit in one transaction and share one sync
 * (group commit); each still gets its own revision and its own outcome.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { checkKey, compareKeys, keyAfter, prefixEnd } from "../key-range.js";
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  StoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Revision,
  type Store,
  type WatchEvent,
  type WatchOptions,
} from "../store.js";
import { WatchFanout } from "../watch-fanout.js";
import { DEFAULT_MAX_QUEUED_WATCH_EVENTS } from "../watch-queue.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { migrateSqliteSchema } from "./sqlite-schema.js";
import { prepareSqliteStatements, type LogEventRow, type SqliteStatements } from "./sqlite-statements.js";
import { watchSqlite, type SqliteWatchSource } from "./sqlite-watch.js";

export interface SqliteStoreOptions {
  /** A watcher further behind than this many events is ended with WatcherTooSlowError. */
  readonly maxQueuedWatchEvents?: number;
}

export interface OpenSqliteStoreOptions extends SqliteStoreOptions {
  /** The database file; its directory is created. `:memory:` keeps nothing. */
  readonly path: string;
}

type Write =
  | { readonly verb: "create"; readonly key: string; readonly value: Uint8Array }
  | { readonly verb: "update"; readonly key: string; readonly value: Uint8Array; readonly expected: Revision }
  | { readonly verb: "delete"; readonly key: string; readonly expected: Revision | undefined };

interface PendingWrite {
  readonly write: Write;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** What one write did inside a batch: committed with an event, or refused. */
type Outcome = { readonly event: WatchEvent; readonly result: unknown } | { readonly error: StoreError };

/** Stands for "no upper bound" in key ranges (see sqlite-statements.ts). */
const NO_UPPER_BOUND = Buffer.alloc(0);
const EMPTY_VALUE = new Uint8Array(0);

export function openSqliteStore(options: OpenSqliteStoreOptions): SqliteStore {
  const { path } = options;
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    return new SqliteStore(db, options);
  } catch (error) {
    db.close();
    if (error instanceof Error && /database is locked/i.test(error.message)) {
      throw new StoreError(`sqlite store ${path}: the database is in use by another process`);
    }
    throw error;
  }
}

export class SqliteStore implements Store {
  readonly #db: SqliteDatabase;
  readonly #sql: SqliteStatements;
  readonly #fanout: WatchFanout;
  readonly #applyBatch: (writes: readonly PendingWrite[]) => Outcome[];
  readonly #compactLog: (from: Revision, to: Revision) => void;
  readonly #watchSource: SqliteWatchSource;
  #revision: Revision;
  #compacted: Revision;
  #pending: PendingWrite[] = [];
  #flushScheduled = false;
  #closed = false;

  constructor(db: SqliteDatabase, options: SqliteStoreOptions = {}) {
    this.#db = db;
    // EXCLUSIVE first: the lock keeps a second process from writing with its own
    // revision counter, and WAL then needs no shared-memory file.
    db.pragma("locking_mode = EXCLUSIVE");
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal" && mode !== "memory") {
      throw new StoreError(`sqlite store: cannot use write-ahead logging (journal_mode is ${String(mode)})`);
    }
    db.pragma("synchronous = FULL");
    db.pragma("cache_size = -32768");
    // The checkpoint runs inside a commit, on the event loop: small and frequent ones
    // (256 pages, ~1 MiB) keep each stall short instead of a ~9 ms pause every 4 MiB.
    db.pragma("wal_autocheckpoint = 256");
    migrateSqliteSchema(db);
    this.#sql = prepareSqliteStatements(db);
    this.#fanout = new WatchFanout({
      maxQueuedEvents: options.maxQueuedWatchEvents ?? DEFAULT_MAX_QUEUED_WATCH_EVENTS,
    });
    this.#compacted = this.#meta("compacted_revision");
    const newest = (this.#sql.newestLogRevision.get() as { revision: number }).revision;
    this.#revision = Math.max(newest, this.#meta("revision_floor"), this.#compacted);
    this.#applyBatch = db.transaction((writes: readonly PendingWrite[]) => writes.map((w) => this.#apply(w.write)));
    this.#compactLog = db.transaction((from: Revision, to: Revision) => {
      this.#sql.compactReplaced.run(from, to);
      this.#sql.compactDeletes.run(from, to);
      this.#sql.putMeta.run("compacted_revision", to);
      this.#sql.putMeta.run("revision_floor", this.#revision);
    });
    this.#watchSource = {
      currentRevision: () => this.#revision,
      compactedRevision: () => this.#compacted,
      checkOpen: () => this.#checkOpen(),
      readLogEvents: (prefix, after, limit) => this.#readLogEvents(prefix, after, limit),
      subscribe: (prefix, after) => this.#fanout.subscribe(prefix, after),
    };
  }

  async get(key: string, revision?: Revision): Promise<{ revision: Revision; kv?: KeyValue }> {
    this.#checkOpen();
    const at = this.#readRevision(revision);
    if (at === this.#revision) {
      const kv = this.#sql.getCurrent.get(key) as KeyValue | undefined;
      return kv ? { revision: at, kv } : { revision: at };
    }
    const row = this.#sql.getAt.get(key, at) as (KeyValue & { deleted: number }) | undefined;
    if (!row || row.deleted) return { revision: at };
    const kv = { key: row.key, value: row.value, createRevision: row.createRevision, modRevision: row.modRevision };
    return { revision: at, kv };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#checkOpen();
    const at = this.#readRevision(options.revision);
    const end = prefixEnd(prefix) ?? NO_UPPER_BOUND;
    let start = prefix;
    if (options.after !== undefined) {
      const next = keyAfter(options.after);
      if (compareKeys(next, prefix) > 0) start = next;
    }
    const limit = options.limit ?? 0;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError("list limit must be a non-negative integer");
    const sqlLimit = limit === 0 ? -1 : limit;
    const current = at === this.#revision;
    const kvs = (
      current ? this.#sql.listCurrent.all(start, end, sqlLimit) : this.#sql.listAt.all(start, end, at, at, sqlLimit)
    ) as KeyValue[];
    let remaining = 0;
    if (limit > 0 && kvs.length === limit) {
      const rest = keyAfter(kvs[kvs.length - 1]!.key);
      const row = (current ? this.#sql.countCurrent.get(rest, end) : this.#sql.countAt.get(rest, end, at, at)) as {
        count: number;
      };
      remaining = row.count;
    }
    return { revision: at, kvs, remaining };
  }

  async count(prefix: string): Promise<{ revision: Revision; count: number }> {
    this.#checkOpen();
    const row = this.#sql.countCurrent.get(prefix, prefixEnd(prefix) ?? NO_UPPER_BOUND) as { count: number };
    return { revision: this.#revision, count: row.count };
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.#enqueue({ verb: "create", key, value }) as Promise<KeyValue>;
  }

  update(key: string, value: Uint8Array, expectedModRevision: Revision): Promise<KeyValue> {
    return this.#enqueue({ verb: "update", key, value, expected: expectedModRevision }) as Promise<KeyValue>;
  }

  delete(key: string, expectedModRevision?: Revision): Promise<{ revision: Revision; prevKv: KeyValue }> {
    return this.#enqueue({ verb: "delete", key, expected: expectedModRevision }) as Promise<{
      revision: Revision;
      prevKv: KeyValue;
    }>;
  }

  watch(prefix: string, options: WatchOptions): AsyncIterable<readonly WatchEvent[]> {
    return watchSqlite(this.#watchSource, prefix, options);
  }

  async compact(revision: Revision): Promise<void> {
    this.#checkOpen();
    if (!Number.isInteger(revision) || revision < 0) throw new RangeError("compact revision must be a non-negative integer");
    if (revision > this.#revision) throw new FutureRevisionError(revision, this.#revision);
    if (revision <= this.#compacted) return;
    this.#compactLog(this.#compacted, revision);
    this.#compacted = revision;
  }

  async currentRevision(): Promise<Revision> {
    this.#checkOpen();
    return this.#revision;
  }

  async compactedRevision(): Promise<Revision> {
    this.#checkOpen();
    return this.#compacted;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Writes already accepted are committed, not dropped.
    this.#flush();
    this.#closed = true;
    this.#fanout.close(new StoreError("sqlite store is closed"));
    this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreError("sqlite store is closed");
  }

  #meta(name: string): number {
    const row = this.#sql.getMeta.get(name) as { value: number } | undefined;
    return row?.value ?? 0;
  }

  /** The revision a read is served at, after checking it is still (or already) there. */
  #readRevision(revision: Revision | undefined): Revision {
    if (revision === undefined || revision === 0) return this.#revision;
    if (!Number.isInteger(revision) || revision < 0) throw new RangeError("read revision must be a non-negative integer");
    if (revision < this.#compacted) throw new CompactedError(revision, this.#compacted);
    if (revision > this.#revision) throw new FutureRevisionError(revision, this.#revision);
    return revision;
  }

  #enqueue(write: Write): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#checkOpen();
      checkKey(write.key);
      if (write.verb !== "delete" && !(write.value instanceof Uint8Array)) {
        throw new TypeError("a store value must be a Uint8Array");
      }
      this.#pending.push({ write, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const writes = this.#pending;
    if (writes.length === 0 || this.#closed) return;
    this.#pending = [];
    const before = this.#revision;
    let outcomes: Outcome[];
    try {
      outcomes = this.#applyBatch(writes);
    } catch (error) {
      // The transaction rolled back: none of these writes happened.
      this.#revision = before;
      for (const w of writes) w.reject(error);
      return;
    }
    const events: WatchEvent[] = [];
    for (const outcome of outcomes) if ("event" in outcome) events.push(outcome.event);
    this.#fanout.publish(events);
    outcomes.forEach((outcome, i) => {
      if ("event" in outcome) writes[i]!.resolve(outcome.result);
      else writes[i]!.reject(outcome.error);
    });
  }

  /** One write inside the batch transaction; refusals are returned, not thrown. */
  #apply(write: Write): Outcome {
    const { key } = write;
    const prev = this.#sql.getCurrent.get(key) as KeyValue | undefined;
    if (write.verb === "create") {
      if (prev) return { error: new KeyExistsError(key) };
      const revision = ++this.#revision;
      this.#sql.appendLog.run(revision, key, 0, revision, 0, write.value);
      this.#sql.putCurrent.run(key, revision, revision, write.value);
      const kv: KeyValue = { key, value: write.value, createRevision: revision, modRevision: revision };
      return { event: { type: "put", kv }, result: kv };
    }
    if (!prev) return { error: new KeyNotFoundError(key) };
    if (write.expected !== undefined && write.expected !== prev.modRevision) {
      return { error: new RevisionMismatchError(key, write.expected, prev.modRevision) };
    }
    const revision = ++this.#revision;
    if (write.verb === "update") {
      this.#sql.appendLog.run(revision, key, 0, prev.createRevision, prev.modRevision, write.value);
      this.#sql.putCurrent.run(key, prev.createRevision, revision, write.value);
      const kv: KeyValue = { key, value: write.value, createRevision: prev.createRevision, modRevision: revision };
      return { event: { type: "put", kv, prevKv: prev }, result: kv };
    }
    this.#sql.appendLog.run(revision, key, 1, prev.createRevision, prev.modRevision, null);
    this.#sql.deleteCurrent.run(key);
    const kv: KeyValue = { key, value: EMPTY_VALUE, createRevision: 0, modRevision: revision };
    return { event: { type: "delete", kv, prevKv: prev }, result: { revision, prevKv: prev } };
  }

  #readLogEvents(prefix: string, afterRevision: Revision, limit: number): WatchEvent[] {
    const rows = this.#sql.logEvents.all(afterRevision, prefix, prefixEnd(prefix) ?? NO_UPPER_BOUND, limit) as LogEventRow[];
    return rows.map((row) => {
      const prevKv: KeyValue | undefined =
        row.prevValue === null
          ? undefined
          : { key: row.key, value: row.prevValue, createRevision: row.prevCreateRevision!, modRevision: row.prevRevision };
      if (row.deleted) {
        const kv: KeyValue = { key: row.key, value: EMPTY_VALUE, createRevision: 0, modRevision: row.revision };
        return prevKv ? { type: "delete", kv, prevKv } : { type: "delete", kv };
      }
      const kv: KeyValue = { key: row.key, value: row.value!, createRevision: row.createRevision, modRevision: row.revision };
      return prevKv ? { type: "put", kv, prevKv } : { type: "put", kv };
    });
  }
}
