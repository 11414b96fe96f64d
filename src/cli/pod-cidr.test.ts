import { test } from "node:test";
import assert from "node:assert/strict";
import { firstNodeRange } from "./pod-cidr.js";

const cases: [string, string][] = [
  ["10.42.0.0/16", "10.42.0.0/24"],
  ["10.42.7.9/16", "10.42.0.0/24"],
  ["10.250.3.0/24", "10.250.3.0/24"],
  ["10.250.3.128/25", "10.250.3.128/25"],
  ["172.16.0.0/12", "172.16.0.0/24"],
];
for (const [cluster, node] of cases) test(`${cluster} gives the node ${node}`, () => assert.equal(firstNodeRange(cluster), node));

test("a malformed range is a usage error", () => {
  for (const bad of ["10.42.0.0", "10.42.0.0/33", "300.1.1.1/16", "fd00::/64"]) assert.throws(() => firstNodeRange(bad), /--pod-cidr/);
});
