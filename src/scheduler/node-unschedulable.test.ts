import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Toleration } from "../api/index.js";
import { nodeUnschedulableFilter } from "./node-unschedulable.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

describe("NodeUnschedulable filter", () => {
  const cases: { name: string; unschedulable: boolean; tolerations?: Toleration[]; fits: boolean }[] = [
    { name: "a schedulable node", unschedulable: false, fits: true },
    { name: "a cordoned node", unschedulable: true, fits: false },
    { name: "a cordoned node, pod tolerates the unschedulable taint", unschedulable: true, tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }], fits: true },
    { name: "a cordoned node, pod tolerates everything", unschedulable: true, tolerations: [{ operator: "Exists" }], fits: true },
    { name: "a cordoned node, toleration for NoExecute only", unschedulable: true, tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }], fits: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = nodeUnschedulableFilter.filter(pod("p", undefined, { tolerations: c.tolerations }), nodeInfo("n", { unschedulable: c.unschedulable }));
      assert.deepEqual(status, c.fits ? undefined : { code: "UnschedulableAndUnresolvable", reasons: ["node(s) were unschedulable"] });
    });
  }
});
