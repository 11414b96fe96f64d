/**
 * Namespace deletion through the real handler (upstream namespace REST strategy, the
 * namespace controller's content deleter and the NamespaceLifecycle admission plugin):
 * system namespaces are protected, a deleted namespace is Terminating until its content
 * is gone, and nothing new may be created in it meanwhile.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "../../test/harness/wait-for.js";
import { startInProcessServer, type InProcessServer } from "./testing/in-process-server.js";

async function createNamespace(s: InProcessServer, name: string): Promise<void> {
  const r = await s.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status.phase, "Active");
}

async function createIn(s: InProcessServer, path: string, body: object): Promise<void> {
  const r = await s.post(path, body);
  assert.equal(r.status, 201, r.text);
}

const configMap = (name: string, finalizers?: string[]) =>
  ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(finalizers ? { finalizers } : {}) } });

const podBody = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } };

const deploymentBody = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
  },
};

async function waitUntilGone(s: InProcessServer, path: string, what: string): Promise<void> {
  await waitFor(async () => {
    const r = await s.get(path);
    if (r.status === 404) return true;
    // Thrown, not returned: waitFor reports the last failure when it gives up.
    throw new Error(`${path} still answers ${r.status} ${r.body?.status?.phase ?? ""}`);
  }, { what, timeoutMs: 10_000 });
}

test("the default namespace may not be deleted", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.delete("/api/v1/namespaces/default");
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.reason, "Forbidden");
  assert.equal(r.body.message, 'namespaces "default" is forbidden: this namespace may not be deleted');
  const ns = await s.get("/api/v1/namespaces/default");
  assert.equal(ns.body.metadata.deletionTimestamp, undefined);
});

test("deleting a namespace marks it Terminating, deletes its objects, then removes it", async (t) => {
  const s = await startInProcessServer(t);
  await createNamespace(s, "doomed");
  await createIn(s, "/api/v1/namespaces/doomed/configmaps", configMap("cm"));
  await createIn(s, "/api/v1/namespaces/doomed/pods", podBody);
  await createIn(s, "/apis/apps/v1/namespaces/doomed/deployments", deploymentBody);

  const r = await s.delete("/api/v1/namespaces/doomed");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, "Namespace");
  assert.equal(r.body.status.phase, "Terminating");
  assert.ok(r.body.metadata.deletionTimestamp);
  t.diagnostic("namespace is Terminating; waiting for its content and then itself to go");

  const started = Date.now();
  await waitUntilGone(s, "/api/v1/namespaces/doomed", "namespace doomed to be removed");
  t.diagnostic(`namespace gone after ${Date.now() - started}ms`);
  for (const path of ["/api/v1/namespaces/doomed/configmaps", "/api/v1/namespaces/doomed/pods", "/apis/apps/v1/namespaces/doomed/deployments"]) {
    const list = await s.get(path);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items, [], `${path} is empty`);
  }
});

test("nothing can be created in a Terminating namespace", async (t) => {
  const s = await startInProcessServer(t);
  await createNamespace(s, "held");
  // The finalizer keeps the namespace Terminating for as long as the test needs.
  await createIn(s, "/api/v1/namespaces/held/configmaps", configMap("anchor", ["example.com/hold"]));
  assert.equal((await s.delete("/api/v1/namespaces/held")).status, 200);

  const r = await s.post("/api/v1/namespaces/held/configmaps", configMap("late"));
  t.diagnostic(`${r.status} ${r.body?.message}`);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.reason, "Forbidden");
  assert.equal(r.body.message, 'configmaps "late" is forbidden: unable to create new content in namespace held because it is being terminated');
  assert.equal(r.body.details.causes[0].reason, "NamespaceTerminating");
  assert.equal(r.body.details.causes[0].field, "metadata.namespace");

  const anchor = await waitFor(async () => {
    const got = await s.get("/api/v1/namespaces/held/configmaps/anchor");
    return got.body?.metadata?.deletionTimestamp ? got.body : undefined;
  }, { what: "the namespace's content to be marked for deletion" });
  assert.equal((await s.get("/api/v1/namespaces/held")).body.status.phase, "Terminating", "a finalizer holds the namespace");

  const cleared = await s.put("/api/v1/namespaces/held/configmaps/anchor", { ...anchor, metadata: { ...anchor.metadata, finalizers: [] } });
  assert.equal(cleared.status, 200, cleared.text);
  await waitUntilGone(s, "/api/v1/namespaces/held", "namespace held to be removed once its last object is");
});
