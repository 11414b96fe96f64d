import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cloneJson, encodedSize, exceedsNesting, jsonEqual } from "./json-value.js";
import { nestedObjects } from "./testdata/deep-freeze.js";

describe("JSON value helpers", () => {
  it("clones at every depth without sharing", () => {
    const original = { a: [{ b: 1 }, null, "s"], c: { d: { e: true } } };
    const copy = cloneJson(original) as typeof original;
    assert.deepEqual(copy, original);
    assert.notEqual(copy.a, original.a);
    assert.notEqual(copy.a[0], original.a[0]);
    assert.notEqual(copy.c.d, original.c.d);
  });

  it("clones far deeper than the call stack would allow recursion", () => {
    const deep = nestedObjects(100000, 1);
    assert.ok(jsonEqual(cloneJson(deep), deep));
  });

  it("drops null members, not null elements, when asked", () => {
    assert.deepEqual(cloneJson({ a: null, b: [null, { c: null, d: 1 }] }, true), { b: [null, { d: 1 }] });
  });

  it("clones __proto__ as an own member", () => {
    const copy = cloneJson(JSON.parse('{"__proto__":{"x":1}}')) as object;
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value, { x: 1 });
  });

  it("compares structurally, ignoring member order", () => {
    assert.ok(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }));
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!jsonEqual([1, 2], [2, 1]));
    assert.ok(!jsonEqual({ a: undefined }, { b: undefined }));
    assert.ok(!jsonEqual([], {}));
    assert.ok(!jsonEqual(1, "1"));
  });

  it("finds the first container nested beyond the limit", () => {
    assert.equal(exceedsNesting(nestedObjects(10, 1), 10), undefined);
    assert.equal(exceedsNesting(nestedObjects(11, 1), 10), "{");
    assert.equal(exceedsNesting({ a: [[[1]]] }, 3), "[");
    assert.equal(exceedsNesting("scalar", 0), undefined);
  });

  it("measures the size Go's encoder would write", () => {
    for (const v of [null, true, 12.5, "plain", { a: [1, "x", { b: false }], "k\"ey": "é€😀" }, [], {}]) {
      assert.equal(encodedSize(v), Buffer.byteLength(JSON.stringify(v)), JSON.stringify(v));
    }
    // "\u003c\u0026\u003e": Go escapes HTML characters.
    assert.equal(encodedSize("<&>"), 20);
  });

  it("stops measuring once the budget is exceeded", () => {
    const huge = Array.from({ length: 100000 }, () => "xxxxxxxxxx");
    const size = encodedSize(huge, 1000);
    assert.ok(size > 1000 && size < encodedSize(huge) / 5, String(size));
  });
});
