import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configMapPrinter } from "./config-map-printer.js";

describe("config map printer", () => {
  it("counts the keys of data and binaryData together", () => {
    const now = new Date("2024-05-01T12:00:00Z");
    const cm = {
      metadata: { name: "settings", creationTimestamp: "2024-05-01T11:59:30Z" },
      data: { a: "1", b: "2" },
      binaryData: { c: "AAE=" },
    };
    assert.deepEqual(configMapPrinter.row(cm, now).cells, ["settings", 3, "30s"]);
    assert.deepEqual(configMapPrinter.row({ metadata: { name: "empty" } }, now).cells, ["empty", 0, "<unknown>"]);
  });
});
