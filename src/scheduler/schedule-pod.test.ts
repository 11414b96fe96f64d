import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PodSpec } from "../api/index.js";
import type { NodeInfo } from "./framework.js";
import { schedulePod } from "./schedule-pod.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

const notReady = { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" };
const pinTo = (...names: string[]): PodSpec => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: names }] }] } } },
});

describe("schedulePod: the FailedScheduling message, exactly as kube-scheduler 1.32 writes it", () => {
  const cases: { name: string; spec?: PodSpec; request?: Record<string, string>; nodes: NodeInfo[]; message: string; reasons?: Record<string, number> }[] = [
    { name: "no nodes at all", nodes: [], message: "no nodes available to schedule pods", reasons: {} },
    {
      // pod-semantics.md events table.
      name: "one node without enough cpu",
      request: { cpu: "5" },
      nodes: [nodeInfo("n1")],
      message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
      reasons: { "Insufficient cpu": 1 },
    },
    {
      name: "a node short of cpu and memory counts both",
      request: { cpu: "5", memory: "9Gi" },
      nodes: [nodeInfo("n1")],
      message: "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    },
    {
      name: "a NotReady node (its taint) keeps the pod Pending",
      nodes: [nodeInfo("n1", { taints: [notReady] })],
      message: "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
      reasons: { "node(s) had untolerated taint {node.kubernetes.io/not-ready: }": 1 },
    },
    {
      name: "mixed reasons are counted and sorted",
      request: { cpu: "5" },
      spec: { nodeSelector: { disktype: "ssd" } },
      nodes: [nodeInfo("n1", { labels: { disktype: "ssd" } }), nodeInfo("n2"), nodeInfo("n3")],
      message:
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
      reasons: { "Insufficient cpu": 1, "node(s) didn't match Pod's node affinity/selector": 2 },
    },
    {
      name: "counts sort as strings, as Go's sort.Strings does (10 before 2)",
      request: { cpu: "5" },
      nodes: [
        ...Array.from({ length: 10 }, (_, i) => nodeInfo(`cordoned-${i}`, { unschedulable: true })),
        nodeInfo("small-1"),
        nodeInfo("small-2"),
      ],
      message:
        "0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu. " +
        "preemption: 0/12 nodes are available: 10 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    },
    {
      name: "the first failing filter decides: a cordoned, tainted node counts as unschedulable only",
      nodes: [nodeInfo("n1", { unschedulable: true, taints: [notReady] })],
      message: "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    },
    {
      name: "a taint is checked before the pod's resources",
      request: { cpu: "5" },
      nodes: [nodeInfo("n1", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] })],
      message: "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: db}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    },
    {
      name: "hostPort taken and too many pods",
      spec: { containers: [{ name: "app", image: "busybox", ports: [{ containerPort: 80, hostPort: 80 }] }] },
      nodes: [
        nodeInfo("n1", { pods: [pod("web", undefined, { containers: [{ name: "app", ports: [{ containerPort: 80, hostPort: 80 }] }] })] }),
        nodeInfo("n2", { allocatable: { cpu: "1", memory: "1Gi", pods: "0" } }),
      ],
      message:
        "0/2 nodes are available: 1 Too many pods, 1 node(s) didn't have free ports for the requested pod ports. " +
        "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    },
    {
      name: "a pod that may not preempt says so",
      request: { cpu: "5" },
      spec: { preemptionPolicy: "Never" },
      nodes: [nodeInfo("n1")],
      message: "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    },
    {
      name: "lower-priority pods that would not free enough are named by the reason that remains",
      request: { cpu: "5" },
      spec: { priority: 100 },
      nodes: [nodeInfo("n1", { pods: [pod("low", { cpu: "1" })] })],
      message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.",
    },
    {
      name: "when evicting lower-priority pods would make room, upstream preempts and adds no preemption text",
      request: { cpu: "3" },
      spec: { priority: 100 },
      nodes: [nodeInfo("n1", { pods: [pod("low", { cpu: "2" })] })],
      message: "0/1 nodes are available: 1 Insufficient cpu.",
    },
    {
      name: "pods of equal priority are no victims",
      request: { cpu: "3" },
      nodes: [nodeInfo("n1", { pods: [pod("peer", { cpu: "2" })] })],
      message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    },
    {
      name: "node affinity pinned to a node that does not exist",
      spec: pinTo("gone"),
      nodes: [nodeInfo("n1"), nodeInfo("n2")],
      message:
        "0/2 nodes are available: 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    },
    {
      name: "node affinity pinned to a node that is full: the others are not filtered",
      spec: pinTo("n1"),
      request: { cpu: "5" },
      nodes: [nodeInfo("n1"), nodeInfo("n2")],
      message:
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
    },
    {
      name: "conflicting node-name pins fail in PreFilter",
      spec: {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [
          { key: "metadata.name", operator: "In", values: ["n1"] },
          { key: "metadata.name", operator: "In", values: ["n2"] },
        ] }] } } },
      },
      nodes: [nodeInfo("n1"), nodeInfo("n2")],
      message: "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = schedulePod(pod("p", c.request, c.spec ?? {}), c.nodes);
      assert.ok("unschedulable" in result, `expected no fit, got ${JSON.stringify(result)}`);
      assert.equal(result.message, c.message);
      if (c.reasons) assert.deepEqual(result.reasons, c.reasons);
    });
  }
});

