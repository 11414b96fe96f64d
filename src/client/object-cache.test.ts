/** ObjectCache: keys as client-go forms them, and indexes that follow every change. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/index.js";
import { namespaceIndex, ObjectCache, objectKey, splitObjectKey } from "./index.js";

const pod = (namespace: string, name: string, nodeName?: string): KubeObject =>
  ({ metadata: { namespace, name }, spec: nodeName ? { nodeName } : {} });
const byNode = (p: KubeObject): readonly string[] => {
  const node = (p["spec"] as { nodeName?: string }).nodeName;
  return node ? [node] : [];
};
const names = (objs: KubeObject[]): string[] => objs.map((o) => o.metadata.name!).sort();

test("keys: namespace/name, or name for cluster-scoped objects, and back", () => {
  const table: [KubeObject, string, ReturnType<typeof splitObjectKey>][] = [
    [pod("default", "web"), "default/web", { namespace: "default", name: "web" }],
    [{ metadata: { name: "node-1" } }, "node-1", { name: "node-1" }],
  ];
  for (const [obj, key, split] of table) {
    assert.equal(objectKey(obj), key);
    assert.deepEqual(splitObjectKey(key), split);
  }
});

test("indexes follow adds, moves and deletes", () => {
  const cache = new ObjectCache<KubeObject>({ nodeName: byNode, namespace: namespaceIndex });
  cache.set(pod("default", "a", "node-1"));
  cache.set(pod("default", "b", "node-1"));
  cache.set(pod("kube-system", "c"));
  assert.deepEqual(names(cache.byIndex("nodeName", "node-1")), ["a", "b"]);
  assert.deepEqual(names(cache.byIndex("namespace", "kube-system")), ["c"]);

  const old = cache.set(pod("default", "b", "node-2"));
  assert.equal((old?.["spec"] as { nodeName?: string }).nodeName, "node-1");
  assert.deepEqual(names(cache.byIndex("nodeName", "node-1")), ["a"]);
  assert.deepEqual(names(cache.byIndex("nodeName", "node-2")), ["b"]);

  assert.equal(cache.delete("default/a")?.metadata.name, "a");
  assert.equal(cache.delete("default/a"), undefined);
  assert.deepEqual(cache.byIndex("nodeName", "node-1"), []);
  assert.equal(cache.size, 2);
  assert.deepEqual(cache.keys().sort(), ["default/b", "kube-system/c"]);
  assert.throws(() => cache.byIndex("missing", "x"), /index "missing" does not exist/);
});
