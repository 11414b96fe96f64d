import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitErrorMessage, reasonsHistogram, type Diagnosis } from "./fit-error.js";
import { unresolvable, unschedulable } from "./framework.js";

describe("FitError message (upstream framework/types.go FitError.Error)", () => {
  const cases: { name: string; d: Diagnosis; want: string }[] = [
    {
      name: "filter reasons, then the PostFilter text as given",
      d: { numAllNodes: 2, nodeToStatus: new Map([["a", unschedulable("Insufficient cpu")], ["b", unschedulable("Insufficient cpu", "Insufficient memory")]]), postFilterMsg: "preemption: x." },
      // Sorted as whole strings: the count comes first.
      want: "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: x.",
    },
    {
      name: "absent nodes count with the absent status",
      d: { numAllNodes: 3, nodeToStatus: new Map([["a", unschedulable("Too many pods")]]), absentNodesStatus: unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]") },
      want: "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    },
    {
      name: "a PreFilter message replaces the histogram",
      d: { numAllNodes: 2, nodeToStatus: new Map(), absentNodesStatus: unresolvable("pod affinity terms conflict"), preFilterMsg: "pod affinity terms conflict" },
      want: "0/2 nodes are available: pod affinity terms conflict.",
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(fitErrorMessage(c.d), c.want));

  it("reports the histogram as counts per reason", () => {
    const d: Diagnosis = { numAllNodes: 4, nodeToStatus: new Map([["a", unschedulable("Insufficient cpu")]]), absentNodesStatus: unresolvable("x") };
    assert.deepEqual(reasonsHistogram(d), { "Insufficient cpu": 1, x: 3 });
  });
});
