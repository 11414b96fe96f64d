import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { namespacePrinter } from "./namespace-printer.js";

describe("namespace printer", () => {
  it("shows the phase as STATUS", () => {
    const now = new Date("2024-05-01T12:00:00Z");
    const ns = { metadata: { name: "team-a", creationTimestamp: "2024-05-01T11:00:00Z" }, status: { phase: "Terminating" } };
    assert.deepEqual(namespacePrinter.row(ns, now).cells, ["team-a", "Terminating", "60m"]);
    assert.deepEqual(
      namespacePrinter.columns.map((c) => c.name),
      ["Name", "Status", "Age"],
    );
  });
});
