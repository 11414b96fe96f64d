import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addQuantities, compareQuantities, errFormatWrong, errSuffix, formatQuantity, parseQuantity, quantityMilliValue,
  quantityValue, roundUpQuantity, tryParseQuantity,
} from "./quantity.js";

describe("quantities as the API server writes them back", () => {
  const cases: [string | number, string][] = [
    ["100m", "100m"],
    ["0.5", "500m"],
    [0.5, "500m"],
    ["1", "1"],
    [2, "2"],
    ["1000", "1k"],
    ["1500", "1500"],
    ["1k", "1k"],
    ["1000k", "1M"],
    ["1Gi", "1Gi"],
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["1.5Gi", "1536Mi"],
    ["0.5Ki", "512"],
    ["128974848", "128974848"],
    ["129e6", "129e6"],
    ["1e4", "10e3"],
    ["0.1m", "100u"],
    ["0.0000000001", "1n"],
    ["-1", "-1"],
    ["+1", "+1"],
    ["007", "007"],
    ["0", "0"],
    ["0.0", "0"],
    ["1.0", "1"],
    ["2.5G", "2500M"],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} is written as ${want}`, () => assert.equal(formatQuantity(parseQuantity(input)), want));
  }
});

describe("quantities that are refused", () => {
  const cases: [string, string][] = [
    ["abc", errFormatWrong],
    ["1.5.5", errFormatWrong],
    ["1x", errFormatWrong],
    ["", errFormatWrong],
    ["1e", errSuffix],
    ["1kk", errSuffix],
    ["1Mb", errFormatWrong],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)}: ${want.slice(0, 30)}…`, () => assert.equal(tryParseQuantity(input).error, want));
  }
  it("names the expected format", () => {
    assert.equal(errFormatWrong, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe("quantity arithmetic", () => {
  it("compares across suffixes", () => {
    assert.equal(compareQuantities(parseQuantity("1"), parseQuantity("1000m")), 0);
    assert.equal(compareQuantities(parseQuantity("500m"), parseQuantity("1")), -1);
    assert.equal(compareQuantities(parseQuantity("1Gi"), parseQuantity("1G")), 1);
  });
  it("gives CPU in millicores and memory in bytes, rounded up", () => {
    assert.equal(quantityMilliValue(parseQuantity("0.25")), 250n);
    assert.equal(quantityMilliValue(parseQuantity("1u")), 1n);
    assert.equal(quantityValue(parseQuantity("64Mi")), 67108864n);
    assert.equal(quantityValue(parseQuantity("1.5")), 2n);
  });
  it("adds keeping the first operand's format", () => {
    assert.equal(formatQuantity(addQuantities(parseQuantity("100m"), parseQuantity("400m"))), "500m");
    assert.equal(formatQuantity(addQuantities(parseQuantity("1Gi"), parseQuantity("1Gi"))), "2Gi");
  });
  it("rounds up to millis as resource defaulting does", () => {
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity("100u"), -3)), "1m");
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity("250m"), -3)), "250m");
  });
});
