/**
 * The scale subresource of a Deployment through the real handler (kubectl-protocol.md
 * §5.5; upstream pkg/registry/apps/deployment/storage ScaleREST): an autoscaling/v1
 * Scale view whose writes land in the Deployment's spec.replicas.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer, type InProcessServer } from "./testing/in-process-server.js";

const deployments = "/apis/apps/v1/namespaces/default/deployments";

async function createWeb(s: InProcessServer): Promise<void> {
  const r = await s.post(deployments, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  });
  assert.equal(r.status, 201, r.text);
}

test("GET deployments/NAME/scale answers an autoscaling/v1 Scale with the selector as a string", async (t) => {
  const s = await startInProcessServer(t);
  await createWeb(s);
  const r = await s.get(`${deployments}/web/scale`);
  assert.equal(r.status, 200, r.text);
  t.diagnostic(r.text);
  assert.equal(r.body.kind, "Scale");
  assert.equal(r.body.apiVersion, "autoscaling/v1");
  assert.equal(r.body.metadata.name, "web");
  assert.equal(r.body.metadata.namespace, "default");
  assert.equal(r.body.spec.replicas, 2);
  assert.equal(r.body.status.selector, "app=web");
  const d = (await s.get(`${deployments}/web`)).body;
  assert.equal(r.body.metadata.resourceVersion, d.metadata.resourceVersion);
  assert.equal(r.body.metadata.uid, d.metadata.uid);
});

test("a merge patch of the Scale changes the Deployment's replicas", async (t) => {
  const s = await startInProcessServer(t);
  await createWeb(s);
  const r = await s.patch(`${deployments}/web/scale`, { spec: { replicas: 3 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, "Scale");
  assert.equal(r.body.spec.replicas, 3);
  const d = (await s.get(`${deployments}/web`)).body;
  t.diagnostic(`deployment replicas ${d.spec.replicas}, generation ${d.metadata.generation}`);
  assert.equal(d.spec.replicas, 3);
  assert.equal(d.metadata.generation, 2, "scaling is a spec change");
});

test("scaling to -1 replicas is a 422 Invalid and changes nothing", async (t) => {
  const s = await startInProcessServer(t);
  await createWeb(s);
  const r = await s.patch(`${deployments}/web/scale`, { spec: { replicas: -1 } });
  t.diagnostic(`${r.status} ${r.body?.message}`);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.reason, "Invalid");
  assert.equal(r.body.message, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.equal(r.body.details.causes[0].field, "spec.replicas");
  assert.equal((await s.get(`${deployments}/web`)).body.spec.replicas, 2);
});

test("a PUT of the Scale with a stale resourceVersion is a 409 Conflict", async (t) => {
  const s = await startInProcessServer(t);
  await createWeb(s);
  const scale = (await s.get(`${deployments}/web/scale`)).body;
  assert.equal((await s.patch(`${deployments}/web`, { metadata: { labels: { touched: "yes" } } })).status, 200);
  const r = await s.put(`${deployments}/web/scale`, { ...scale, spec: { replicas: 5 } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.reason, "Conflict");
  assert.equal((await s.get(`${deployments}/web`)).body.spec.replicas, 2);
});
