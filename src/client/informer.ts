/**
 * A list-and-watch cache of one resource, with client-go's Reflector semantics:
 * - list, then watch from the list's resourceVersion with bookmarks, so the cache sees
 *   every change once and in order;
 * - when the server ends a watch (its timeoutSeconds), watch again from the last
 *   resourceVersion seen (a bookmark's included): nothing is listed or replayed;
 * - when that resourceVersion is gone (410), list again and hand the difference to the
 *   handlers as add/update/delete, so no periodic full relist is needed;
 * - on connection errors, retry after a jittered backoff (200 ms doubling to 30 s).
 * Handlers run synchronously in event order and should only enqueue work (WorkQueue);
 * a handler that throws is logged, never allowed to stop the informer.
 */
import type { KubeObject } from "../api/index.js";
import { systemClock, type Clock } from "../base/index.js";
import { isGone } from "./api-error.js";
import { backoffDelayMs, type BackoffSettings } from "./backoff.js";
import { ObjectCache, objectKey, type IndexFunc } from "./object-cache.js";
import type { ResourceClient } from "./rest-client.js";
import type { WatchEvent, WatchStream } from "./watch-stream.js";

export interface InformerHandlers<T> {
  add: (obj: T) => void;
  update: (oldObj: T, newObj: T) => void;
  /** The object as last known: the watch's final state, or the cached one when a relist found it gone. */
  delete: (obj: T) => void;
}

export interface InformerOptions<T extends KubeObject> {
  /** Only this namespace (default: all, or the resource is cluster-scoped). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** e.g. `spec.nodeName=NODE` for an agent's pods. */
  readonly fieldSelector?: string;
  readonly indexers?: Readonly<Record<string, IndexFunc<T>>>;
  readonly clock?: Clock;
  /** Default 200 ms doubling to 30 s, jittered. */
  readonly backoff?: BackoffSettings;
  /** The watch's server-side timeout; default a random 5-10 minutes, as the Reflector. */
  readonly watchTimeoutSeconds?: number;
  /** Where errors go; default console.error. */
  readonly log?: (message: string) => void;
}

const defaultBackoff: BackoffSettings = { initialMs: 200, maxMs: 30_000, jitter: 1 };
/** A watch that ends this fast with no event at all counts as a failure (as the Reflector's "very short watch"). */
const shortWatchMs = 1000;

export class Informer<T extends KubeObject> {
  readonly cache: ObjectCache<T>;
  private readonly handlers: { [E in keyof InformerHandlers<T>]: InformerHandlers<T>[E][] } = { add: [], update: [], delete: [] };
  private readonly stopping = new AbortController();
  private readonly clock: Clock;
  private readonly log: (message: string) => void;
  private watch: WatchStream<T> | undefined;
  private loop: Promise<void> | undefined;
  private synced = false;
  private readonly syncWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private resourceVersion = "";

  constructor(private readonly resource: ResourceClient<T>, private readonly options: InformerOptions<T> = {}) {
    this.cache = new ObjectCache<T>(options.indexers);
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? ((m) => console.error(m));
  }

  /**
   * Registers a handler. An `add` handler registered after the cache filled first gets
   * every cached object, as client-go's AddEventHandler replays them.
   */
  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): this {
    this.handlers[event].push(handler);
    if (event === "add") for (const obj of this.cache.list()) this.call(() => (handler as InformerHandlers<T>["add"])(obj));
    return this;
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.watch?.close();
    for (const w of this.syncWaiters.splice(0)) w.reject(new Error(`informer for ${this.resource.resource.plural} stopped before it synced`));
    await this.loop;
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return this.cache.list();
  }

  byIndex(indexName: string, value: string): T[] {
    return this.cache.byIndex(indexName, value);
  }

  /** True once the first list is in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects if the informer is stopped first. */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.stopping.signal.aborted) return Promise.reject(new Error("informer stopped"));
    return new Promise((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
  }

  /** The resourceVersion the cache is at. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let needList = true;
    let goneBefore = false;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
          failures = 0;
        }
        const healthy = await this.watchOnce();
        if (healthy) {
          failures = 0;
          goneBefore = false;
        } else throw new Error("very short watch: the server ended it at once without an event");
      } catch (e) {
        if (this.stopped) return;
        if (isGone(e)) {
          // The resourceVersion was compacted away: only a fresh list can continue, and
          // it is not the connection that failed, so list at once (but never twice in a row).
          needList = true;
          if (!goneBefore) {
            goneBefore = true;
            continue;
          }
        }
        const delay = backoffDelayMs(this.options.backoff ?? defaultBackoff, failures++);
        this.log(`informer ${this.describe()}: ${e instanceof Error ? e.message : String(e)}; retrying in ${Math.round(delay)} ms`);
        try {
          await this.clock.sleep(delay, this.stopping.signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Lists and replaces the cache, handing the difference to the handlers. */
  private async relist(): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const list = await this.resource.list(namespace, { labelSelector, fieldSelector });
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(objectKey(obj));
      this.upsert(obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key)!;
      this.emit("delete", old);
    }
    this.resourceVersion = list.metadata.resourceVersion ?? "";
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w.resolve();
    }
  }

  /** One watch until the server ends it; true if it delivered anything or lasted a while. */
  private async watchOnce(): Promise<boolean> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    // stop() may have come while the list was on its way.
    if (this.stopped) return true;
    const started = Date.now();
    let events = 0;
    this.watch = this.resource.watch(namespace, {
      resourceVersion: this.resourceVersion,
      labelSelector,
      fieldSelector,
      allowWatchBookmarks: true,
      timeoutSeconds: this.options.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random())),
    });
    try {
      for await (const ev of this.watch) {
        if (this.stopped) break;
        events++;
        this.apply(ev);
      }
    } finally {
      this.watch.close();
      this.watch = undefined;
    }
    return events > 0 || Date.now() - started >= shortWatchMs;
  }

  private apply(ev: WatchEvent<T>): void {
    const obj = ev.object;
    switch (ev.type) {
      case "ADDED":
      case "MODIFIED":
        this.upsert(obj);
        break;
      case "DELETED":
        this.cache.delete(objectKey(obj));
        this.emit("delete", obj);
        break;
      case "BOOKMARK":
        break;
    }
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
  }

  /** Stores the object; add if new, update if its resourceVersion moved, nothing if unchanged (a relist). */
  private upsert(obj: T): void {
    const old = this.cache.set(obj);
    if (!old) this.emit("add", obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit("update", old, obj);
  }

  private emit(event: "add" | "delete", obj: T): void;
  private emit(event: "update", oldObj: T, newObj: T): void;
  private emit(event: keyof InformerHandlers<T>, a: T, b?: T): void {
    for (const handler of this.handlers[event]) {
      this.call(() => (event === "update" ? (handler as InformerHandlers<T>["update"])(a, b!) : (handler as (obj: T) => void)(a)));
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`informer ${this.describe()}: a handler failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  private describe(): string {
    const { namespace, labelSelector, fieldSelector } = this.options;
    return [this.resource.resource.plural, namespace && `namespace=${namespace}`, labelSelector, fieldSelector].filter(Boolean).join(" ");
  }
}
