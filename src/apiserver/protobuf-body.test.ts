/**
 * Request bodies in Kubernetes protobuf, as kubectl sends them for `kubectl create`
 * (kubectl-protocol.md): the captured bodies in src/api/protobuf/testdata go through the
 * real handler and come back as JSON objects.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startInProcessServer } from "./testing/in-process-server.js";

const protobuf = "application/vnd.kubernetes.protobuf";

// Compiled tests run from dist/; the fixtures stay beside the sources.
const testdata = [new URL("../api/protobuf/testdata/", import.meta.url), new URL("../../../src/api/protobuf/testdata/", import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p))!;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`${testdata}/${name}`));

test("a ConfigMap POSTed in protobuf is created and answered as JSON", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.request("POST", "/api/v1/namespaces/default/configmaps", {
    body: fixture("configmap.pb"),
    headers: { "Content-Type": protobuf, Accept: "application/json" },
  });
  assert.equal(r.status, 201, r.text);
  t.diagnostic(r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.body.kind, "ConfigMap");
  assert.equal(r.body.apiVersion, "v1");
  assert.equal(r.body.metadata.name, "cm1");
  assert.equal(r.body.metadata.namespace, "default");
  assert.ok(r.body.metadata.uid);
  assert.deepEqual(r.body.data, { a: "b", c: "d" });
  const got = await s.get("/api/v1/namespaces/default/configmaps/cm1");
  assert.deepEqual(got.body.data, { a: "b", c: "d" });
});

test("a truncated protobuf body is a 400 and creates nothing", async (t) => {
  const s = await startInProcessServer(t);
  const whole = fixture("configmap.pb");
  const r = await s.request("POST", "/api/v1/namespaces/default/configmaps", {
    body: whole.subarray(0, whole.length - 3),
    headers: { "Content-Type": protobuf },
  });
  t.diagnostic(`${r.status} ${r.body?.message}`);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.reason, "BadRequest");
  assert.equal((await s.get("/api/v1/namespaces/default/configmaps/cm1")).status, 404);
});
