import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { etcdCluster, startEtcd, type EtcdInstance } from "../../../test/harness/etcd.js";
import { describeStoreConformance } from "../conformance/store-conformance.js";
import { openStore } from "../open-store.js";
import type { Store } from "../store.js";
import { openEtcdStore } from "./etcd-store.js";

const MAX_QUEUED = 300;
const bytes = (text: string) => new TextEncoder().encode(text);

// One etcd for the whole file, started by the first test that needs it: conformance
// cases use their own key prefixes, and an etcd per case would cost a second apiece.
// Without an etcd binary every test fails with the reason (CI must install it).
let shared: Promise<EtcdInstance> | undefined;
const sharedEtcd = (): Promise<EtcdInstance> => (shared ??= startEtcd());
after(async () => {
  const etcd = await shared?.catch(() => undefined);
  await etcd?.stop();
});

describeStoreConformance("etcd", async () => {
  const etcd = await sharedEtcd();
  const endpoint = `etcd://${etcd.endpoints.join(",")}`;
  const stores: Store[] = [await openEtcdStore({ endpoints: etcd.endpoints, maxQueuedWatchEvents: MAX_QUEUED })];
  return {
    store: stores[0]!,
    endpoint,
    maxQueuedWatchEvents: MAX_QUEUED,
    async reopen() {
      const store = await openEtcdStore({ endpoints: etcd.endpoints, maxQueuedWatchEvents: MAX_QUEUED });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const store of stores) await store.close();
    },
  };
});

describe("etcd store", () => {
  it("hands out etcd's own revisions", async (t) => {
    const etcd = await sharedEtcd();
    const store = await openStore(`etcd://${etcd.endpoints[0]}`);
    t.after(() => store.close());
    const before = await store.currentRevision();
    const kv = await store.create(`/etcd-own/${Date.now()}`, bytes("v"));
    assert.equal(kv.modRevision, before + 1);
    assert.equal(await store.currentRevision(), kv.modRevision);
  });

  it("fails to open with a clear error when no member answers", async () => {
    await assert.rejects(
      openEtcdStore({ endpoints: ["127.0.0.1:1"], dialTimeoutMs: 500 }),
      /etcd store 127\.0\.0\.1:1: no answer within 500ms/,
    );
  });

  it("finds a compaction done by another client", async (t) => {
    const etcd = await sharedEtcd();
    const ours = await openEtcdStore({ endpoints: etcd.endpoints });
    const theirs = await openEtcdStore({ endpoints: etcd.endpoints });
    t.after(() => Promise.all([ours.close(), theirs.close()]));
    const prefix = `/etcd-compact/${Date.now()}/`;
    for (let i = 0; i < 20; i++) await theirs.create(`${prefix}${i}`, bytes("v"));
    const known = await ours.compactedRevision();
    const target = (await theirs.currentRevision()) - 5;
    assert.ok(target > known);
    await theirs.compact(target);
    assert.equal(await ours.compactedRevision(), target);
  });

  it("shares one revision sequence across the members of a cluster", { timeout: 60_000 }, async (t) => {
    const cluster = await etcdCluster(3);
    t.after(() => cluster.stop());
    const writer = await openEtcdStore({ endpoints: [cluster.endpoints[0]!] });
    const reader = await openEtcdStore({ endpoints: [cluster.endpoints[2]!] });
    t.after(() => Promise.all([writer.close(), reader.close()]));
    const from = await reader.currentRevision();
    const controller = new AbortController();
    t.after(() => controller.abort());
    const watched: number[] = [];
    const watching = (async () => {
      for await (const batch of reader.watch("/cluster/", { fromRevision: from, signal: controller.signal })) {
        watched.push(...batch.map((e) => e.kv.modRevision));
        if (watched.length === 3) return;
      }
    })();
    const written = [];
    for (const name of ["a", "b", "c"]) written.push((await writer.create(`/cluster/${name}`, bytes(name))).modRevision);
    // etcd's reads are linearizable by default: another member already has the write.
    assert.equal((await reader.get("/cluster/c")).kv?.modRevision, written[2]);
    await watching;
    assert.deepEqual(watched, written);
  });

  it("keeps data, and resumes watches, across a restart of etcd", { timeout: 60_000 }, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "peapod-etcd-restart-"));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startEtcd({ dataDir });
    const ports = first.members[0]!.ports;
    let second: EtcdInstance | undefined;
    t.after(async () => {
      await first.stop();
      await second?.stop();
    });
    const store = await openEtcdStore({ endpoints: first.endpoints });
    t.after(() => store.close());
    const from = await store.currentRevision();
    const controller = new AbortController();
    t.after(() => controller.abort());
    const seen: number[] = [];
    const watching = (async () => {
      for await (const batch of store.watch("/restart/", { fromRevision: from, signal: controller.signal })) {
        seen.push(...batch.map((e) => e.kv.modRevision));
      }
    })();
    const a = await store.create("/restart/a", bytes("a"));

    // A data dir given by the caller survives stop(); start again on the same ports.
    await first.stop();
    second = await startEtcd({ dataDir, ports });
    // The client needs a moment to reconnect; reads are safe to repeat, creates are not.
    await retry(() => store.currentRevision());
    const b = await store.create("/restart/b", bytes("b"));
    assert.equal((await store.get("/restart/a")).kv?.modRevision, a.modRevision);
    const deadline = Date.now() + 20_000;
    while (!seen.includes(b.modRevision) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen, [a.modRevision, b.modRevision], "the watch saw both writes once, in order");
    controller.abort();
    await watching;
  });
});

/** Calls `fn` until it succeeds: the client needs a moment to find the restarted member. */
async function retry<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
