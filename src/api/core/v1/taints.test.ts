/** Toleration matching as k8s.io/api/core/v1 ToleratesTaint and v1helper.GetMatchingTolerations. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { getMatchingTolerations, toleratesTaint } from "./taints.js";
import type { Taint } from "./node-types.js";
import type { Toleration } from "./pod-types.js";

const taint: Taint = { key: "k", value: "v", effect: "NoExecute" };

const cases: { name: string; toleration: Toleration; want: boolean }[] = [
  { name: "Equal with the same key, value and effect", toleration: { key: "k", operator: "Equal", value: "v", effect: "NoExecute" }, want: true },
  { name: "the operator defaults to Equal", toleration: { key: "k", value: "v" }, want: true },
  { name: "Equal with another value", toleration: { key: "k", value: "w" }, want: false },
  { name: "Exists ignores the value", toleration: { key: "k", operator: "Exists" }, want: true },
  { name: "an empty key with Exists tolerates every taint", toleration: { operator: "Exists" }, want: true },
  { name: "another effect", toleration: { key: "k", operator: "Exists", effect: "NoSchedule" }, want: false },
  { name: "another key", toleration: { key: "other", operator: "Exists" }, want: false },
  { name: "an unknown operator", toleration: { key: "k", operator: "Gt", value: "v" }, want: false },
];

for (const c of cases) {
  test(`toleratesTaint: ${c.name}`, () => assert.equal(toleratesTaint(c.toleration, taint), c.want));
}

test("getMatchingTolerations: the first toleration per taint, or nothing when one taint is not tolerated", () => {
  const a: Toleration = { key: "a", operator: "Exists" };
  const all: Toleration = { operator: "Exists" };
  assert.deepEqual(getMatchingTolerations([{ key: "a", effect: "NoExecute" }, { key: "b", effect: "NoExecute" }], [a, all]), { allTolerated: true, used: [a, all] });
  assert.deepEqual(getMatchingTolerations([{ key: "b", effect: "NoExecute" }], [a]), { allTolerated: false, used: [] });
  assert.deepEqual(getMatchingTolerations([], undefined), { allTolerated: true, used: [] });
});
