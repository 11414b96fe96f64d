import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultPrinter } from "./default-printer.js";

describe("default printer", () => {
  it("shows the creation time in RFC 3339, not an age", () => {
    const role = { metadata: { name: "reader", creationTimestamp: "2024-05-01T11:00:00.5+02:00" } };
    assert.deepEqual(defaultPrinter.row(role, new Date()).cells, ["reader", "2024-05-01T09:00:00Z"]);
  });

  it("shows Go's zero time when the creation time is missing", () => {
    assert.deepEqual(defaultPrinter.row({ metadata: { name: "x" } }, new Date()).cells, ["x", "0001-01-01T00:00:00Z"]);
  });
});
