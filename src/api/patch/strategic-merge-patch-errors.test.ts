import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { genericInvalidMessage } from "./patch-errors.js";
import { strategicMergePatch } from "./strategic-merge-patch.js";
import { deepFreeze, nestedObjects } from "./testdata/deep-freeze.js";
import { controllerRevisionStruct, handSchema } from "./testdata/hand-schema.js";
import { livePod, names, patchPod, statusOf } from "./testdata/live-objects.js";

describe("strategic merge patch: malformed patches fail as upstream's do", () => {
  const failures: Array<{ name: string; patch: unknown; original?: unknown; code: number; reason: string; message: string }> = [
    {
      name: "a list element without the merge key",
      patch: { spec: { containers: [{ image: "nginx" }] } },
      code: 500, reason: "", message: "map: map[image:nginx] does not contain declared merge key: name",
    },
    {
      name: "$patch: delete without the merge key",
      patch: { spec: { containers: [{ "$patch": "delete", image: "nginx" }] } },
      code: 500, reason: "", message: "map: map[$patch:delete image:nginx] does not contain declared merge key: name",
    },
    {
      name: "$patch: merge in a map",
      patch: { spec: { nodeSelector: { "$patch": "merge", disk: "ssd" } } },
      code: 500, reason: "", message: "unknown patch type: merge in map: map[$patch:merge disk:ssd]",
    },
    {
      name: "$patch: merge in a list",
      patch: { spec: { containers: [{ name: "web", "$patch": "merge" }] } },
      code: 500, reason: "", message: "merging lists cannot yet be specified in the patch",
    },
    {
      name: "an unknown $patch in a list",
      patch: { spec: { containers: [{ name: "web", "$patch": "upsert" }] } },
      code: 500, reason: "", message: "unknown patch type: upsert in map: map[$patch:upsert name:web]",
    },
    {
      name: "a $patch that is not a string",
      patch: { spec: { nodeSelector: { "$patch": 1 } } },
      code: 500, reason: "", message: "unknown patch type: %!s(int64=1) in map: map[$patch:1]",
    },
    {
      name: "$retainKeys that is not a list",
      patch: { spec: { securityContext: { "$retainKeys": "runAsUser", runAsUser: 1 } } },
      code: 400, reason: "BadRequest", message: "invalid patch format of retainKeys",
    },
    {
      name: "$retainKeys missing a key the patch sets",
      patch: { spec: { securityContext: { "$retainKeys": ["supplementalGroups"], runAsUser: 1 } } },
      code: 400, reason: "BadRequest", message: "invalid patch format of retainKeys",
    },
    {
      name: "$deleteFromPrimitiveList without a field",
      patch: { metadata: { "$deleteFromPrimitiveListfinalizers": ["a"] } },
      code: 400, reason: "BadRequest", message: "invalid patch format of primitive list",
    },
    {
      name: "$setElementOrder without a field",
      patch: { spec: { "$setElementOrderX/containers": [] } },
      code: 400, reason: "BadRequest", message: "invalid patch format of setElementOrder list",
    },
    {
      name: "$setElementOrder that is not a list",
      patch: { spec: { "$setElementOrder/containers": "web" } },
      code: 500, reason: "", message: "expected a []interface {}, but received a string",
    },
    {
      name: "$setElementOrder of a field the type lacks",
      patch: { spec: { "$setElementOrder/sidecars": [{ name: "a" }] } },
      code: 500, reason: "", message: 'unable to find api field in struct PodSpec for the json field "sidecars"',
    },
    {
      name: "$setElementOrder in another order than the patch list",
      patch: { metadata: { "$setElementOrder/finalizers": ["x", "y"], finalizers: ["y", "x"] } },
      code: 500, reason: "",
      message: "The order in patch list:\n[y x]\n doesn't match $setElementOrder list:\n[x y]\n",
    },
    {
      name: "$setElementOrder of scalars for a list of objects",
      patch: { spec: { "$setElementOrder/containers": ["web"], containers: [{ name: "web" }] } },
      code: 500, reason: "", message: "expected a map[string]interface {}, but received a string",
    },
    {
      name: "elements of another type than the live list's",
      patch: { metadata: { finalizers: [1] } },
      code: 500, reason: "",
      message: "list element types are not identical: [[example.com/a example.com/b] [1]]",
    },
    {
      name: "a list of lists",
      original: { metadata: { finalizers: [] } },
      patch: { metadata: { finalizers: [["a"]] } },
      code: 422, reason: "Invalid", message: genericInvalidMessage,
    },
    {
      name: "a patch that is a list",
      patch: [{ op: "add" }],
      code: 400, reason: "BadRequest", message: "json: cannot unmarshal array into Go value of type map[string]interface {}",
    },
    {
      name: "a patch that is a string",
      patch: "spec",
      code: 400, reason: "BadRequest", message: "json: cannot unmarshal string into Go value of type map[string]interface {}",
    },
    {
      name: "a patch nested deeper than the limit",
      patch: { metadata: nestedObjects(1500, 1) },
      code: 400, reason: "BadRequest", message: "invalid character '{' exceeded max depth",
    },
  ];
  for (const f of failures) {
    it(`${f.code} for ${f.name}`, () => {
      const original = f.original === undefined ? livePod() : deepFreeze(f.original);
      assert.deepEqual(statusOf(() => patchPod(f.patch, original)), { code: f.code, reason: f.reason, message: f.message });
    });
  }
});

