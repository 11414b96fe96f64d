/**
 * DELETE of single objects through the real handler (upstream generic store Delete and
 * the pod strategy's CheckGracefulDelete): immediate deletion, pods/binding, graceful
 * deletion of bound pods, finalizers, preconditions, and the Status a non-pod returns.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer, type InProcessServer } from "./testing/in-process-server.js";

const pods = "/api/v1/namespaces/default/pods";
const cms = "/api/v1/namespaces/default/configmaps";

async function createPod(s: InProcessServer, name: string): Promise<void> {
  const r = await s.post(pods, {
    apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: "busybox" }] },
  });
  assert.equal(r.status, 201, r.text);
}

const binding = (name: string) => ({ apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: "node-1" } });

async function bind(s: InProcessServer, name: string): Promise<void> {
  const r = await s.post(`${pods}/${name}/binding`, binding(name));
  assert.equal(r.status, 201, r.text);
}

/** Seconds from now to a deletionTimestamp (RFC 3339, whole seconds). */
const secondsUntil = (ts: string): number => (Date.parse(ts) - Date.now()) / 1000;

test("a pod that was never bound to a node is deleted at once", async (t) => {
  const s = await startInProcessServer(t);
  await createPod(s, "p");
  const r = await s.delete(`${pods}/p`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, "Pod", "pods answer a delete with the pod");
  assert.equal(r.body.metadata.name, "p");
  const get = await s.get(`${pods}/p`);
  assert.equal(get.status, 404, get.text);
  assert.equal(get.body.message, 'pods "p" not found');
});

test("binding a pod sets spec.nodeName and PodScheduled=True; a second binding is a 409", async (t) => {
  const s = await startInProcessServer(t);
  await createPod(s, "p");
  const first = await s.post(`${pods}/p/binding`, binding("p"));
  assert.equal(first.status, 201, first.text);
  assert.equal(first.body.kind, "Status");
  assert.equal(first.body.status, "Success");
  const pod = (await s.get(`${pods}/p`)).body;
  assert.equal(pod.spec.nodeName, "node-1");
  const scheduled = pod.status.conditions.find((c: { type: string }) => c.type === "PodScheduled");
  t.diagnostic(`PodScheduled: ${JSON.stringify(scheduled)}`);
  assert.equal(scheduled.status, "True");
  assert.ok(scheduled.lastTransitionTime);

  const again = await s.post(`${pods}/p/binding`, binding("p"));
  assert.equal(again.status, 409, again.text);
  assert.equal(again.body.reason, "Conflict");
  assert.equal(again.body.message, 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "node-1"');
});

test("deleting a bound pod marks it with deletionTimestamp and the default 30s grace period and keeps it", async (t) => {
  const s = await startInProcessServer(t);
  await createPod(s, "p");
  await bind(s, "p");
  const r = await s.delete(`${pods}/p`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.metadata.deletionGracePeriodSeconds, 30);
  const left = secondsUntil(r.body.metadata.deletionTimestamp);
  t.diagnostic(`deletionTimestamp ${r.body.metadata.deletionTimestamp}, ${left.toFixed(1)}s from now`);
  assert.ok(left > 27 && left <= 31, `deletionTimestamp is about 30s ahead (${left}s)`);
  const get = await s.get(`${pods}/p`);
  assert.equal(get.status, 200, "the pod stays until its node confirms it stopped");
  assert.equal(get.body.metadata.deletionTimestamp, r.body.metadata.deletionTimestamp);
});

test("a repeated delete may shorten the grace period, and grace period 0 removes the pod", async (t) => {
  const s = await startInProcessServer(t);
  await createPod(s, "p");
  await bind(s, "p");
  const first = await s.delete(`${pods}/p`, { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 20 });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.metadata.deletionGracePeriodSeconds, 20, "the body's gracePeriodSeconds wins over the pod's 30");

  const longer = await s.delete(`${pods}/p`, { gracePeriodSeconds: 60 });
  assert.equal(longer.status, 200, longer.text);
  assert.equal(longer.body.metadata.deletionGracePeriodSeconds, 20, "a longer grace period is not taken");

  const shorter = await s.delete(`${pods}/p`, { gracePeriodSeconds: 5 });
  assert.equal(shorter.status, 200, shorter.text);
  t.diagnostic(`grace ${first.body.metadata.deletionGracePeriodSeconds} -> ${shorter.body.metadata.deletionGracePeriodSeconds}`);
  assert.equal(shorter.body.metadata.deletionGracePeriodSeconds, 5);
  assert.ok(Date.parse(shorter.body.metadata.deletionTimestamp) < Date.parse(first.body.metadata.deletionTimestamp));
  assert.equal((await s.get(`${pods}/p`)).status, 200);

  const now = await s.delete(`${pods}/p?gracePeriodSeconds=0`);
  assert.equal(now.status, 200, now.text);
  assert.equal((await s.get(`${pods}/p`)).status, 404);
});

