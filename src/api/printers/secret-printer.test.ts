import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secretPrinter } from "./secret-printer.js";

describe("secret printer", () => {
  it("shows the type and the number of keys", () => {
    const now = new Date("2024-05-01T12:00:00Z");
    const secret = {
      metadata: { name: "tls", creationTimestamp: "2024-04-01T12:00:00Z" },
      type: "kubernetes.io/tls",
      data: { "tls.crt": "Zm9v", "tls.key": "YmFy" },
    };
    assert.deepEqual(secretPrinter.row(secret, now).cells, ["tls", "kubernetes.io/tls", 2, "30d"]);
    assert.deepEqual(
      secretPrinter.columns.map((c) => c.name),
      ["Name", "Type", "Data", "Age"],
    );
  });

  it("counts stringData keys not yet merged into data once", () => {
    const secret = { metadata: { name: "s" }, type: "Opaque", data: { a: "MQ==" }, stringData: { a: "1", b: "2" } };
    assert.equal(secretPrinter.row(secret, new Date()).cells[2], 2);
  });
});
