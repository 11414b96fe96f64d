import { test } from "node:test";
import assert from "node:assert/strict";
import { goDuration } from "./go-duration.js";

const cases: [number, string][] = [
  [10_000, "10s"],
  [20_000, "20s"],
  [80_000, "1m20s"],
  [160_000, "2m40s"],
  [300_000, "5m0s"],
  [3_600_000, "1h0m0s"],
  [500, "500ms"],
  [0, "0s"],
  [1_500, "1.5s"],
];

for (const [ms, text] of cases) {
  test(`prints ${ms} ms as Go's Duration.String does: ${text}`, () => assert.equal(goDuration(ms), text));
}
