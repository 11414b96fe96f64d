/** assessNodeHealth: when a node's agent counts as gone, and what its conditions become then. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node, NodeCondition } from "../api/index.js";
import { assessNodeHealth, healthAfterWrite, type NodeHealth } from "./node-health.js";

const t0 = Date.parse("2026-01-01T00:00:00Z");
const at = (s: number): Date => new Date(t0 + s * 1000);
const iso = (s: number): string => at(s).toISOString().replace(/\.\d{3}Z$/, "Z");
const grace = { gracePeriodMs: 50_000, startupGracePeriodMs: 60_000 };

function cond(type: string, status: string, heartbeat: number, transition = 0, reason = "KubeletReady"): NodeCondition {
  return { type, status, lastHeartbeatTime: iso(heartbeat), lastTransitionTime: iso(transition), reason, message: "m" };
}

function node(conditions?: NodeCondition[]): Node {
  return { metadata: { name: "n1", creationTimestamp: iso(0) }, status: conditions ? { conditions } : {} };
}

const healthy = (heartbeat: number): NodeCondition[] => [
  cond("MemoryPressure", "False", heartbeat), cond("DiskPressure", "False", heartbeat), cond("PIDPressure", "False", heartbeat), cond("Ready", "True", heartbeat),
];

function saved(probeS: number, ready?: NodeCondition, lease?: string): NodeHealth {
  return { probeTimestamp: t0 + probeS * 1000, readyTransitionTimestamp: t0, readyCondition: ready, leaseRenewTime: lease };
}

interface Case {
  name: string;
  node: Node;
  lease?: string;
  saved?: NodeHealth;
  now: number;
  /** Expected: Ready status after the pass (undefined = none yet), whether a write is due, the probe time (s). */
  ready: string | undefined;
  write: boolean;
  probe: number;
}

const cases: Case[] = [
  { name: "first sight of a Ready node: a full grace period from now", node: node(healthy(0)), now: 100, ready: "True", write: false, probe: 100 },
  { name: "same heartbeat, within the grace period", node: node(healthy(0)), saved: saved(10, cond("Ready", "True", 0)), now: 60, ready: "True", write: false, probe: 10 },
  { name: "same heartbeat, grace period over: Unknown", node: node(healthy(0)), saved: saved(10, cond("Ready", "True", 0)), now: 61, ready: "Unknown", write: true, probe: 10 },
  { name: "a new heartbeat is life", node: node(healthy(70)), saved: saved(10, cond("Ready", "True", 0)), now: 80, ready: "True", write: false, probe: 80 },
  { name: "a renewed lease is life", node: node(healthy(0)), lease: "2026-01-01T00:01:10.000000Z", saved: saved(10, cond("Ready", "True", 0), "2026-01-01T00:00:10.000000Z"), now: 80, ready: "True", write: false, probe: 80 },
  { name: "the same lease renewal is no life", node: node(healthy(0)), lease: "2026-01-01T00:00:10.000000Z", saved: saved(10, cond("Ready", "True", 0), "2026-01-01T00:00:10.000000Z"), now: 80, ready: "Unknown", write: true, probe: 10 },
  { name: "already Unknown: nothing to write", node: node([cond("Ready", "Unknown", 0, 61, "NodeStatusUnknown")]), saved: saved(10, cond("Ready", "Unknown", 0, 61, "NodeStatusUnknown")), now: 200, ready: "Unknown", write: false, probe: 10 },
  { name: "never posted Ready, within the startup grace from creation", node: node(), now: 59, ready: undefined, write: false, probe: 0 },
  { name: "never posted Ready, startup grace over", node: node(), now: 61, ready: "Unknown", write: true, probe: 0 },
];

for (const c of cases) {
  test(`node health: ${c.name}`, () => {
    const a = assessNodeHealth({ node: c.node, leaseRenewTime: c.lease, saved: c.saved, now: at(c.now), ...grace });
    assert.equal(a.currentReady?.status, c.ready);
    assert.equal(a.conditionsToWrite !== undefined, c.write);
    assert.equal(a.health.probeTimestamp, t0 + c.probe * 1000);
  });
}

test("node health: gone quiet, every agent condition turns Unknown with upstream's reason and message, heartbeats kept", () => {
  const a = assessNodeHealth({ node: node(healthy(5)), leaseRenewTime: undefined, saved: saved(10, cond("Ready", "True", 5)), now: at(100), ...grace });
  assert.equal(a.observedReady.status, "True");
  assert.deepEqual(a.conditionsToWrite, ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"].map((type) => ({
    type, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastHeartbeatTime: iso(5), lastTransitionTime: iso(100),
  })));
  const after = healthAfterWrite(a.health, a.conditionsToWrite!, at(100));
  assert.equal(after.readyCondition?.status, "Unknown");
  // The next pass sees its own write: nothing more to do.
  const next = assessNodeHealth({ node: node(a.conditionsToWrite), leaseRenewTime: undefined, saved: after, now: at(105), ...grace });
  assert.equal(next.conditionsToWrite, undefined);
});

test("node health: a node that never posted status gets the never-updated conditions, heartbeat at its creation", () => {
  const a = assessNodeHealth({ node: node(), leaseRenewTime: undefined, saved: undefined, now: at(61), ...grace });
  assert.deepEqual(a.conditionsToWrite?.find((c) => c.type === "Ready"), {
    type: "Ready", status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: iso(0), lastTransitionTime: iso(61),
  });
  assert.equal(a.conditionsToWrite?.length, 4);
});
