/**
 * PUT through the real handler: optimistic concurrency, no-op writes, the spec/status
 * split between a resource and its status subresource, and Deployment generations
 * (upstream pkg/registry/apps/deployment/strategy.go PrepareForUpdate).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer, type InProcessServer, type Json } from "./testing/in-process-server.js";

const cms = "/api/v1/namespaces/default/configmaps";
const deployments = "/apis/apps/v1/namespaces/default/deployments";

function deployment(name: string): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  };
}

async function createDeployment(s: InProcessServer, name: string): Promise<Json> {
  const r = await s.post(deployments, deployment(name));
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test("a PUT with a stale resourceVersion is a 409 Conflict", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { n: "1" } });
  const stale = created.body;
  const first = await s.put(`${cms}/a`, { ...stale, data: { n: "2" } });
  assert.equal(first.status, 200, first.text);
  assert.notEqual(first.body.metadata.resourceVersion, stale.metadata.resourceVersion);
  const second = await s.put(`${cms}/a`, { ...stale, data: { n: "3" } });
  t.diagnostic(`${second.status} ${second.body?.message}`);
  assert.equal(second.status, 409, second.text);
  assert.equal(second.body.reason, "Conflict");
  assert.equal(second.body.message,
    'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
  assert.deepEqual((await s.get(`${cms}/a`)).body.data, { n: "2" }, "the stale write changed nothing");
});

test("a PUT that changes nothing keeps the resourceVersion", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { n: "1" } });
  const before = (await s.get(cms)).body.metadata.resourceVersion;
  const r = await s.put(`${cms}/a`, created.body);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
  assert.equal((await s.get(cms)).body.metadata.resourceVersion, before, "no write reached the store");
});

test("a PUT to the status subresource changes only the status", async (t) => {
  const s = await startInProcessServer(t);
  const d = await createDeployment(s, "web");
  const body = {
    ...d,
    metadata: { ...d.metadata, labels: { app: "web", sneaky: "yes" } },
    spec: { ...d.spec, replicas: 7 },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1 },
  };
  const r = await s.put(`${deployments}/web/status`, body);
  assert.equal(r.status, 200, r.text);
  t.diagnostic(`after status PUT: spec.replicas=${r.body.spec.replicas} status=${JSON.stringify(r.body.status)}`);
  assert.equal(r.body.status.replicas, 1);
  assert.equal(r.body.status.observedGeneration, 1);
  assert.equal(r.body.spec.replicas, 1, "spec changes sent to /status are ignored");
  assert.equal(r.body.metadata.labels.sneaky, undefined, "metadata changes sent to /status are ignored");
  assert.equal(r.body.metadata.generation, 1);
  const got = await s.get(`${deployments}/web`);
  assert.equal(got.body.spec.replicas, 1);
  assert.equal(got.body.status.replicas, 1);
});

test("a PUT to the main resource ignores status changes", async (t) => {
  const s = await startInProcessServer(t);
  const d = await createDeployment(s, "web");
  const onlyStatus = await s.put(`${deployments}/web`, { ...d, status: { replicas: 9 } });
  assert.equal(onlyStatus.status, 200, onlyStatus.text);
  assert.equal(onlyStatus.body.status.replicas, undefined);
  assert.equal(onlyStatus.body.metadata.resourceVersion, d.metadata.resourceVersion, "a status-only change is no change");

  const both = await s.put(`${deployments}/web`, { ...d, spec: { ...d.spec, replicas: 2 }, status: { replicas: 9 } });
  assert.equal(both.status, 200, both.text);
  assert.equal(both.body.spec.replicas, 2);
  assert.equal(both.body.status.replicas, undefined);
});

test("a Deployment's generation grows with spec changes and not with label changes", async (t) => {
  const s = await startInProcessServer(t);
  const d = await createDeployment(s, "web");
  assert.equal(d.metadata.generation, 1);
  const scaled = await s.put(`${deployments}/web`, { ...d, spec: { ...d.spec, replicas: 3 } });
  assert.equal(scaled.status, 200, scaled.text);
  assert.equal(scaled.body.metadata.generation, 2);
  const labelled = await s.patch(`${deployments}/web`, { metadata: { labels: { team: "a" } } });
  assert.equal(labelled.status, 200, labelled.text);
  assert.notEqual(labelled.body.metadata.resourceVersion, scaled.body.metadata.resourceVersion);
  t.diagnostic(`generations: created 1, spec change ${scaled.body.metadata.generation}, label change ${labelled.body.metadata.generation}`);
  assert.equal(labelled.body.metadata.generation, 2);
  const annotated = await s.patch(`${deployments}/web`, { metadata: { annotations: { note: "x" } } });
  assert.equal(annotated.body.metadata.generation, 3, "upstream also counts annotation changes of a Deployment");
});
