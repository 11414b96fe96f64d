/**
 * DELETE on a collection through the real handler: the selectors decide what goes, and
 * each object is deleted as a single delete would delete it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer } from "./testing/in-process-server.js";

const cms = "/api/v1/namespaces/default/configmaps";

test("deletecollection with a labelSelector deletes only the matching objects", async (t) => {
  const s = await startInProcessServer(t);
  const objects: [string, Record<string, string>][] = [["a", { app: "web" }], ["b", { app: "web" }], ["c", { app: "db" }], ["d", {}]];
  for (const [name, labels] of objects) {
    const r = await s.post(cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels } });
    assert.equal(r.status, 201, r.text);
  }
  const other = await s.post("/api/v1/namespaces/kube-system/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", labels: { app: "web" } } });
  assert.equal(other.status, 201, other.text);

  const r = await s.delete(`${cms}?labelSelector=app%3Dweb`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, "ConfigMapList");
  const deleted = r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
  t.diagnostic(`deleted: ${deleted.join(", ")}`);
  assert.deepEqual(deleted, ["a", "b"]);

  const left = (await s.get(cms)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
  assert.deepEqual(left, ["c", "d"]);
  assert.equal((await s.get("/api/v1/namespaces/kube-system/configmaps/a")).status, 200, "other namespaces are untouched");
});
