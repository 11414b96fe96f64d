/** reconcileNodeTaints: the taints that follow a node's conditions and cordon, written only on change. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node, NodeCondition, Taint } from "../api/index.js";
import { reconcileNodeTaints } from "./node-taints.js";

const now = new Date("2026-01-01T00:01:00Z");
const added = "2026-01-01T00:01:00Z";
const earlier = "2026-01-01T00:00:00Z";
const ready = (status: string): NodeCondition => ({ type: "Ready", status });

function node(conditions: NodeCondition[], taints?: Taint[], unschedulable?: boolean): Node {
  return { metadata: { name: "n1" }, spec: { ...(taints ? { taints } : {}), ...(unschedulable ? { unschedulable } : {}) }, status: { conditions } };
}

const cases: { name: string; node: Node; noExecute?: boolean; want: Taint[] | undefined }[] = [
  { name: "a Ready node without taints needs none", node: node([ready("True")]), want: undefined },
  { name: "Ready=False: not-ready NoSchedule and NoExecute", node: node([ready("False")]), want: [
    { key: "node.kubernetes.io/not-ready", effect: "NoSchedule", timeAdded: added },
    { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: added },
  ] },
  { name: "Ready=Unknown: unreachable replaces not-ready", node: node([ready("Unknown")], [
    { key: "node.kubernetes.io/not-ready", effect: "NoSchedule", timeAdded: earlier },
    { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: earlier },
  ]), want: [
    { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: added },
    { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: added },
  ] },
  { name: "Ready again: the taints go, others stay", node: node([ready("True")], [
    { key: "dedicated", value: "gpu", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: earlier },
    { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: earlier },
  ]), want: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] },
  { name: "taints already right keep their timeAdded: nothing to write", node: node([ready("Unknown")], [
    { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: earlier },
    { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: earlier },
  ]), want: undefined },
  { name: "cordoned: unschedulable NoSchedule", node: node([ready("True")], undefined, true), want: [
    { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: added },
  ] },
  { name: "uncordoned: the unschedulable taint goes", node: node([ready("True")], [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: earlier }]), want: [] },
  { name: "pressure conditions taint NoSchedule only", node: node([ready("True"), { type: "MemoryPressure", status: "True" }, { type: "DiskPressure", status: "True" }, { type: "PIDPressure", status: "False" }]), want: [
    { key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule", timeAdded: added },
    { key: "node.kubernetes.io/disk-pressure", effect: "NoSchedule", timeAdded: added },
  ] },
  { name: "full disruption: no NoExecute taint, an existing one is removed", noExecute: false, node: node([ready("Unknown")], [
    { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: earlier },
  ]), want: [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: added }] },
  { name: "a user's NoExecute taint of another key is not ours", node: node([ready("True")], [{ key: "example.com/drain", effect: "NoExecute" }]), want: undefined },
];

for (const c of cases) {
  test(`node taints: ${c.name}`, () => {
    assert.deepEqual(reconcileNodeTaints(c.node, { noExecute: c.noExecute ?? true }, now), c.want);
  });
}