describe("strategic merge patch against hostile input", () => {
  it("keeps __proto__ and constructor as ordinary keys and pollutes no prototype", () => {
    const out = patchPod(JSON.parse(`{
      "__proto__": {"polluted": true},
      "metadata": {"labels": {"__proto__": "x", "constructor": "y"}, "constructor": {"prototype": {"polluted": true}}},
      "spec": {"containers": [{"name": "__proto__", "image": "a"}, {"name": "constructor", "image": "b"}]}
    }`));
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, { polluted: true });
    assert.deepEqual(Object.keys(out.metadata.labels), ["app", "tier", "__proto__", "constructor"]);
    assert.equal(Object.getPrototypeOf(out.metadata.labels), Object.prototype);
    assert.deepEqual(names(out.spec.containers), ["__proto__", "constructor", "web", "log"]);
  });

  it("does not look up inherited members as schema fields", () => {
    const original = JSON.parse('{"spec":{"constructor":{"a":1}}}');
    const status = statusOf(() => patchPod({ spec: { constructor: { b: 2 } } }, original));
    assert.deepEqual(status, { code: 500, reason: "", message: 'unable to find api field in struct PodSpec for the json field "constructor"' });
  });

  it("merges huge lists by key in bounded time", () => {
    const count = 50000;
    const original = deepFreeze({ spec: { containers: Array.from({ length: count }, (_, i) => ({ name: `c${i}`, image: "a" })) } });
    const patch = {
      spec: {
        "$setElementOrder/containers": Array.from({ length: count }, (_, i) => ({ name: `c${count - 1 - i}` })),
        containers: Array.from({ length: count }, (_, i) => ({ name: `c${count - 1 - i}`, image: "b" })),
      },
    };
    const started = Date.now();
    const out = patchPod(patch, original);
    assert.ok(Date.now() - started < 5000, "took too long");
    assert.equal(out.spec.containers.length, count);
    assert.deepEqual(out.spec.containers[0], { name: `c${count - 1}`, image: "b" });
  });

  it("merges a huge primitive list as a set in bounded time", () => {
    const original = deepFreeze({ metadata: { finalizers: Array.from({ length: 50000 }, (_, i) => `f${i}`) } });
    const started = Date.now();
    const out = patchPod({ metadata: { finalizers: Array.from({ length: 50000 }, (_, i) => `f${i * 2}`) } }, original);
    assert.ok(Date.now() - started < 5000, "took too long");
    assert.equal(out.metadata.finalizers.length, 75000);
  });

  it("merges objects as deep as the limit allows without overflowing the stack", () => {
    const out = strategicMergePatch(
      deepFreeze({ anything: nestedObjects(990, { x: 1 }) }),
      deepFreeze({ anything: nestedObjects(990, { y: null, z: { w: null } }) }),
      handSchema, controllerRevisionStruct,
    );
    assert.deepEqual(out, { anything: nestedObjects(990, { x: 1, z: {} }) });
  });
});
