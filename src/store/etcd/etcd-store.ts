/**
 * The distributed store: etcd v3 over gRPC (the `etcd3` package). Every revision is
 * etcd's own (`header.revision`, `mod_revision`), so several Peapod API servers on one
 * cluster hand out the same resourceVersions. Each write is one txn, shaped like those
 * of the Kubernetes apiserver's etcd3 storage (k8s.io/apiserver/pkg/storage/etcd3/store.go):
 * create requires that the key does not exist; update and delete compare mod_revision and
 * read the key in the failure branch, so telling a conflict from a missing key costs no
 * second round trip.
 *
 * compactedRevision(): etcd has no call that returns it. A read at revision r fails with
 * "required revision has been compacted" exactly when r is below it, and it only grows,
 * so the store remembers the last value found, checks it with one read and searches
 * upwards only when someone (this or another server) compacted further. This stays
 * correct whoever compacts, and writes nothing.
 *
 * Retries: the etcd3 client retries calls that failed with a transient gRPC error. A
 * create whose first attempt committed but whose reply was lost then reports
 * KeyExistsError; the API server's callers see a conflict and re-read, as with etcd's
 * own clients.
 */
import { Etcd3, type ICompare, type IKeyValue, type IRangeRequest, type IRangeResponse } from "etcd3";
import { checkKey, compareKeys, keyAfter } from "../key-range.js";
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
import { DEFAULT_MAX_QUEUED_WATCH_EVENTS } from "../watch-queue.js";
import { EtcdWatchSession, toKeyValue, type EtcdKeyRange } from "./etcd-watch.js";

export interface EtcdStoreOptions {
  /** Client URLs of the members: `host:port` or `http://host:port`. */
  readonly endpoints: readonly string[];
  /** A watcher further behind than this many events is ended with WatcherTooSlowError. */
  readonly maxQueuedWatchEvents?: number;
  /** openEtcdStore fails when no member answers within this time. */
  readonly dialTimeoutMs?: number;
}

/** etcd's error texts (server/mvcc/kvstore.go ErrCompacted, ErrFutureRev). */
const COMPACTED_TEXT = "required revision has been compacted";
const FUTURE_TEXT = "required revision is a future revision";

/** A key no one writes: the target of reads that only want a revision or a probe. */
const PROBE_KEY = Buffer.from("\u0000peapod-probe");

/** Opens a client and checks that the cluster answers. */
export async function openEtcdStore(options: EtcdStoreOptions): Promise<EtcdStore> {
  const store = new EtcdStore(options);
  const timeoutMs = options.dialTimeoutMs ?? 10_000;
  try {
    await store.ping(timeoutMs);
  } catch (error) {
    await store.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`etcd store ${options.endpoints.join(",")}: no answer within ${timeoutMs}ms: ${reason}`);
  }
  return store;
}

/** The byte range of keys under a prefix (etcd clientv3 GetPrefixRangeEnd). */
function prefixRange(prefix: string): EtcdKeyRange {
  if (prefix === "") return { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };
  const key = Buffer.from(prefix, "utf8");
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return { key, rangeEnd: end.subarray(0, i + 1) };
    }
  }
  // Only 0xff bytes: every key from the prefix on ("\0" means no upper bound).
  return { key, rangeEnd: Buffer.from([0]) };
}

function hasText(error: unknown, text: string): boolean {
  return error instanceof Error && error.message.includes(text);
}

export class EtcdStore implements Store {
  readonly #client: Etcd3;
  readonly #maxQueuedWatchEvents: number;
  readonly #watches = new Set<EtcdWatchSession>();
  #knownCompacted: Revision = 0;
  #closed = false;

