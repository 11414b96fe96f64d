/**
 * ApiClient against the real API server in process (plain HTTP on loopback): the verbs,
 * errors as the server states them, selectors and paging, and watches.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { KubeObject } from "../api/index.js";
import { ApiClient, ApiError, isAlreadyExists, isConflict, isGone, isNotFound, podsResource, type WatchEvent } from "./index.js";

const configMaps = { group: "", version: "v1", plural: "configmaps", namespaced: true };

function configMap(name: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(labels ? { labels } : {}) }, data: { k: "v" } };
}

async function startClient(t: Parameters<typeof startInProcessServer>[0]): Promise<{ client: ApiClient; server: Awaited<ReturnType<typeof startInProcessServer>> }> {
  const server = await startInProcessServer(t);
  const client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  t.after(async () => client.close());
  return { client, server };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the request to fail");
}

test("create, get, update, patch and delete a ConfigMap", async (t) => {
  const { client } = await startClient(t);
  const cms = client.resource(configMaps);
  const created = await cms.create("default", configMap("a"));
  assert.equal(created.metadata.name, "a");
  assert.ok(created.metadata.uid);
  const got = await cms.get("default", "a");
  assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);

  const updated = await cms.update("default", { ...got, data: { k: "w" } });
  assert.deepEqual(updated["data"], { k: "w" });
  const merged = await cms.patch("default", "a", { data: { m: "1" } }, "merge");
  assert.deepEqual(merged["data"], { k: "w", m: "1" });
  const strategic = await cms.patch("default", "a", { metadata: { labels: { s: "1" } } }, "strategic");
  assert.deepEqual(strategic.metadata.labels, { s: "1" });
  const json = await cms.patch("default", "a", [{ op: "remove", path: "/data/m" }], "json");
  assert.deepEqual(json["data"], { k: "w" });

  const deleted = await cms.delete("default", "a");
  assert.equal((deleted as { status?: string }).status, "Success");
  assert.ok(isNotFound(await rejection(cms.get("default", "a"))));
});

test("errors carry the server's code, reason and Status", async (t) => {
  const { client } = await startClient(t);
  const cms = client.resource(configMaps);
  const notFound = await rejection(cms.get("default", "missing"));
  assert.equal(notFound.code, 404);
  assert.equal(notFound.reason, "NotFound");
  assert.equal(notFound.message, 'configmaps "missing" not found');
  assert.equal(notFound.status.details?.name, "missing");
  assert.ok(isNotFound(notFound) && !isConflict(notFound));

  const first = await cms.create("default", configMap("b"));
  const exists = await rejection(cms.create("default", configMap("b")));
  assert.equal(exists.code, 409);
  assert.ok(isAlreadyExists(exists) && !isConflict(exists));

  await cms.update("default", { ...first, data: { k: "2" } });
  const stale = await rejection(cms.update("default", { ...first, data: { k: "3" } }));
  assert.equal(stale.code, 409);
  assert.ok(isConflict(stale), stale.message);
  assert.match(stale.message, /the object has been modified/);

  const wrongUid = await rejection(cms.delete("default", "b", { preconditions: { uid: "not-the-uid" } }));
  assert.ok(isConflict(wrongUid), wrongUid.message);
});

test("list with label and field selectors, and in pages", async (t) => {
  const { client } = await startClient(t);
  const cms = client.resource(configMaps);
  for (const [name, tier] of [["a", "web"], ["b", "db"], ["c", "web"]] as const) await cms.create("default", configMap(name, { tier }));
  const names = (l: { items: KubeObject[] }): string[] => l.items.map((o) => o.metadata.name!).sort();

  assert.deepEqual(names(await cms.list("default", { labelSelector: "tier=web" })), ["a", "c"]);
  assert.deepEqual(names(await cms.list(undefined, { fieldSelector: "metadata.name=b" })), ["b"]);
  const all = await cms.list("default");
  assert.deepEqual(names(all), ["a", "b", "c"]);
  assert.ok(all.metadata.resourceVersion);

  const page1 = await cms.list("default", { limit: 2 });
  assert.equal(page1.items.length, 2);
  assert.ok(page1.metadata.continue);
  const page2 = await cms.list("default", { limit: 2, continue: page1.metadata.continue! });
  assert.deepEqual([...names(page1), ...names(page2)], ["a", "b", "c"]);

  const bad = await rejection(cms.list("default", { labelSelector: "tier in (" }));
  assert.equal(bad.code, 400);
});

test("watch sees create, update and delete, and close ends it quietly", async (t) => {
  const { client } = await startClient(t);
  const cms = client.resource(configMaps);
  const rv = (await cms.list("default")).metadata.resourceVersion!;
  const watch = cms.watch("default", { resourceVersion: rv });
  const seen: string[] = [];
  const done = (async () => {
    for await (const ev of watch) {
      seen.push(`${ev.type} ${ev.object.metadata.name}`);
      if (seen.length === 3) watch.close();
    }
  })();
  const a = await cms.create("default", configMap("a"));
  await cms.update("default", { ...a, data: { k: "2" } });
  await cms.delete("default", "a");
  await done;
  assert.deepEqual(seen, ["ADDED a", "MODIFIED a", "DELETED a"]);
});

test("a watch from a compacted resourceVersion throws 410 from the iterator", async (t) => {
  const { client, server } = await startClient(t);
  const cms = client.resource(configMaps);
  const old = await cms.create("default", configMap("a"));
  await cms.create("default", configMap("b"));
  await server.store.compact(await server.store.currentRevision());
  const events: WatchEvent[] = [];
  const watch = cms.watch("default", { resourceVersion: old.metadata.resourceVersion! });
  const error = await (async () => {
    try {
      for await (const ev of watch) events.push(ev);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.deepEqual(events, []);
  assert.ok(error instanceof ApiError, String(error));
  assert.equal(error.code, 410);
  assert.ok(isGone(error));
});

test("a watch ends when the server's timeoutSeconds runs out, with a final bookmark", async (t) => {
  const { client } = await startClient(t);
  const cms = client.resource(configMaps);
  const rv = (await cms.list("default")).metadata.resourceVersion!;
  const types: string[] = [];
  for await (const ev of cms.watch("default", { resourceVersion: rv, timeoutSeconds: 1, allowWatchBookmarks: true })) types.push(ev.type);
  assert.deepEqual(types, ["BOOKMARK"]);
});

test("pods: bind to a node and write the status subresource", async (t) => {
  const { client } = await startClient(t);
  const pods = client.resource(podsResource);
  await pods.create("default", { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } });
  const status = await pods.bind("default", "p", { target: { name: "node-1" } });
  assert.equal(status.status, "Success");
  const bound = await pods.get("default", "p");
  assert.equal((bound["spec"] as { nodeName?: string }).nodeName, "node-1");
  const again = await rejection(pods.bind("default", "p", { target: { name: "node-2" } }));
  assert.ok(isConflict(again));

  const withStatus = await pods.updateStatus("default", { ...bound, status: { ...(bound["status"] as object), phase: "Running" } });
  assert.equal((withStatus["status"] as { phase?: string }).phase, "Running");
  const patched = await pods.patchStatus("default", "p", { status: { podIP: "10.42.0.5" } }, "strategic");
  assert.equal((patched["status"] as { podIP?: string }).podIP, "10.42.0.5");
  assert.deepEqual((await pods.list(undefined, { fieldSelector: "spec.nodeName=node-1" })).items.map((p) => p.metadata.name), ["p"]);
});

test("a request that meets a kept-alive connection the server just closed is sent again on a new one", async (t) => {
  // The race between an idle connection's close and the next request on it, made certain:
  // the server drops every connection at the start of its second request, unanswered.
  const { createServer } = await import("node:http");
  let connections = 0;
  const requests = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const n = (requests.get(req.socket) ?? 0) + 1;
    requests.set(req.socket, n);
    if (n === 2) return void req.socket.destroy();
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: req.url?.split("/").pop() } }));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;
  const client = new ApiClient({ server: `http://127.0.0.1:${port}`, ca: "", auth: { bearerToken: "unused" } });
  t.after(() => client.close());
  const cms = client.resource(configMaps);
  assert.equal((await cms.get("default", "first")).metadata.name, "first");
  assert.equal((await cms.create("default", configMap("second"))).metadata.name, "configmaps");
  assert.equal(connections, 2, "the second request went out twice: on the reused connection, then on a new one");
});
