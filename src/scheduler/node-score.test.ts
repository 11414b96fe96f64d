import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { balancedAllocationScore, leastAllocatedScore, normalizeScores, resourceScore } from "./node-score.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

const amounts = (cpu: bigint, memory: bigint): Map<string, bigint> => new Map([["cpu", cpu], ["memory", memory]]);

describe("resource scores (upstream least_allocated.go, balanced_allocation.go)", () => {
  const allocatable = amounts(4000n, 10000n);
  const cases: { name: string; requested: Map<string, bigint>; least: number; balanced: number }[] = [
    { name: "an empty node", requested: amounts(0n, 0n), least: 100, balanced: 100 },
    { name: "three quarters cpu, half memory", requested: amounts(3000n, 5000n), least: 37, balanced: 87 },
    { name: "overcommitted cpu scores 0 for cpu and caps the fraction at 1", requested: amounts(5000n, 0n), least: 50, balanced: 50 },
    { name: "a full node", requested: amounts(4000n, 10000n), least: 0, balanced: 100 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(leastAllocatedScore(c.requested, allocatable), c.least);
      assert.equal(balancedAllocationScore(c.requested, allocatable), c.balanced);
    });
  }

  it("counts a pod without requests as 100m cpu and 200Mi memory when ranking by free space", () => {
    const empty = nodeInfo("n1", { allocatable: { cpu: "1", memory: "1000Mi", pods: "10" } });
    // cpu (1000-100)/1000 → 90, memory (1000-200)/1000 → 80: 85; balanced has no requests: 100.
    assert.equal(resourceScore(pod("p"), empty), 185);
  });
});

describe("normalising plugin scores (upstream DefaultNormalizeScore)", () => {
  const cases: { name: string; raw: number[]; reverse: boolean; want: number[] }[] = [
    { name: "scaled by the highest", raw: [0, 5, 10], reverse: false, want: [0, 50, 100] },
    { name: "reversed: fewest is best", raw: [0, 1, 3], reverse: true, want: [100, 67, 0] },
    { name: "all zero, reversed: all best", raw: [0, 0], reverse: true, want: [100, 100] },
    { name: "all zero: all zero", raw: [0, 0], reverse: false, want: [0, 0] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(normalizeScores(c.raw, c.reverse), c.want));
});
