import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { humanDuration, parseTimestamp, shortHumanDuration, translateTimestampSince } from "./human-duration.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe("humanDuration", () => {
  const cases: Array<[number, string]> = [
    [-2 * s, "<invalid>"],
    [-1999, "0s"],
    [-1 * s, "0s"],
    [-500, "0s"],
    [0, "0s"],
    [999, "0s"],
    [1 * s, "1s"],
    [119 * s + 999, "119s"],
    [2 * m, "2m"],
    [2 * m + 1 * s, "2m1s"],
    [9 * m + 59 * s, "9m59s"],
    [10 * m, "10m"],
    [10 * m + 59 * s, "10m"],
    [179 * m + 59 * s, "179m"],
    [3 * h, "3h"],
    [3 * h + 1 * m, "3h1m"],
    [7 * h + 59 * m + 59 * s, "7h59m"],
    [8 * h, "8h"],
    [47 * h + 59 * m, "47h"],
    [48 * h, "2d"],
    [2 * d + 1 * h, "2d1h"],
    [7 * d + 23 * h, "7d23h"],
    [8 * d, "8d"],
    [2 * y - 1 * h, "729d"],
    [2 * y, "2y"],
    [2 * y + 1 * d, "2y1d"],
    [8 * y - 1 * h, "7y364d"],
    [8 * y, "8y"],
    [20 * y + 100 * d, "20y"],
  ];
  for (const [ms, text] of cases) {
    it(`shows ${ms} ms as ${text}`, () => assert.equal(humanDuration(ms), text));
  }
});

describe("shortHumanDuration", () => {
  const cases: Array<[number, string]> = [
    [-2 * s, "<invalid>"],
    [-1 * s, "0s"],
    [59 * s, "59s"],
    [60 * s, "1m"],
    [59 * m + 59 * s, "59m"],
    [60 * m, "1h"],
    [23 * h + 59 * m, "23h"],
    [24 * h, "1d"],
    [364 * d, "364d"],
    [365 * d, "1y"],
    [3 * y + 200 * d, "3y"],
  ];
  for (const [ms, text] of cases) {
    it(`shows ${ms} ms as ${text}`, () => assert.equal(shortHumanDuration(ms), text));
  }
});

describe("translateTimestampSince", () => {
  const now = new Date("2024-05-01T12:00:00Z");

  it("measures the age of an RFC 3339 timestamp from the given time", () => {
    assert.equal(translateTimestampSince("2024-05-01T11:55:00Z", now), "5m");
    assert.equal(translateTimestampSince("2024-05-01T11:59:59.999999Z", now), "0s");
    assert.equal(translateTimestampSince("2024-05-01T13:55:00+02:00", now), "5m");
  });

  it("shows <unknown> for a missing, null, unparsable or zero timestamp", () => {
    for (const value of [undefined, null, "", "yesterday", 42, "0001-01-01T00:00:00Z"]) {
      assert.equal(translateTimestampSince(value, now), "<unknown>", String(value));
    }
  });

  it("shows a timestamp more than a second in the future as <invalid>", () => {
    assert.equal(translateTimestampSince("2024-05-01T12:00:01Z", now), "0s");
    assert.equal(translateTimestampSince("2024-05-01T12:00:05Z", now), "<invalid>");
  });

  it("parses timestamps into epoch milliseconds", () => {
    assert.equal(parseTimestamp("1970-01-01T00:00:01Z"), 1000);
    assert.equal(parseTimestamp("0001-01-01T00:00:00Z"), undefined);
  });
});
