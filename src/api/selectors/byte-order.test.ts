import { test } from "node:test";
import assert from "node:assert/strict";
import { compareByBytes } from "./byte-order.js";

test("strings sort as Go sorts them: byte-wise, shorter prefix first", () => {
  assert.deepEqual(["b", "a", "ab", "B", ""].sort(compareByBytes), ["", "B", "a", "ab", "b"]);
  assert.equal(compareByBytes("x", "x"), 0);
});

test("characters above U+FFFF sort after U+E000..U+FFFF, as in UTF-8", () => {
  const astral = "\u{1F600}"; // UTF-8 F0 9F 98 80
  const privateUse = "\uE000"; // UTF-8 EE 80 80
  assert.ok(compareByBytes(astral, privateUse) > 0);
  assert.ok(compareByBytes(privateUse, astral) < 0);
  // plain `<` on UTF-16 code units gets this backwards
  assert.ok(astral < privateUse);
});
