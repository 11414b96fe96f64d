/** The storage layer's public surface: the contract, its errors, and openStore. */
export * from "./store.js";
export { openStore, STORE_SCHEMES, type OpenStoreOptions } from "./open-store.js";
export { DEFAULT_MAX_QUEUED_WATCH_EVENTS } from "./watch-queue.js";
// The backends themselves, for tests and for code that must pick one explicitly.
export { SqliteStore, openSqliteStore, type SqliteStoreOptions, type OpenSqliteStoreOptions } from "./sqlite/sqlite-store.js";
