import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareKeys, keyAfter, prefixEnd } from "./key-range.js";

describe("key ranges", () => {
  it("orders keys bytewise by UTF-8, not by UTF-16 code units", () => {
    assert.ok(compareKeys("\uFFFD", "\u{1F600}") < 0);
    assert.ok("\uFFFD" > "\u{1F600}", "JavaScript's own order differs here");
    assert.ok(compareKeys("/a", "/a/") < 0);
    assert.equal(compareKeys("/a", "/a"), 0);
  });

  it("bounds a prefix by the successor of its last character", () => {
    assert.equal(prefixEnd("/pods/"), "/pods0");
    assert.equal(prefixEnd("/a\u{10FFFF}"), "/b");
    assert.equal(prefixEnd("x\uD7FF"), "x\uE000");
    assert.equal(prefixEnd("\u{10FFFF}"), undefined);
    assert.equal(prefixEnd(""), undefined);
  });

  it("continues a page right after the last key, skipping nothing", () => {
    const next = keyAfter("/a");
    assert.ok(compareKeys(next, "/a") > 0);
    assert.ok(compareKeys(next, "/a\u0001") < 0);
  });
});
