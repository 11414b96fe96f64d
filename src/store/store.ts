/**
 * The storage contract: a key/value log with one global revision, shaped like etcd v3.
 *
 * Vocabulary
 * - A *revision* is a positive integer that grows by one with every successful write
 *   (create, update, delete) anywhere in the store. It never goes backwards, also not
 *   across a restart or a crash. The API server hands it out as `resourceVersion`.
 * - Every key carries `createRevision` (the write that created it) and `modRevision`
 *   (the write that last changed it). Updates and deletes may be conditioned on
 *   `modRevision` (optimistic concurrency).
 * - Keys are strings that sort bytewise; a *prefix* selects a subtree such as
 *   `/registry/pods/default/`.
 * - *Compaction* forgets the history before a revision: reads at, and watches from, an
 *   older revision fail with `CompactedError`. The current state of every key is kept.
 *
 * Watch guarantees
 * - `watch(prefix, { fromRevision: r })` delivers every change to a key under the prefix
 *   with a revision greater than `r`, in revision order, each exactly once, with no gap.
 *   Changes in one batch share nothing but order; batches are just for efficiency.
 * - A watcher that does not keep up is ended with `WatcherTooSlowError` instead of
 *   holding up the writers or the other watchers; it may resume from the last revision
 *   it saw.
 * - Aborting the signal ends the iteration without an error.
 *
 * Durability: a write whose promise resolved survives a crash of the process (kill -9).
 * The store knows nothing of Kubernetes kinds: values are opaque bytes.
 */

export type Revision = number;

export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createRevision: Revision;
  readonly modRevision: Revision;
}

/**
 * A put carries the new value and, when the key existed before, the value it replaced.
 * A delete carries, as etcd does, the key with an empty value, `createRevision` 0 and the
 * delete's revision as `modRevision`; `prevKv` holds the value that was deleted.
 */
export type WatchEvent =
  | { readonly type: "put"; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  | { readonly type: "delete"; readonly kv: KeyValue; readonly prevKv?: KeyValue };

export interface ListOptions {
  /** Read the state as of this revision (absent or 0: the current one, as in etcd). */
  readonly revision?: Revision;
  /** Only keys greater than this one (for paging; the key itself is excluded). */
  readonly after?: string;
  /** At most this many keys (default: all). */
  readonly limit?: number;
}

export interface ListResult {
  /** The revision the list was read at. */
  readonly revision: Revision;
  readonly kvs: readonly KeyValue[];
  /** Keys under the prefix past the last one returned (at the same revision). */
  readonly remaining: number;
}

export interface WatchOptions {
  /** Deliver changes with revisions greater than this one. */
  readonly fromRevision: Revision;
  readonly signal: AbortSignal;
}

export interface Store {
  /** The value of `key`, or no kv if it does not exist; `revision` is the revision read at. */
  get(key: string, revision?: Revision): Promise<{ revision: Revision; kv?: KeyValue }>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys under the prefix at the current revision. */
  count(prefix: string): Promise<{ revision: Revision; count: number }>;
  /** Throws KeyExistsError if the key exists. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /** Throws KeyNotFoundError if the key is gone, RevisionMismatchError if modRevision differs. */
  update(key: string, value: Uint8Array, expectedModRevision: Revision): Promise<KeyValue>;
  /**
   * Deletes the key; with `expectedModRevision`, only if it still has that modRevision.
   * Returns the deleted value and the revision of the delete. Throws KeyNotFoundError.
   */
  delete(key: string, expectedModRevision?: Revision): Promise<{ revision: Revision; prevKv: KeyValue }>;
  /** Batches of changes under `prefix`; throws CompactedError if `fromRevision` was compacted. */
  watch(prefix: string, options: WatchOptions): AsyncIterable<readonly WatchEvent[]>;
  /**
   * Forget history before `revision`: the state at `revision` itself stays readable.
   * Compacting at or before the compacted revision does nothing; compacting a revision
   * newer than the current one throws FutureRevisionError.
   */
  compact(revision: Revision): Promise<void>;
  currentRevision(): Promise<Revision>;
  /**
   * The oldest revision a read or watch may still ask for (0 if nothing was compacted):
   * reads below it and watches from below it throw CompactedError (etcd still serves a
   * watch from one below it, as the change at it is kept; callers must not rely on that).
   */
  compactedRevision(): Promise<Revision>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown by create when the key exists. */
export class KeyExistsError extends StoreError {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}

/** Thrown by update and delete when the key does not exist. */
export class KeyNotFoundError extends StoreError {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}

/** Thrown when a conditional write finds another modRevision than the one expected. */
export class RevisionMismatchError extends StoreError {
  constructor(readonly key: string, readonly expected: Revision, readonly actual: Revision) {
    super(`revision mismatch on ${key}: expected ${expected}, found ${actual}`);
  }
}

/** Thrown when a read or watch asks for a revision older than the compacted one. */
export class CompactedError extends StoreError {
  constructor(readonly requested: Revision, readonly compacted: Revision) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
  }
}

/** Thrown when a read asks for a revision newer than the current one. */
export class FutureRevisionError extends StoreError {
  constructor(readonly requested: Revision, readonly current: Revision) {
    super(`required revision ${requested} is a future revision (current ${current})`);
  }
}

/** Ends a watch whose consumer fell too far behind; resume from the last revision seen. */
export class WatcherTooSlowError extends StoreError {
  constructor(readonly lastRevision: Revision) {
    super(`watcher fell behind at revision ${lastRevision}`);
  }
}