test("a negative grace period gives a bound pod 1 second, not an immediate removal",
  async (t) => {
    const s = await startInProcessServer(t);
    await createPod(s, "p");
    await bind(s, "p");
    // Upstream rest.BeforeDelete turns a negative grace period into 1s on the delete path.
    const r = await s.delete(`${pods}/p?gracePeriodSeconds=-1`);
    t.diagnostic(`${r.status} deletionGracePeriodSeconds=${r.body?.metadata?.deletionGracePeriodSeconds}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.metadata.deletionGracePeriodSeconds, 1);
    assert.equal((await s.get(`${pods}/p`)).status, 200, "the pod waits for its node");
  });

test("an object with a finalizer is kept with a deletionTimestamp until an update clears its finalizers", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(cms, {
    apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", finalizers: ["example.com/hold"] }, data: { k: "v" },
  });
  assert.equal(created.status, 201, created.text);
  const del = await s.delete(`${cms}/held`);
  assert.equal(del.status, 200, del.text);
  assert.equal(del.body.kind, "ConfigMap", "an object that is not gone yet is returned as it is now");
  assert.ok(del.body.metadata.deletionTimestamp);
  assert.equal(del.body.metadata.deletionGracePeriodSeconds, 0);

  const kept = await s.get(`${cms}/held`);
  assert.equal(kept.status, 200);
  assert.deepEqual(kept.body.metadata.finalizers, ["example.com/hold"]);
  t.diagnostic(`kept with deletionTimestamp ${kept.body.metadata.deletionTimestamp}`);

  const cleared = await s.put(`${cms}/held`, { ...kept.body, metadata: { ...kept.body.metadata, finalizers: [] } });
  assert.equal(cleared.status, 200, cleared.text);
  const gone = await s.get(`${cms}/held`);
  assert.equal(gone.status, 404, "removing the last finalizer completes the deletion");
});

test("a delete whose uid precondition does not hold is a 409 and deletes nothing", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } });
  const uid = created.body.metadata.uid as string;
  const r = await s.delete(`${cms}/a`, { apiVersion: "v1", kind: "DeleteOptions", preconditions: { uid: "not-the-uid" } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.reason, "Conflict");
  assert.equal(r.body.message,
    `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${uid}`);
  assert.equal((await s.get(`${cms}/a`)).status, 200);

  const matching = await s.delete(`${cms}/a`, { preconditions: { uid } });
  assert.equal(matching.status, 200, matching.text);
  assert.equal((await s.get(`${cms}/a`)).status, 404);
});

test("deleting an object that is not a pod answers a Success Status whose details carry the uid", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } });
  const r = await s.delete(`${cms}/a`);
  assert.equal(r.status, 200, r.text);
  t.diagnostic(r.text);
  assert.equal(r.body.kind, "Status");
  assert.equal(r.body.status, "Success");
  assert.equal(r.body.details.name, "a");
  assert.equal(r.body.details.kind, "configmaps");
  assert.equal(r.body.details.uid, created.body.metadata.uid);
});

test("deleting an object that does not exist is a 404", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.delete(`${cms}/nothing`);
  assert.equal(r.status, 404, r.text);
  assert.equal(r.body.reason, "NotFound");
  assert.equal(r.body.message, 'configmaps "nothing" not found');
});
