/**
 * Informer against the real API server in process: initial sync and live events, the
 * cache and its indexes, field selectors, resuming after server-side watch timeouts
 * without replays, and a relist after 410 that reports only the difference.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { startInProcessServer, type InProcessServer } from "../apiserver/testing/in-process-server.js";
import type { KubeObject } from "../api/index.js";
import type { Clock } from "../base/index.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { ApiClient, Informer, podsResource, type InformerOptions } from "./index.js";

const configMaps = { group: "", version: "v1", plural: "configmaps", namespaced: true };

function configMap(name: string, data: Record<string, string> = { k: "v" }): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data };
}

function pod(name: string, nodeName?: string): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "busybox" }] } };
}

interface Setup {
  server: InProcessServer;
  client: ApiClient;
  /** What the handlers saw, as "add a", "update a", "delete a". */
  seen: string[];
  start<T extends KubeObject>(resource: typeof configMaps, options?: InformerOptions<T>): Informer<T>;
}

async function setup(t: TestContext): Promise<Setup> {
  const informers: Informer<KubeObject>[] = [];
  let client: ApiClient | undefined;
  // Registered before the server's own cleanup, so informers stop before it goes away.
  t.after(async () => {
    for (const i of informers) await i.stop();
    client?.close();
  });
  const server = await startInProcessServer(t);
  client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  const seen: string[] = [];
  return {
    server, client, seen,
    start<T extends KubeObject>(resource: typeof configMaps, options: InformerOptions<T> = {}) {
      const informer = new Informer<T>(client!.resource<T>(resource), { log: (m) => t.diagnostic(m), ...options });
      informer
        .on("add", (o) => seen.push(`add ${o.metadata.name}`))
        .on("update", (old, o) => seen.push(`update ${o.metadata.name}${old.metadata.resourceVersion === o.metadata.resourceVersion ? " (same rv!)" : ""}`))
        .on("delete", (o) => seen.push(`delete ${o.metadata.name}`));
      informers.push(informer as unknown as Informer<KubeObject>);
      return informer.start();
    },
  };
}

const until = (seen: string[], n: number): Promise<true> =>
  waitFor(() => seen.length >= n || undefined, { what: `${n} handler calls`, timeoutMs: 5000 }).then(() => true as const);

test("an informer lists, syncs, then reports live adds, updates and deletes into its cache", async (t) => {
  const { client, seen, start } = await setup(t);
  const cms = client.resource(configMaps);
  await cms.create("default", configMap("a"));
  await cms.create("default", configMap("b"));
  const informer = start(configMaps);
  assert.equal(informer.hasSynced(), false);
  await informer.whenSynced();
  assert.equal(informer.hasSynced(), true);
  assert.deepEqual([...seen].sort(), ["add a", "add b"]);
  assert.deepEqual(informer.list().map((o) => o.metadata.name).sort(), ["a", "b"]);

  const c = await cms.create("default", configMap("c"));
  const c2 = await cms.update("default", { ...c, data: { k: "2" } });
  await cms.delete("default", "a");
  await until(seen, 5);
  assert.deepEqual(seen.slice(2), ["add c", "update c", "delete a"]);
  assert.equal(informer.get("default/c")?.metadata.resourceVersion, c2.metadata.resourceVersion);
  assert.equal(informer.get("default/a"), undefined);
  assert.equal(informer.lastSyncResourceVersion(), (await cms.list("default")).metadata.resourceVersion);

  const late: string[] = [];
  informer.on("add", (o) => late.push(o.metadata.name!));
  assert.deepEqual(late.sort(), ["b", "c"], "a handler added late gets the cached objects");
});

