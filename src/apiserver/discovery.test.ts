/**
 * Discovery through the real handler in both forms kubectl 1.32 reads
 * (kubectl-protocol.md §2): aggregated apidiscovery.k8s.io/v2 chosen by Accept, with an
 * ETag for conditional requests, and the legacy APIResourceList per group version.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer } from "./testing/in-process-server.js";

// What kubectl 1.32 sends: aggregated first, plain JSON as the fallback.
const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9";

test("/api with the aggregated Accept answers an APIGroupDiscoveryList with an ETag, and 304 when it is unchanged", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.get("/api", { Accept: aggregatedAccept });
  assert.equal(r.status, 200, r.text);
  const contentType = r.headers.get("content-type") ?? "";
  const etag = r.headers.get("etag");
  t.diagnostic(`Content-Type: ${contentType}; ETag: ${etag}`);
  assert.match(contentType, /as=APIGroupDiscoveryList/);
  assert.ok(etag, "an ETag is sent");
  assert.equal(r.body.kind, "APIGroupDiscoveryList");
  assert.equal(r.body.apiVersion, "apidiscovery.k8s.io/v2");
  const v1 = r.body.items[0].versions[0];
  assert.equal(v1.version, "v1");
  const podsResource = v1.resources.find((x: { resource: string }) => x.resource === "pods");
  assert.equal(podsResource.scope, "Namespaced");
  assert.deepEqual(podsResource.shortNames, ["po"]);

  const again = await s.get("/api", { Accept: aggregatedAccept, "If-None-Match": etag! });
  assert.equal(again.status, 304);
  assert.equal(again.text, "");
  assert.equal(again.headers.get("etag"), etag);

  const stale = await s.get("/api", { Accept: aggregatedAccept, "If-None-Match": '"something-else"' });
  assert.equal(stale.status, 200);
});

test("/api without the aggregated Accept answers the legacy APIVersions", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.get("/api", { Accept: "application/json" });
  assert.equal(r.status, 200, r.text);
  assert.doesNotMatch(r.headers.get("content-type") ?? "", /APIGroupDiscoveryList/);
  assert.equal(r.body.kind, "APIVersions");
  assert.deepEqual(r.body.versions, ["v1"]);
});

test("/apis/apps/v1 lists deployments/scale as an autoscaling/v1 Scale", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.get("/apis/apps/v1");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, "APIResourceList");
  assert.equal(r.body.groupVersion, "apps/v1");
  const scale = r.body.resources.find((x: { name: string }) => x.name === "deployments/scale");
  t.diagnostic(JSON.stringify(scale));
  assert.ok(scale, "deployments/scale is listed");
  assert.equal(scale.group, "autoscaling");
  assert.equal(scale.version, "v1");
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.namespaced, true);
  assert.deepEqual([...scale.verbs].sort(), ["get", "patch", "update"]);
  const status = r.body.resources.find((x: { name: string }) => x.name === "deployments/status");
  assert.equal(status.kind, "Deployment");
  assert.equal(status.group, undefined, "a subresource of the same group version names no group");
});

// Kubernetes 1.32's `/api/v1` for the pod subresources Peapod serves (eviction, proxy and
// ephemeralcontainers are not served, so not listed), in upstream's sorted order.
const servedPodSubresources = [
  { name: "pods/attach", kind: "PodAttachOptions", verbs: ["create", "get"] },
  { name: "pods/binding", kind: "Binding", verbs: ["create"] },
  { name: "pods/exec", kind: "PodExecOptions", verbs: ["create", "get"] },
  { name: "pods/log", kind: "Pod", verbs: ["get"] },
  { name: "pods/portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] },
  { name: "pods/status", kind: "Pod", verbs: ["get", "patch", "update"] },
];

test("/api/v1 lists the pod subresources Peapod serves with upstream's kinds and verbs, sorted", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.get("/api/v1");
  assert.equal(r.status, 200, r.text);
  const pods = r.body.resources.filter((x: { name: string }) => x.name.startsWith("pods/"));
  t.diagnostic(JSON.stringify(pods));
  assert.deepEqual(pods, servedPodSubresources.map((x) => ({ ...x, singularName: "", namespaced: true })));
});

test("aggregated /api lists the same pod subresources with their responseKind", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.get("/api", { Accept: aggregatedAccept });
  assert.equal(r.status, 200, r.text);
  const pods = r.body.items[0].versions[0].resources.find((x: { resource: string }) => x.resource === "pods");
  assert.deepEqual(pods.subresources, servedPodSubresources.map((x) => ({
    subresource: x.name.slice("pods/".length),
    responseKind: { group: "", version: "v1", kind: x.kind },
    verbs: x.verbs,
  })));
});

test("the streaming pod subresources are connect operations in OpenAPI v3, pods/log a text GET", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.get("/openapi/v3/api/v1");
  assert.equal(r.status, 200, r.text);
  const item = "/api/v1/namespaces/{namespace}/pods/{name}";
  for (const sub of ["exec", "attach", "portforward"]) {
    const path = r.body.paths[`${item}/${sub}`];
    assert.ok(path, `${sub} is published`);
    assert.deepEqual(Object.keys(path).filter((k) => k !== "parameters").sort(), ["get", "post"], sub);
    assert.equal(path.get["x-kubernetes-action"], "connect", sub);
  }
  const log = r.body.paths[`${item}/log`];
  assert.deepEqual(Object.keys(log).filter((k) => k !== "parameters"), ["get"]);
  assert.equal(log.get.operationId, "readCoreV1NamespacedPodLog");
  assert.ok(log.get.responses["200"].content["text/plain"]);
});
