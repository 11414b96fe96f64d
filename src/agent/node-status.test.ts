import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { buildNodeStatus, initialNode, type NodeHostFacts } from "./node-status.js";
import { goArch, readNodeHostFacts } from "./node-host-facts.js";

const facts: NodeHostFacts = {
  hostname: "box", internalIP: "192.0.2.10", cpus: 2, memoryBytes: 4 * 1024 ** 3, ephemeralStorageBytes: 100 * 1024 ** 3,
  machineID: "m", systemUUID: "u", bootID: "b", kernelVersion: "6.1.0", osImage: "Debian GNU/Linux 12 (bookworm)",
  architecture: "amd64", containerRuntimeVersion: "runc://1.1.5", kubeletVersion: "v1.32.0-peapod",
};

describe("node status", () => {
  test("capacity, and allocatable less the kubelet's default hard eviction thresholds", () => {
    const s = buildNodeStatus(facts, new Date("2026-11-24T10:00:00Z"));
    assert.deepEqual(s.capacity, { cpu: "2", "ephemeral-storage": "104857600Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "4194304Ki", pods: "110" });
    assert.equal(s.allocatable?.["memory"], `${4194304 - 102400}Ki`);
    assert.equal(s.allocatable?.["ephemeral-storage"], String(Math.floor(100 * 1024 ** 3 * 0.9)));
    assert.deepEqual(s.addresses, [{ type: "InternalIP", address: "192.0.2.10" }, { type: "Hostname", address: "box" }]);
  });

  test("daemonEndpoints: the kubelet API's port, 10250 when none is given", () => {
    const at = new Date("2026-11-24T10:00:00Z");
    assert.deepEqual(buildNodeStatus(facts, at).daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
    assert.deepEqual(buildNodeStatus({ ...facts, kubeletPort: 41234 }, at).daemonEndpoints, { kubeletEndpoint: { Port: 41234 } });
  });

  test("a condition keeps its transition time while its status holds, the heartbeat moves", () => {
    const first = buildNodeStatus(facts, new Date("2026-11-24T10:00:00Z"));
    const second = buildNodeStatus(facts, new Date("2026-11-24T10:00:10Z"), first);
    const ready = second.conditions?.find((c) => c.type === "Ready");
    assert.deepEqual(ready, {
      type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status",
      lastHeartbeatTime: "2026-11-24T10:00:10Z", lastTransitionTime: "2026-11-24T10:00:00Z",
    });
    assert.deepEqual(second.conditions?.map((c) => `${c.type}=${c.status}`), ["MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"]);
  });

  test("a registered node carries the kubelet's well-known labels and its pod CIDR", () => {
    const node = initialNode("box", facts, new Date(), "10.42.0.0/24");
    assert.equal(node.metadata?.labels?.["kubernetes.io/hostname"], "box");
    assert.equal(node.metadata?.labels?.["kubernetes.io/os"], "linux");
    assert.equal(node.metadata?.labels?.["kubernetes.io/arch"], "amd64");
    assert.deepEqual(node.spec, { podCIDR: "10.42.0.0/24", podCIDRs: ["10.42.0.0/24"] });
  });

  test("host facts are read from this machine", () => {
    const f = readNodeHostFacts({ dataDir: tmpdir(), runtimeVersion: "runc://x", kubeletVersion: "v1.32.0" });
    assert.ok(f.cpus >= 1 && f.memoryBytes > 0 && f.ephemeralStorageBytes > 0);
    assert.match(f.bootID, /^[0-9a-f-]{36}$/);
    assert.equal(f.architecture, goArch(process.arch));
    assert.equal(goArch("x64"), "amd64");
  });
});
