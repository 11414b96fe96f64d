/**
 * The node IPAM controller against the real API server in process: nodes get the lowest
 * free /24 in spec.podCIDR and spec.podCIDRs, ranges set by others are respected, a deleted
 * node's range is handed out again, and an exhausted cluster range leaves the node without
 * one and records CIDRNotAvailable.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { NodeObject } from "../api/index.js";
import { ApiClient, eventsResource, nodesResource, type ResourceClient } from "../client/index.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { NodeIpamController } from "./index.js";

interface Cluster {
  nodes: ResourceClient<NodeObject>;
  addNode(name: string, podCIDR?: string): Promise<void>;
  /** The node's podCIDR once it has one. */
  podCIDR(name: string): Promise<string>;
  startController(clusterCIDR: string): Promise<void>;
  events(reason: string): Promise<string[]>;
}

async function cluster(t: TestContext): Promise<Cluster> {
  const controllers: NodeIpamController[] = [];
  let client: ApiClient | undefined;
  t.after(async () => {
    for (const c of controllers) await c.stop();
    client?.close();
  });
  const server = await startInProcessServer(t);
  client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  const c = client;
  const nodes = c.resource<NodeObject>(nodesResource);
  return {
    nodes,
    async addNode(name, podCIDR) {
      await nodes.create(undefined, { apiVersion: "v1", kind: "Node", metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });
    },
    async podCIDR(name) {
      return waitFor(async () => {
        const node = await nodes.get(undefined, name);
        if (!node.spec?.podCIDR) return undefined;
        assert.deepEqual(node.spec.podCIDRs, [node.spec.podCIDR]);
        return node.spec.podCIDR;
      }, { what: `a podCIDR for ${name}`, timeoutMs: 5000 });
    },
    async startController(clusterCIDR) {
      const controller = new NodeIpamController({ client: c, clusterCIDR, log: () => {} });
      controllers.push(controller);
      await controller.start();
    },
    async events(reason) {
      const list = await c.resource(eventsResource).list("default");
      return list.items.filter((e) => e["reason"] === reason).map((e) => `${String((e["involvedObject"] as { name: string }).name)}: ${String(e["message"])}`);
    },
  };
}

test("nodes get the lowest free /24; ranges already set, by anyone, are kept and skipped", async (t) => {
  const c = await cluster(t);
  await c.addNode("set-by-hand", "10.42.0.0/24");
  await c.addNode("old");
  await c.startController("10.42.0.0/16");
  assert.equal(await c.podCIDR("old"), "10.42.1.0/24");
  await c.addNode("new");
  assert.equal(await c.podCIDR("new"), "10.42.2.0/24");
  assert.equal(await c.podCIDR("set-by-hand"), "10.42.0.0/24");
});

test("a deleted node's range is handed out again", async (t) => {
  const c = await cluster(t);
  await c.startController("10.42.0.0/16");
  await c.addNode("a");
  await c.addNode("b");
  const a = await c.podCIDR("a");
  assert.equal(await c.podCIDR("b"), a === "10.42.0.0/24" ? "10.42.1.0/24" : "10.42.0.0/24");
  await c.nodes.delete(undefined, "a");
  // The delete reaches the controller by watch; a node added after it takes the freed range.
  await new Promise((r) => setTimeout(r, 200));
  await c.addNode("c");
  assert.equal(await c.podCIDR("c"), a);
});

test("an exhausted range: the node keeps none and gets a CIDRNotAvailable event", async (t) => {
  const c = await cluster(t);
  await c.startController("10.250.6.0/23");
  await c.addNode("one");
  await c.addNode("two");
  const both = [await c.podCIDR("one"), await c.podCIDR("two")].sort();
  assert.deepEqual(both, ["10.250.6.0/24", "10.250.7.0/24"]);
  await c.addNode("three");
  const events = await waitFor(async () => {
    const e = await c.events("CIDRNotAvailable");
    return e.length > 0 ? e : undefined;
  }, { what: "a CIDRNotAvailable event", timeoutMs: 5000 });
  assert.deepEqual(events, ["three: Node three status is now: CIDRNotAvailable"]);
  assert.equal((await c.nodes.get(undefined, "three")).spec?.podCIDR, undefined);
});
