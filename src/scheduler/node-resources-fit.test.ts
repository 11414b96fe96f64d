import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isScalarResourceName, nodeResourcesFitFilter } from "./node-resources-fit.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

describe("NodeResourcesFit filter (upstream fitsRequest)", () => {
  const small = { cpu: "2", memory: "2Gi", pods: "3", "example.com/gpu": "1" };
  const cases: { name: string; request?: Record<string, string>; existing?: Record<string, string>[]; allocatable?: Record<string, string>; want: string[] }[] = [
    { name: "fits an empty node", request: { cpu: "1", memory: "1Gi" }, want: [] },
    { name: "exactly the whole node fits", request: { cpu: "2", memory: "2Gi" }, want: [] },
    { name: "too much cpu", request: { cpu: "2001m" }, want: ["Insufficient cpu"] },
    { name: "too much cpu given the bound pods", request: { cpu: "1" }, existing: [{ cpu: "1500m" }], want: ["Insufficient cpu"] },
    { name: "cpu and memory both short, cpu first", request: { cpu: "3", memory: "3Gi" }, want: ["Insufficient cpu", "Insufficient memory"] },
    { name: "too many pods even with no requests", existing: [{}, {}, {}], want: ["Too many pods"] },
    { name: "too many pods and too much cpu", request: { cpu: "3" }, existing: [{}, {}, {}], want: ["Too many pods", "Insufficient cpu"] },
    { name: "an extended resource the node lacks", request: { "example.com/fpga": "1" }, want: ["Insufficient example.com/fpga"] },
    { name: "an extended resource used up", request: { "example.com/gpu": "1" }, existing: [{ "example.com/gpu": "1" }], want: ["Insufficient example.com/gpu"] },
    { name: "ephemeral-storage the node lacks", request: { "ephemeral-storage": "1Gi" }, want: ["Insufficient ephemeral-storage"] },
    { name: "a zero request is never short", request: { cpu: "0", "example.com/fpga": "0" }, existing: [{ cpu: "2" }], want: [] },
    { name: "a node with no allocatable takes no pod", request: { cpu: "1" }, allocatable: {}, want: ["Too many pods", "Insufficient cpu"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const existing = (c.existing ?? []).map((r, i) => pod(`old-${i}`, r));
      const status = nodeResourcesFitFilter.filter(pod("new", c.request), nodeInfo("n", { allocatable: c.allocatable ?? small, pods: existing }));
      assert.deepEqual(status, c.want.length === 0 ? undefined : { code: "Unschedulable", reasons: c.want });
    });
  }
});

describe("which resource names the filter checks besides cpu, memory and ephemeral-storage", () => {
  const cases: [string, boolean][] = [
    ["example.com/gpu", true], ["nvidia.com/gpu", true], ["hugepages-2Mi", true], ["attachable-volumes-aws-ebs", true],
    ["kubernetes.io/something", true], ["requests.example.com/gpu", false], ["foo", false], ["storage", false],
  ];
  for (const [name, want] of cases) it(name, () => assert.equal(isScalarResourceName(name), want));
});
