import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodeNameFilter } from "./node-name.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

describe("NodeName filter", () => {
  const cases: { name: string; nodeName?: string; fits: boolean }[] = [
    { name: "no node named", fits: true },
    { name: "this node named", nodeName: "n1", fits: true },
    { name: "another node named", nodeName: "n2", fits: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = nodeNameFilter.filter(pod("p", undefined, { nodeName: c.nodeName }), nodeInfo("n1"));
      assert.deepEqual(status, c.fits ? undefined : { code: "UnschedulableAndUnresolvable", reasons: ["node(s) didn't match the requested node name"] });
    });
  }
});
