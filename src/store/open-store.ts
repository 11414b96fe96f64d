/**
 * The one place that turns an endpoint into a store. Backends are listed in a table,
 * not registered by import side effects (kine pkg/drivers/factory.go picks a driver by
 * the DSN's scheme in the same way).
 *
 *   sqlite:///var/lib/peapod/state.db   (or just a path)   the embedded default
 *   etcd://10.0.0.1:2379,10.0.0.2:2379                     an etcd v3 cluster
 */
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import { StoreError, type Store } from "./store.js";

export interface OpenStoreOptions {
  /** A watcher further behind than this many events is ended with WatcherTooSlowError. */
  readonly maxQueuedWatchEvents?: number;
}

type OpenBackend = (location: string, options: OpenStoreOptions) => Promise<Store>;

const BACKENDS: Readonly<Record<string, OpenBackend>> = {
  sqlite: async (path, options) => {
    if (path === "") throw new StoreError("sqlite store: the endpoint names no file (sqlite:///path/to/state.db)");
    return openSqliteStore({ ...options, path });
  },
  etcd: async (hosts, options) => {
    const endpoints = hosts.split(",").filter((host) => host !== "");
    if (endpoints.length === 0) throw new StoreError("etcd store: the endpoint names no host (etcd://host:port)");
    // Loaded only when asked for: the gRPC stack costs an SQLite start ~150 ms otherwise.
    const { openEtcdStore } = await import("./etcd/etcd-store.js");
    return openEtcdStore({ ...options, endpoints });
  },
};

/** The schemes openStore understands, for help texts. */
export const STORE_SCHEMES: readonly string[] = Object.keys(BACKENDS);

export async function openStore(endpoint: string, options: OpenStoreOptions = {}): Promise<Store> {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(endpoint);
  // A bare path (no scheme) is an SQLite file, the default backend.
  const scheme = match ? match[1]!.toLowerCase() : "sqlite";
  const location = match ? match[2]! : endpoint;
  const open = BACKENDS[scheme];
  if (!open) {
    const known = STORE_SCHEMES.map((s) => `${s}://`).join(", ");
    throw new StoreError(`unknown store scheme "${scheme}://" in ${endpoint}; known schemes: ${known}`);
  }
  return open(location, options);
}
