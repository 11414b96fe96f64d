import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPatch, patchMediaType, patchTypeOfContentType, type PatchType } from "./index.js";
import { handSchema, podStruct } from "./testdata/hand-schema.js";

describe("patch types by Content-Type", () => {
  const table: Array<[string, PatchType | undefined]> = [
    ["application/json-patch+json", "json"],
    ["application/merge-patch+json", "merge"],
    ["application/strategic-merge-patch+json", "strategic"],
    ["application/strategic-merge-patch+json; charset=utf-8", "strategic"],
    ["application/merge-patch+json;charset=UTF-8", "merge"],
    ["application/apply-patch+yaml", undefined],
    ["application/json", undefined],
    ["Application/Merge-Patch+JSON", undefined],
    ["", undefined],
  ];
  for (const [contentType, type] of table) {
    it(`${JSON.stringify(contentType)} is ${type ?? "not a patch type handled here"}`, () => {
      assert.equal(patchTypeOfContentType(contentType), type);
    });
  }

  it("each patch type maps back to the media type kubectl sends", () => {
    for (const type of ["json", "merge", "strategic"] as const) {
      assert.equal(patchTypeOfContentType(patchMediaType(type)), type);
    }
  });
});

describe("applyPatch", () => {
  const ctx = { schema: handSchema, root: podStruct };
  const pod = { metadata: { name: "p", labels: { a: "1" } }, spec: { containers: [{ name: "web", image: "nginx" }] } };

  it("applies a JSON patch", () => {
    const out = applyPatch("json", pod, [{ op: "replace", path: "/spec/containers/0/image", value: "httpd" }], ctx) as any;
    assert.equal(out.spec.containers[0].image, "httpd");
  });

  it("applies a merge patch, which replaces lists", () => {
    const out = applyPatch("merge", pod, { spec: { containers: [{ name: "side", image: "busybox" }] } }, ctx) as any;
    assert.deepEqual(out.spec.containers, [{ name: "side", image: "busybox" }]);
  });

  it("applies a strategic merge patch, which merges lists by key", () => {
    const out = applyPatch("strategic", pod, { spec: { containers: [{ name: "side", image: "busybox" }] } }, ctx) as any;
    assert.deepEqual(out.spec.containers, [{ name: "side", image: "busybox" }, { name: "web", image: "nginx" }]);
  });
});
