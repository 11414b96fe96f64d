/**
 * The node's registration and heartbeats against the real API server in process: the Node
 * appears with its status, the Lease in kube-node-lease is renewed, an unchanged status is
 * not rewritten on every tick, and a deleted Node is registered again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { systemClock } from "../base/index.js";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import { ApiClient, leasesResource, nodesResource } from "../client/index.js";
import { NodeHeartbeat } from "./node-heartbeat.js";
import type { NodeHostFacts } from "./node-status.js";

const facts: NodeHostFacts = {
  hostname: "box", internalIP: "192.0.2.10", cpus: 2, memoryBytes: 4 * 1024 ** 3, ephemeralStorageBytes: 10 * 1024 ** 3,
  machineID: "m", systemUUID: "", bootID: "b", kernelVersion: "6.1.0", osImage: "Debian", architecture: "amd64",
  containerRuntimeVersion: "runc://1.1.5", kubeletVersion: "v1.32.0-peapod",
};

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("registers the node, renews its lease, and re-registers a deleted node", async (t) => {
  const server = await startInProcessServer(t);
  const client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  t.after(() => client.close());
  const errors: unknown[] = [];
  const heartbeat = new NodeHeartbeat({
    client, nodeName: "box", facts, podCIDR: "10.42.0.0/24", clock: systemClock,
    renewIntervalMs: 50, statusIntervalMs: 50, statusReportIntervalMs: 60_000, onError: (_, e) => errors.push(e),
  });
  const node = await heartbeat.start();
  t.after(() => heartbeat.stop());
  assert.equal(node.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
  assert.equal(node.spec?.podCIDR, "10.42.0.0/24");

  const leases = client.resource(leasesResource);
  const first = await leases.get("kube-node-lease", "box");
  const spec = (l: typeof first) => l["spec"] as { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
  assert.equal(spec(first).holderIdentity, "box");
  assert.equal(spec(first).leaseDurationSeconds, 40);
  assert.deepEqual(first.metadata.ownerReferences?.map((o) => o.kind), ["Node"]);
  await waitUntil("a renewed lease", async () => spec(await leases.get("kube-node-lease", "box")).renewTime !== spec(first).renewTime);

  // Heartbeat times alone do not make a status write: the Node's resourceVersion holds.
  const nodes = client.resource(nodesResource);
  const before = (await nodes.get(undefined, "box")).metadata.resourceVersion;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await nodes.get(undefined, "box")).metadata.resourceVersion, before);

  await nodes.delete(undefined, "box");
  await waitUntil("the node to be registered again", async () => {
    try {
      return (await nodes.get(undefined, "box")).metadata.name === "box";
    } catch {
      return false;
    }
  });
  await heartbeat.stop();
  assert.deepEqual(errors, []);
});