describe("schedulePod: choosing among nodes that fit", () => {
  const busy = (name: string, cpu: string, memory: string): NodeInfo => nodeInfo(name, { pods: [pod(`${name}-load`, { cpu, memory })] });
  const cases: { name: string; request?: Record<string, string>; spec?: PodSpec; nodes: NodeInfo[]; want: string }[] = [
    { name: "the only node that fits", request: { cpu: "3" }, nodes: [busy("n1", "2", "1Gi"), nodeInfo("n2")], want: "n2" },
    { name: "the least allocated node", nodes: [busy("n1", "2", "4Gi"), busy("n2", "1", "1Gi"), busy("n3", "3", "6Gi")], want: "n2" },
    { name: "equal scores: the first in the given order", nodes: [nodeInfo("b"), nodeInfo("a")], want: "b" },
    {
      name: "balanced allocation breaks an otherwise even choice",
      // Both nodes end up 50% free on average (equal LeastAllocated); on n2 cpu and memory
      // are used evenly, on n1 mostly cpu.
      request: { cpu: "1", memory: "2Gi" },
      nodes: [busy("n1", "2", "0"), busy("n2", "1", "2Gi")],
      want: "n2",
    },
    { name: "a NotReady node is skipped through its taint", nodes: [nodeInfo("n1", { taints: [notReady] }), busy("n2", "3", "6Gi")], want: "n2" },
    { name: "a pod named to a node goes there", spec: { nodeName: "n2" }, nodes: [nodeInfo("n1"), nodeInfo("n2")], want: "n2" },
    { name: "node affinity by name", spec: pinTo("n3"), nodes: [nodeInfo("n1"), nodeInfo("n2"), busy("n3", "3", "6Gi")], want: "n3" },
    {
      name: "a PreferNoSchedule taint outweighs free resources",
      nodes: [nodeInfo("n1", { taints: [{ key: "soft", effect: "PreferNoSchedule" }] }), busy("n2", "2", "4Gi")],
      want: "n2",
    },
    {
      name: "a tolerated PreferNoSchedule taint does not count",
      spec: { tolerations: [{ key: "soft", operator: "Exists", effect: "PreferNoSchedule" }] },
      nodes: [busy("n1", "2", "4Gi"), nodeInfo("n2", { taints: [{ key: "soft", effect: "PreferNoSchedule" }] })],
      want: "n2",
    },
    {
      name: "preferred node affinity picks the heavier matching term",
      spec: {
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } },
          { weight: 50, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] } },
        ] } },
      },
      nodes: [nodeInfo("n1", { labels: { zone: "a" } }), busy("n2", "1", "2Gi"), nodeInfo("n3", { labels: { zone: "b" } })],
      want: "n3",
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(schedulePod(pod("p", c.request, c.spec ?? {}), c.nodes), { nodeName: c.want }));
  }
});
