import { test } from "node:test";
import assert from "node:assert/strict";
import { goDuration, parseGoDuration } from "./go-duration.js";

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

const parsed: [string, number | undefined][] = [
  ["4h0m0s", 4 * 3_600_000],
  ["1h30m", 5_400_000],
  ["200ms", 200],
  ["1.5s", 1_500],
  ["-2m", -120_000],
  ["0", 0],
  ["10", undefined],
  ["", undefined],
  ["5 m", undefined],
  ["1d", undefined],
];

for (const [text, ms] of parsed) {
  test(`parses ${JSON.stringify(text)} as Go's time.ParseDuration does: ${String(ms)}`, () => assert.equal(parseGoDuration(text), ms));
}

test("parseGoDuration reads what goDuration prints", () => {
  for (const [ms] of cases) assert.equal(parseGoDuration(goDuration(ms)), ms);
});