  constructor(options: EtcdStoreOptions) {
    if (options.endpoints.length === 0) throw new StoreError("etcd store: no endpoints given");
    this.#client = new Etcd3({
      hosts: options.endpoints.map((e) => (e.includes("://") ? e : `http://${e}`)),
      // A LIST of many objects is one range reply; gRPC's default 4 MiB would refuse it.
      grpcOptions: { "grpc.max_receive_message_length": -1 },
    });
    this.#maxQueuedWatchEvents = options.maxQueuedWatchEvents ?? DEFAULT_MAX_QUEUED_WATCH_EVENTS;
  }

  /** Reads the revision with a deadline, to find out whether anyone answers. */
  async ping(timeoutMs: number): Promise<void> {
    await this.#client.kv.range({ key: PROBE_KEY, count_only: true }, { deadline: Date.now() + timeoutMs });
  }

  async get(key: string, revision?: Revision): Promise<{ revision: Revision; kv?: KeyValue }> {
    const res = await this.#range({ key: Buffer.from(key, "utf8"), revision: revision ?? 0 }, revision);
    const at = revision || Number(res.header.revision);
    const found = res.kvs[0];
    return found ? { revision: at, kv: toKeyValue(found) } : { revision: at };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const range = prefixRange(prefix);
    let key = range.key;
    if (options.after !== undefined && compareKeys(keyAfter(options.after), prefix) > 0) {
      key = Buffer.from(keyAfter(options.after), "utf8");
    }
    const limit = options.limit ?? 0;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError("list limit must be a non-negative integer");
    const res = await this.#range(
      { key, range_end: range.rangeEnd, revision: options.revision ?? 0, limit },
      options.revision,
    );
    const kvs = res.kvs.map(toKeyValue);
    // `count` is every key in the range at that revision, not only those returned.
    return { revision: options.revision || Number(res.header.revision), kvs, remaining: Number(res.count) - kvs.length };
  }

  async count(prefix: string): Promise<{ revision: Revision; count: number }> {
    const range = prefixRange(prefix);
    const res = await this.#range({ key: range.key, range_end: range.rangeEnd, count_only: true }, undefined);
    return { revision: Number(res.header.revision), count: Number(res.count) };
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    checkKey(key);
    this.#checkOpen();
    const k = Buffer.from(key, "utf8");
    const res = await this.#client.kv.txn({
      compare: [{ key: k, target: "Create", result: "Equal", create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) } }],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = Number(res.header.revision);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: Revision): Promise<KeyValue> {
    checkKey(key);
    this.#checkOpen();
    const k = Buffer.from(key, "utf8");
    const res = await this.#client.kv.txn({
      compare: [
        // create_revision > 0 keeps an expected revision of 0 from creating the key.
        { key: k, target: "Create", result: "Greater", create_revision: 0 },
        { key: k, target: "Mod", result: "Equal", mod_revision: expectedModRevision },
      ],
      success: [
        { request_put: { key: k, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength), prev_kv: true } },
      ],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.#conflict(key, expectedModRevision, res.responses[0]?.response_range.kvs[0]);
    const prev = res.responses[0]!.response_put.prev_kv;
    const revision = Number(res.header.revision);
    return { key, value, createRevision: Number(prev.create_revision), modRevision: revision };
  }

  async delete(key: string, expectedModRevision?: Revision): Promise<{ revision: Revision; prevKv: KeyValue }> {
    checkKey(key);
    this.#checkOpen();
    const k = Buffer.from(key, "utf8");
    const compare: ICompare[] = [
      { key: k, target: "Create", result: "Greater", create_revision: 0 },
    ];
    if (expectedModRevision !== undefined) {
      compare.push({ key: k, target: "Mod", result: "Equal", mod_revision: expectedModRevision });
    }
    const res = await this.#client.kv.txn({
      compare,
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.#conflict(key, expectedModRevision, res.responses[0]?.response_range.kvs[0]);
    const prev = res.responses[0]!.response_delete_range.prev_kvs[0]!;
    return { revision: Number(res.header.revision), prevKv: toKeyValue(prev) };
  }

  watch(prefix: string, options: WatchOptions): AsyncIterable<readonly WatchEvent[]> {
    return this.#watch(prefix, options);
  }

  async compact(revision: Revision): Promise<void> {
    this.#checkOpen();
    if (!Number.isInteger(revision) || revision < 0) throw new RangeError("compact revision must be a non-negative integer");
    if (revision <= this.#knownCompacted || revision <= 1) return;
    try {
      // physical: reply only once the history is really gone, so that nothing relies on
      // rows the next defragmentation would drop.
      await this.#client.kv.compact({ revision, physical: true });
    } catch (error) {
      if (hasText(error, COMPACTED_TEXT)) return;
      if (hasText(error, FUTURE_TEXT)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw error;
    }
    this.#knownCompacted = Math.max(this.#knownCompacted, revision);
  }

  async currentRevision(): Promise<Revision> {
    this.#checkOpen();
    const res = await this.#client.kv.range({ key: PROBE_KEY, count_only: true });
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<Revision> {
    this.#checkOpen();
    for (;;) {
      const known = this.#knownCompacted;
      if (await this.#readableAt(Math.max(known, 1))) return known;
      // Compacted past what we knew: find the lowest readable revision.
      let low = Math.max(known, 1) + 1;
      let high = await this.currentRevision();
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        if (await this.#readableAt(middle)) high = middle;
        else low = middle + 1;
      }
      // A compaction racing the search can leave `low` unreadable; search again.
      if (await this.#readableAt(low)) {
        this.#knownCompacted = Math.max(this.#knownCompacted, low);
        return this.#knownCompacted;
      }
      this.#knownCompacted = Math.max(this.#knownCompacted, low);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#watches]) session.queue.end(new StoreError("etcd store is closed"));
    this.#client.close();
  }

  async *#watch(prefix: string, options: WatchOptions): AsyncGenerator<readonly WatchEvent[], void, undefined> {
    const { signal } = options;
    if (signal.aborted) return;
    this.#checkOpen();
    const session: EtcdWatchSession = new EtcdWatchSession(
      this.#client,
      prefixRange(prefix),
      options.fromRevision,
      this.#maxQueuedWatchEvents,
      () => this.#watches.delete(session),
    );
    this.#watches.add(session);
    const onAbort = (): void => session.queue.end();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      yield* session.queue;
    } finally {
      signal.removeEventListener("abort", onAbort);
      session.queue.end();
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreError("etcd store is closed");
  }

  /** A range read with etcd's revision errors turned into the store's. */
  async #range(request: IRangeRequest, revision: Revision | undefined): Promise<IRangeResponse> {
    this.#checkOpen();
    try {
      return await this.#client.kv.range(request);
    } catch (error) {
      const requested = revision ?? 0;
      if (hasText(error, COMPACTED_TEXT)) throw new CompactedError(requested, await this.compactedRevision());
      if (hasText(error, FUTURE_TEXT)) throw new FutureRevisionError(requested, await this.currentRevision());
      throw error;
    }
  }

  async #readableAt(revision: Revision): Promise<boolean> {
    try {
      await this.#client.kv.range({ key: PROBE_KEY, revision, count_only: true });
      return true;
    } catch (error) {
      if (hasText(error, COMPACTED_TEXT)) return false;
      throw error;
    }
  }

  #conflict(key: string, expected: Revision | undefined, current: IKeyValue | undefined): StoreError {
    if (!current) return new KeyNotFoundError(key);
    return new RevisionMismatchError(key, expected ?? 0, Number(current.mod_revision));
  }
}
