/** awaitNodePodCIDR against the real API server in process: the Node is made to exist, then watched. */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { NodeObject } from "../api/index.js";
import { ApiClient, nodesResource, type ResourceClient } from "../client/index.js";
import { ManualClock } from "../../test/harness/manual-clock.js";
import { awaitNodePodCIDR } from "./node-pod-cidr.js";

async function setUp(t: TestContext): Promise<{ client: ApiClient; nodes: ResourceClient<NodeObject> }> {
  let client: ApiClient | undefined;
  t.after(() => client?.close());
  const server = await startInProcessServer(t);
  client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  return { client, nodes: client.resource<NodeObject>(nodesResource) };
}

test("a node that does not exist is created bare, not-ready tainted, and its range awaited", async (t) => {
  const { client, nodes } = await setUp(t);
  const clock = new ManualClock("2026-01-02T03:04:05Z");
  const waiting = awaitNodePodCIDR({ client, nodeName: "n1", log: () => {}, clock });
  let node: NodeObject | undefined;
  for (let i = 0; i < 100 && !node; i++) node = await nodes.get(undefined, "n1").catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 20)));
  assert.deepEqual(node?.spec?.taints, [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }]);
  const ready = node?.status?.conditions?.find((c) => c.type === "Ready");
  assert.deepEqual([ready?.status, ready?.reason, ready?.lastTransitionTime], ["False", "KubeletNotReady", "2026-01-02T03:04:05Z"]);
  await nodes.patch(undefined, "n1", { spec: { podCIDR: "10.42.3.0/24", podCIDRs: ["10.42.3.0/24"] } }, "strategic");
  assert.equal(await waiting, "10.42.3.0/24");
});

test("a node that has its range already returns it", async (t) => {
  const { client, nodes } = await setUp(t);
  await nodes.create(undefined, { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { podCIDR: "10.42.1.0/24", podCIDRs: ["10.42.1.0/24"] } });
  assert.equal(await awaitNodePodCIDR({ client, nodeName: "n1", log: () => {} }), "10.42.1.0/24");
  assert.equal((await nodes.get(undefined, "n1")).spec?.taints, undefined);
});

test("aborting ends the wait with a clear error", async (t) => {
  const { client } = await setUp(t);
  const abort = new AbortController();
  const waiting = awaitNodePodCIDR({ client, nodeName: "n1", signal: abort.signal, log: () => {} });
  setTimeout(() => abort.abort(), 50);
  await assert.rejects(waiting, /stopped while waiting for node n1 to get a pod range/);
});
