import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StatusError } from "../meta/status-errors.js";
import { applyMergePatch } from "./merge-patch.js";
import { deepFreeze, nestedObjects } from "./testdata/deep-freeze.js";

function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    return { code: e.code, reason: e.reason, message: e.message };
  }
  assert.fail("expected the patch to fail");
}

describe("JSON merge patch (RFC 7386; kubectl patch --type merge, kubectl scale)", () => {
  const cases: Array<{ name: string; original: unknown; patch: unknown; result: unknown }> = [
    { name: "a new member is added", original: { a: "b" }, patch: { b: "c" }, result: { a: "b", b: "c" } },
    { name: "a member is replaced", original: { a: "b" }, patch: { a: "c" }, result: { a: "c" } },
    { name: "null deletes a member", original: { a: "b", b: "c" }, patch: { a: null }, result: { b: "c" } },
    { name: "null for a missing member changes nothing", original: { a: "b" }, patch: { z: null }, result: { a: "b" } },
    { name: "arrays are replaced, not merged", original: { a: ["b"] }, patch: { a: ["c", "d"] }, result: { a: ["c", "d"] } },
    { name: "an array replaces an object", original: { a: { b: "c" } }, patch: { a: ["c"] }, result: { a: ["c"] } },
    { name: "an object replaces a scalar", original: { a: "foo" }, patch: { a: { b: "c" } }, result: { a: { b: "c" } } },
    { name: "a scalar replaces an object", original: { a: { b: "c" } }, patch: { a: 1 }, result: { a: 1 } },
    {
      name: "objects merge recursively",
      original: { a: { b: "c", d: { e: 1 } } },
      patch: { a: { d: { f: 2 }, g: true } },
      result: { a: { b: "c", d: { e: 1, f: 2 }, g: true } },
    },
    {
      name: "nulls inside a newly added object are dropped at every depth",
      original: { e: null },
      patch: { a: 1, c: { d: null, x: { y: null, z: 1 } } },
      result: { e: null, a: 1, c: { x: { z: 1 } } },
    },
    {
      name: "nulls inside objects of a newly added array are dropped, null elements stay",
      original: {},
      patch: { a: [{ b: null, c: 1 }, null] },
      result: { a: [{ c: 1 }, null] },
    },
    {
      name: "a member that was null takes the patch value with its nulls dropped",
      original: { a: null },
      patch: { a: { b: null, c: 2 } },
      result: { a: { c: 2 } },
    },
    {
      name: "an array replacing an object keeps its nulls, as the apiserver's library does",
      original: { a: { b: 1 } },
      patch: { a: [{ c: null }] },
      result: { a: [{ c: null }] },
    },
    {
      name: "an empty patch changes nothing",
      original: { a: { b: 1 } },
      patch: {},
      result: { a: { b: 1 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const original = deepFreeze(c.original);
      assert.deepEqual(applyMergePatch(original, deepFreeze(c.patch)), c.result);
    });
  }

  it("kubectl scale sets the replicas and keeps the rest of the deployment", () => {
    const deployment = deepFreeze({
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { app: "web" } },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { spec: { containers: [{ name: "web", image: "nginx" }] } } },
    });
    const out = applyMergePatch(deployment, { spec: { replicas: 3 } }) as any;
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(out.spec.template, deployment.spec.template);
    assert.deepEqual(out.metadata, deployment.metadata);
  });

  it("kubectl label --overwrite removing a label sends null", () => {
    const out = applyMergePatch(
      deepFreeze({ metadata: { name: "p", labels: { app: "web", tier: "fe" } } }),
      { metadata: { labels: { tier: null } } },
    );
    assert.deepEqual(out, { metadata: { name: "p", labels: { app: "web" } } });
  });

  it("a patch that is an array replaces the whole document (which then fails to decode as an object)", () => {
    assert.deepEqual(applyMergePatch({ a: 1 }, [{ b: null, c: 1 }, null]), [{ c: 1 }, null]);
  });

  for (const patch of [null, "x", 3, true]) {
    it(`400 "Invalid JSON Patch" for the patch ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(statusOf(() => applyMergePatch({ a: 1 }, patch)), { code: 400, reason: "BadRequest", message: "Invalid JSON Patch" });
    });
  }

  it("400 for a patch nested deeper than the limit", () => {
    assert.equal(statusOf(() => applyMergePatch({}, nestedObjects(1500, 1))).code, 400);
  });

  it("merges a patch as deep as the limit allows", () => {
    const out = applyMergePatch(nestedObjects(999, { x: 1 }), nestedObjects(999, { y: 2 }));
    assert.deepEqual(out, nestedObjects(999, { x: 1, y: 2 }));
  });

  it("keeps __proto__ and constructor as ordinary members", () => {
    const original = JSON.parse('{"metadata":{"labels":{"__proto__":"x"}}}');
    const out = applyMergePatch(original, JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"metadata":{"labels":{"__proto__":null,"constructor":"c"}}}')) as Record<string, any>;
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ["metadata", "__proto__", "constructor"]);
    assert.deepEqual(out["__proto__"], { polluted: true });
    assert.deepEqual(Object.keys(out["metadata"]["labels"]), ["constructor"]);
  });

  it("merges a patch with many keys into a large object", () => {
    const original: Record<string, number> = {};
    const patch: Record<string, number | null> = {};
    for (let i = 0; i < 100000; i++) {
      original[`k${i}`] = i;
      patch[`k${i}`] = i % 2 === 0 ? null : -i;
    }
    const out = applyMergePatch(original, patch) as Record<string, number>;
    assert.equal(Object.keys(out).length, 50000);
    assert.equal(out["k1"], -1);
  });
});
