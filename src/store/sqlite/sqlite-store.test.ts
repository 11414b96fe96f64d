import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { describeStoreConformance } from "../conformance/store-conformance.js";
import { openStore } from "../open-store.js";
import { StoreError, type Store } from "../store.js";
import { openSqliteStore, SqliteStore } from "./sqlite-store.js";

const MAX_QUEUED = 300;
const bytes = (text: string) => new TextEncoder().encode(text);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "peapod-sqlite-"));
}

describeStoreConformance("sqlite", async () => {
  const dir = tempDir();
  const path = join(dir, "state.db");
  const stores: Store[] = [openSqliteStore({ path, maxQueuedWatchEvents: MAX_QUEUED })];
  return {
    store: stores[0]!,
    endpoint: `sqlite://${path}`,
    maxQueuedWatchEvents: MAX_QUEUED,
    async reopen() {
      const store = openSqliteStore({ path, maxQueuedWatchEvents: MAX_QUEUED });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite store", () => {
  it("opens by sqlite:// endpoint or bare path and creates the directory", async (t) => {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const first = await openStore(`sqlite://${dir}/nested/state.db`);
    await first.create("/k", bytes("v"));
    await first.close();
    const second = await openStore(join(dir, "nested", "state.db"));
    t.after(() => second.close());
    assert.equal((await second.get("/k")).kv?.modRevision, 1);
  });

  it("refuses a second store on the same file while the first is open", async (t) => {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "state.db");
    const first = openSqliteStore({ path });
    t.after(() => first.close());
    await first.create("/k", bytes("v"));
    // better-sqlite3 waits for the lock first; a short timeout keeps the test quick.
    const db = new Database(path, { timeout: 100 });
    t.after(() => db.close());
    assert.throws(() => new SqliteStore(db), /database is locked/);
  });

  it("starts an empty store at revision 0 with nothing compacted", async (t) => {
    const store = openSqliteStore({ path: ":memory:" });
    t.after(() => store.close());
    assert.equal(await store.currentRevision(), 0);
    assert.equal(await store.compactedRevision(), 0);
    assert.equal((await store.create("/a", bytes("v"))).modRevision, 1);
  });

  it("commits writes issued together in one transaction, each with its own revision and outcome", async (t) => {
    const store = openSqliteStore({ path: ":memory:" });
    t.after(() => store.close());
    const writes = await Promise.allSettled([
      store.create("/a", bytes("1")),
      store.create("/a", bytes("2")),
      store.create("/b", bytes("3")),
      store.update("/b", bytes("4"), 2),
      store.delete("/a"),
    ]);
    assert.deepEqual(
      writes.map((w) => (w.status === "fulfilled" ? "ok" : (w.reason as Error).name)),
      ["ok", "KeyExistsError", "ok", "ok", "ok"],
    );
    assert.equal(await store.currentRevision(), 4);
    assert.deepEqual((await store.list("/")).kvs.map((kv) => [kv.key, kv.modRevision]), [["/b", 3]]);
  });

  it("compaction removes superseded history but keeps what reads at the compacted revision need", async (t) => {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "state.db");
    const store = openSqliteStore({ path });
    let kv = await store.create("/a", bytes("0"));
    for (let i = 1; i <= 50; i++) kv = await store.update("/a", bytes(String(i)), kv.modRevision);
    await store.create("/b", bytes("b"));
    await store.delete("/b");
    const compactAt = await store.currentRevision();
    kv = await store.update("/a", bytes("after"), kv.modRevision);
    await store.compact(compactAt);
    await store.close();
    const db = new Database(path, { readonly: true });
    t.after(() => db.close());
    const rows = db.prepare("SELECT revision, key, deleted FROM log ORDER BY revision").all();
    // Left: /a as of the compacted revision (needed for reads at it and as prevKv of the
    // later update) and the update after it. /b's create and delete are both history.
    assert.deepEqual(rows, [
      { revision: 51, key: "/a", deleted: 0 },
      { revision: 54, key: "/a", deleted: 0 },
    ]);
  });

  it("fails calls after close with a StoreError and ends open watches", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    const watch = store.watch("/", { fromRevision: 0, signal: new AbortController().signal })[Symbol.asyncIterator]();
    await store.create("/a", bytes("v"));
    assert.equal((await watch.next()).done, false);
    const waiting = watch.next();
    await store.close();
    await assert.rejects(waiting, StoreError);
    await assert.rejects(store.get("/a"), StoreError);
    await assert.rejects(store.create("/b", bytes("v")), StoreError);
  });
});