test("an agent's pod informer: field selector spec.nodeName and an index", async (t) => {
  const { client, seen, start } = await setup(t);
  const pods = client.resource(podsResource);
  await pods.create("default", pod("mine", "node-1"));
  await pods.create("default", pod("other", "node-2"));
  await pods.create("default", pod("pending"));
  const informer = start(podsResource, {
    fieldSelector: "spec.nodeName=node-1",
    indexers: { nodeName: (p) => [String((p["spec"] as { nodeName?: string }).nodeName ?? "")] },
  });
  await informer.whenSynced();
  assert.deepEqual(seen, ["add mine"]);

  await pods.bind("default", "pending", { target: { name: "node-1" } });
  await until(seen, 2);
  assert.deepEqual(seen, ["add mine", "add pending"], "a pod bound to the node enters the selection as an add");
  assert.deepEqual(informer.byIndex("nodeName", "node-1").map((p) => p.metadata.name).sort(), ["mine", "pending"]);
  assert.deepEqual(informer.byIndex("nodeName", "node-2"), []);
});

test("an informer survives server-side watch timeouts and resumes without replaying adds", async (t) => {
  const { client, seen, start } = await setup(t);
  const cms = client.resource(configMaps);
  await cms.create("default", configMap("a"));
  const informer = start(configMaps, { watchTimeoutSeconds: 1 });
  await informer.whenSynced();
  await new Promise((r) => setTimeout(r, 1300));
  await cms.create("default", configMap("b"));
  await until(seen, 2);
  await new Promise((r) => setTimeout(r, 1300));
  await cms.create("default", configMap("c"));
  await until(seen, 3);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(seen, ["add a", "add b", "add c"]);
});

/** A clock whose sleeps wait until the test releases them, to act while the informer backs off. */
function gatedClock(): { clock: Clock; nextSleep: () => Promise<() => void> } {
  const sleeps: (() => void)[] = [];
  return {
    clock: {
      now: () => new Date(),
      sleep: (_ms, signal) =>
        new Promise<void>((resolve, reject) => {
          sleeps.push(resolve);
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
    },
    nextSleep: () => waitFor(() => sleeps.shift(), { what: "the informer to back off", timeoutMs: 5000 }),
  };
}

test("after 410 Gone an informer relists and reports only the difference", async (t) => {
  const { server, client, seen, start } = await setup(t);
  const writer = client.resource(configMaps);
  await writer.create("default", configMap("a"));
  const b = await writer.create("default", configMap("b"));
  await writer.create("default", configMap("same"));
  const { clock, nextSleep } = gatedClock();
  const informer = start(configMaps, { clock });
  await informer.whenSynced();
  await writer.create("default", configMap("x"));
  await until(seen, 4);
  assert.deepEqual([...seen].sort(), ["add a", "add b", "add same", "add x"], "the watch is open");

  // Cut the informer's connections; while it backs off, change things and compact them away.
  client.close();
  const release = await nextSleep();
  await server.delete("/api/v1/namespaces/default/configmaps/a");
  await server.put(`/api/v1/namespaces/default/configmaps/b`, { ...b, data: { k: "2" } });
  await server.post("/api/v1/namespaces/default/configmaps", configMap("c"));
  await server.store.compact(await server.store.currentRevision());
  release();

  await until(seen, 7);
  assert.deepEqual(seen.slice(4).sort(), ["add c", "delete a", "update b"]);
  assert.deepEqual(informer.list().map((o) => o.metadata.name).sort(), ["b", "c", "same", "x"]);
  await server.post("/api/v1/namespaces/default/configmaps", configMap("d"));
  await until(seen, 8);
  assert.equal(seen[7], "add d", "the watch continues after the relist");
});

test("stop before sync rejects whenSynced and ends the loop", async (t) => {
  const client = new ApiClient({ server: "http://127.0.0.1:1", ca: "", auth: { bearerToken: "x" } });
  t.after(() => client.close());
  const informer = new Informer(client.resource(configMaps), { log: () => {} }).start();
  const synced = assert.rejects(informer.whenSynced(), /stopped before it synced/);
  await informer.stop();
  await synced;
  assert.equal(informer.hasSynced(), false);
});
