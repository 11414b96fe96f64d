import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeObject, encodeObject, storedJson } from "./object-codec.js";

const kvOf = (value: Uint8Array, rev: number) => ({ key: "/k", value, createRevision: rev, modRevision: rev });

test("stored JSON served without parsing equals the JSON of the decoded object", () => {
  const objects = [
    { apiVersion: "v1", kind: "Pod", metadata: { name: "p", resourceVersion: "99", labels: { a: "b" } }, spec: { template: { metadata: { name: "inner" } } } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { "metadata\":{": "tricky" } },
    { kind: "Namespace", metadata: { name: "n" }, apiVersion: "v1" },
  ];
  for (const obj of objects) {
    const kv = kvOf(encodeObject(obj), 7);
    assert.deepEqual(JSON.parse(storedJson(kv)), decodeObject(kv));
    assert.equal(decodeObject(kv).metadata.resourceVersion, "7", "the stored revision wins over the one written");
  }
});
