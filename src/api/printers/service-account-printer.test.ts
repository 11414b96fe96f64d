import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serviceAccountPrinter } from "./service-account-printer.js";

describe("service account printer", () => {
  it("shows the number of listed secrets, 0 when there are none", () => {
    const now = new Date("2024-05-01T12:00:00Z");
    const sa = { metadata: { name: "builder", creationTimestamp: "2024-05-01T09:30:00Z" }, secrets: [{ name: "t" }] };
    assert.deepEqual(serviceAccountPrinter.row(sa, now).cells, ["builder", 1, "150m"]);
    assert.deepEqual(serviceAccountPrinter.row({ metadata: { name: "default" } }, now).cells, [
      "default",
      0,
      "<unknown>",
    ]);
  });
});
