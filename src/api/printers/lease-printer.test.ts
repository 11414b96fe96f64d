import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { leasePrinter } from "./lease-printer.js";

describe("lease printer", () => {
  it("shows the holder, empty when nobody holds the lease", () => {
    const now = new Date("2024-05-01T12:00:00Z");
    const lease = { metadata: { name: "peapod-1", creationTimestamp: "2024-05-01T11:58:00Z" }, spec: { holderIdentity: "peapod-1" } };
    assert.deepEqual(leasePrinter.row(lease, now).cells, ["peapod-1", "peapod-1", "2m"]);
    assert.deepEqual(leasePrinter.row({ metadata: { name: "free" }, spec: {} }, now).cells, ["free", "", "<unknown>"]);
  });
});
