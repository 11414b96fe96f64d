import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StatusError } from "../meta/status-errors.js";
import { applyJsonPatch, jsonPatchStrictErrors, maxJsonPatchOperations } from "./json-patch.js";
import { genericInvalidMessage } from "./patch-errors.js";
import { deepFreeze, nestedObjects } from "./testdata/deep-freeze.js";

function pod(): Record<string, unknown> {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", labels: { app: "web", "example.com/tier": "fe", "a~b": "x" } },
    spec: {
      containers: [
        { name: "web", image: "nginx:1.25", args: ["-g", "daemon off;"] },
        { name: "sidecar", image: "busybox" },
      ],
    },
  });
}

function statusOf(fn: () => unknown): { code: number; reason: string; message: string; details: unknown } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    const s = e.toStatus();
    return { code: s.code, reason: s.reason ?? "", message: s.message ?? "", details: s.details };
  }
  assert.fail("expected the patch to fail");
}

describe("JSON patch (kubectl patch --type json)", () => {
  const applies: Array<{ name: string; patch: unknown; check: (out: any) => void }> = [
    {
      name: "add sets a new label",
      patch: [{ op: "add", path: "/metadata/labels/env", value: "prod" }],
      check: (out) => assert.equal(out.metadata.labels.env, "prod"),
    },
    {
      name: "add with ~1 in the path addresses a key containing a slash",
      patch: [{ op: "add", path: "/metadata/labels/example.com~1owner", value: "me" }],
      check: (out) => assert.equal(out.metadata.labels["example.com/owner"], "me"),
    },
    {
      name: "~0 addresses a key containing a tilde, and ~01 stays a literal ~1",
      patch: [
        { op: "replace", path: "/metadata/labels/a~0b", value: "y" },
        { op: "add", path: "/metadata/labels/c~01", value: "z" },
      ],
      check: (out) => {
        assert.equal(out.metadata.labels["a~b"], "y");
        assert.equal(out.metadata.labels["c~1"], "z");
      },
    },
    {
      name: "add with - appends an argument",
      patch: [{ op: "add", path: "/spec/containers/0/args/-", value: "--verbose" }],
      check: (out) => assert.deepEqual(out.spec.containers[0].args, ["-g", "daemon off;", "--verbose"]),
    },
    {
      name: "add at an index inserts before the element there",
      patch: [{ op: "add", path: "/spec/containers/1", value: { name: "init", image: "alpine" } }],
      check: (out) => assert.deepEqual(out.spec.containers.map((c: any) => c.name), ["web", "init", "sidecar"]),
    },
    {
      name: "add one past the end appends",
      patch: [{ op: "add", path: "/spec/containers/0/args/2", value: "x" }],
      check: (out) => assert.deepEqual(out.spec.containers[0].args, ["-g", "daemon off;", "x"]),
    },
    {
      name: "add of an existing member replaces it",
      patch: [{ op: "add", path: "/metadata/labels/app", value: "api" }],
      check: (out) => assert.equal(out.metadata.labels.app, "api"),
    },
    {
      name: "replace changes the image",
      patch: [{ op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" }],
      check: (out) => assert.equal(out.spec.containers[0].image, "nginx:1.27"),
    },
    {
      name: "replace of a missing member adds it, as the apiserver's json-patch library does",
      patch: [{ op: "replace", path: "/metadata/labels/new", value: "v" }],
      check: (out) => assert.equal(out.metadata.labels.new, "v"),
    },
    {
      name: "remove deletes a label",
      patch: [{ op: "remove", path: "/metadata/labels/app" }],
      check: (out) => assert.deepEqual(Object.keys(out.metadata.labels), ["example.com/tier", "a~b"]),
    },
    {
      name: "remove of an array element shifts the rest",
      patch: [{ op: "remove", path: "/spec/containers/0" }],
      check: (out) => assert.deepEqual(out.spec.containers.map((c: any) => c.name), ["sidecar"]),
    },
    {
      name: "a negative index counts from the end",
      patch: [{ op: "remove", path: "/spec/containers/-1" }],
      check: (out) => assert.deepEqual(out.spec.containers.map((c: any) => c.name), ["web"]),
    },
    {
      name: "move relocates a value",
      patch: [{ op: "move", from: "/metadata/labels/app", path: "/metadata/labels/name" }],
      check: (out) => assert.deepEqual(out.metadata.labels, { "example.com/tier": "fe", "a~b": "x", name: "web" }),
    },
    {
      name: "move within an array indexes the array after removal",
      patch: [{ op: "move", from: "/spec/containers/0", path: "/spec/containers/1" }],
      check: (out) => assert.deepEqual(out.spec.containers.map((c: any) => c.name), ["sidecar", "web"]),
    },
    {
      name: "copy duplicates a value without linking the two",
      patch: [
        { op: "copy", from: "/spec/containers/0", path: "/spec/containers/-" },
        { op: "replace", path: "/spec/containers/2/name", value: "web2" },
      ],
      check: (out) => {
        assert.deepEqual(out.spec.containers.map((c: any) => c.name), ["web", "sidecar", "web2"]);
        assert.deepEqual(out.spec.containers[2].args, ["-g", "daemon off;"]);
      },
    },
    {
      name: "copy from a missing member stores null",
      patch: [{ op: "copy", from: "/metadata/nothing", path: "/metadata/copied" }],
      check: (out) => assert.equal(out.metadata.copied, null),
    },
    {
      name: "test that passes lets the following operations run",
      patch: [
        { op: "test", path: "/spec/containers/0", value: { image: "nginx:1.25", name: "web", args: ["-g", "daemon off;"] } },
        { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.27" },
      ],
      check: (out) => assert.equal(out.spec.containers[0].image, "nginx:1.27"),
    },
    {
      name: "test of a missing member against null passes",
      patch: [{ op: "test", path: "/metadata/labels/absent", value: null }],
      check: (out) => assert.equal(out.metadata.labels.absent, undefined),
    },
    {
      name: "a path without a leading slash drops its first token, as the library does",
      patch: [{ op: "add", path: "metadata/extra", value: 1 }],
      check: (out) => assert.equal(out.extra, 1),
    },
    {
      name: "add without a value stores null",
      patch: [{ op: "add", path: "/metadata/labels/empty" }],
      check: (out) => assert.equal(out.metadata.labels.empty, null),
    },
    {
      name: "replace of the whole document swaps it",
      patch: [{ op: "replace", path: "", value: { kind: "Pod", apiVersion: "v1" } }],
      check: (out) => assert.deepEqual(out, { kind: "Pod", apiVersion: "v1" }),
    },
    {
      name: "a null patch and an empty patch change nothing",
      patch: null,
      check: (out) => assert.deepEqual(out, pod()),
    },
    {
      name: "an empty list changes nothing",
      patch: [],
      check: (out) => assert.deepEqual(out, pod()),
    },
  ];
  for (const { name, patch, check } of applies) {
    it(name, () => {
      const original = pod();
      const out = applyJsonPatch(original, deepFreeze(patch));
      check(out);
      assert.deepEqual(original, pod(), "the stored object is unchanged");
    });
  }

  const failures: Array<{ name: string; patch: unknown }> = [
    { name: "remove of a label that does not exist", patch: [{ op: "remove", path: "/metadata/labels/nope" }] },
    { name: "a test whose value differs", patch: [{ op: "test", path: "/metadata/name", value: "other" }] },
    { name: "a test of a present member against null", patch: [{ op: "test", path: "/metadata/name", value: null }] },
    { name: "a test without a value against a present member", patch: [{ op: "test", path: "/metadata/name" }] },
    { name: "add below a missing parent", patch: [{ op: "add", path: "/metadata/annotations/a", value: "1" }] },
    { name: "add below a scalar", patch: [{ op: "add", path: "/metadata/name/x", value: "1" }] },
    { name: "an index past the end", patch: [{ op: "replace", path: "/spec/containers/5/image", value: "x" }] },
    { name: "add two past the end", patch: [{ op: "add", path: "/spec/containers/0/args/3", value: "x" }] },
    { name: "a token that is not an index", patch: [{ op: "add", path: "/spec/containers/first", value: {} }] },
    { name: "a negative index before the start", patch: [{ op: "remove", path: "/spec/containers/-3" }] },
    { name: "an unknown op", patch: [{ op: "upsert", path: "/metadata/name", value: "x" }] },
    { name: "an operation without op", patch: [{ path: "/metadata/name", value: "x" }] },
    { name: "an operation that is null", patch: [null] },
    { name: "an operation without path", patch: [{ op: "add", value: "x" }] },
    { name: "a path that is not a string", patch: [{ op: "add", path: 5, value: "x" }] },
    { name: "add to the empty path", patch: [{ op: "add", path: "", value: {} }] },
    { name: "move without from", patch: [{ op: "move", path: "/metadata/x" }] },
    { name: "move into its own child", patch: [{ op: "move", from: "/metadata", path: "/metadata/inner" }] },
    { name: "a later failure after successful operations", patch: [
      { op: "add", path: "/metadata/labels/x", value: "1" },
      { op: "remove", path: "/metadata/labels/missing" },
    ] },
  ];
  for (const { name, patch } of failures) {
    it(`422 Invalid with upstream's fixed message for ${name}`, () => {
      const original = pod();
      const status = statusOf(() => applyJsonPatch(original, deepFreeze(patch)));
      assert.deepEqual(status, { code: 422, reason: "Invalid", message: genericInvalidMessage, details: {} });
      assert.deepEqual(original, pod());
    });
  }

  it("keeps the library's reason for the failure as the error's cause", () => {
    try {
      applyJsonPatch(pod(), [{ op: "remove", path: "/metadata/labels/nope" }]);
      assert.fail("expected a failure");
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.equal(e.cause, "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value");
    }
  });

  const badBodies: Array<{ patch: unknown; message: string }> = [
    { patch: { op: "add", path: "/a", value: 1 }, message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch" },
    { patch: "add", message: "json: cannot unmarshal string into Go value of type jsonpatch.Patch" },
    { patch: 3, message: "json: cannot unmarshal number into Go value of type jsonpatch.Patch" },
    { patch: [{ op: "add", path: "/a", value: 1 }, 1], message: "json: cannot unmarshal number into Go value of type jsonpatch.Operation" },
    { patch: [["add"]], message: "json: cannot unmarshal array into Go value of type jsonpatch.Operation" },
    { patch: [true], message: "json: cannot unmarshal bool into Go value of type jsonpatch.Operation" },
  ];
  for (const { patch, message } of badBodies) {
    it(`400 BadRequest "${message}" for a body that is not a list of operations`, () => {
      const status = statusOf(() => applyJsonPatch(pod(), patch));
      assert.equal(status.code, 400);
      assert.equal(status.reason, "BadRequest");
      assert.equal(status.message, message);
    });
  }

  it("413 when a patch has more than 10000 operations", () => {
    const ops = Array.from({ length: maxJsonPatchOperations + 1 }, () => ({ op: "test", path: "/kind", value: "Pod" }));
    const status = statusOf(() => applyJsonPatch(pod(), ops));
    assert.equal(status.code, 413);
    assert.equal(status.reason, "RequestEntityTooLarge");
    assert.equal(status.message, "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
  });

  it("accepts exactly 10000 operations", () => {
    const ops = Array.from({ length: maxJsonPatchOperations }, () => ({ op: "test", path: "/kind", value: "Pod" }));
    assert.deepEqual(applyJsonPatch(pod(), ops), pod());
  });
});

describe("JSON patch against hostile input", () => {
  it("stops copies that keep doubling the object at 3 MiB with a 422", () => {
    const ops = [{ op: "add", path: "/metadata/blob", value: "x".repeat(1024) }];
    for (let i = 0; i < 30; i++) ops.push({ op: "copy", from: "/metadata", path: `/metadata/m${i}` } as any);
    const status = statusOf(() => applyJsonPatch(pod(), ops));
    assert.equal(status.code, 422);
  });

  it("rejects a result nested deeper than the limit instead of overflowing the stack", () => {
    const ops: unknown[] = [];
    let path = "/metadata";
    for (let i = 0; i < 1200; i++) {
      ops.push({ op: "add", path: `${path}/a`, value: {} });
      path += "/a";
    }
    const status = statusOf(() => applyJsonPatch(pod(), ops));
    assert.equal(status.code, 422);
  });

  it("rejects a patch value nested deeper than the limit with a 400", () => {
    const status = statusOf(() => applyJsonPatch(pod(), [{ op: "add", path: "/x", value: nestedObjects(1500, 1) }]));
    assert.equal(status.code, 400);
    assert.equal(status.message, "invalid character '{' exceeded max depth");
  });

  it("handles 10000 operations on a large list in bounded time", () => {
    const original = { items: Array.from({ length: 20000 }, (_, i) => i) };
    const ops = Array.from({ length: 10000 }, (_, i) => (i % 2 === 0
      ? { op: "add", path: "/items/0", value: -1 }
      : { op: "remove", path: "/items/0" }));
    const started = Date.now();
    const out = applyJsonPatch(original, ops) as { items: number[] };
    assert.equal(out.items.length, 20000);
    assert.ok(Date.now() - started < 5000);
  });

  it("stores __proto__ as an ordinary member and pollutes no prototype", () => {
    const original = JSON.parse('{"metadata":{"__proto__":{"inner":1}}}');
    const out = applyJsonPatch(original, JSON.parse(`[
      {"op":"add","path":"/__proto__","value":{"polluted":true}},
      {"op":"add","path":"/metadata/__proto__/polluted","value":true},
      {"op":"add","path":"/constructor","value":{"prototype":{"polluted":true}}},
      {"op":"copy","from":"/__proto__","path":"/metadata/copy"}
    ]`)) as Record<string, any>;
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ["metadata", "__proto__", "constructor"]);
    assert.deepEqual(out["metadata"]["__proto__"], { inner: 1, polluted: true });
    assert.deepEqual(out["metadata"]["copy"], { polluted: true });
  });

  it("does not walk through inherited members such as constructor", () => {
    const status = statusOf(() => applyJsonPatch({ a: {} }, [{ op: "add", path: "/a/constructor/prototype/polluted", value: 1 }]));
    assert.equal(status.code, 422);
    assert.equal((Object.prototype as Record<string, unknown>)["polluted"], undefined);
  });
});

describe("JSON patch strict decoding (fieldValidation=Strict)", () => {
  it("reports members an operation does not have, with their position", () => {
    assert.deepEqual(
      jsonPatchStrictErrors([{ op: "add", path: "/a", value: 1 }, { op: "remove", path: "/b", valu: 2, Op: "x" }]),
      ['json patch unknown field "[1].valu"', 'json patch unknown field "[1].Op"'],
    );
  });

  it("reports nothing for well-formed operations", () => {
    assert.deepEqual(jsonPatchStrictErrors([{ op: "move", from: "/a", path: "/b" }, null]), []);
  });

  it("makes a field of the wrong type a 400", () => {
    const status = statusOf(() => jsonPatchStrictErrors([{ op: "add", path: 1 }]));
    assert.equal(status.code, 400);
    assert.equal(status.message, "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string");
  });

  it("makes a body that is not a list a 400", () => {
    const status = statusOf(() => jsonPatchStrictErrors({ op: "add" }));
    assert.equal(status.message, "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp");
  });
});
