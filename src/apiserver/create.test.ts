/**
 * POST through the real handler: generated names, server-side dry run, the namespace
 * rules, name collisions and field validation (Strict and Warn), with the Status
 * reasons and messages kubectl prints.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer } from "./testing/in-process-server.js";

const cms = "/api/v1/namespaces/default/configmaps";
const pods = "/api/v1/namespaces/default/pods";

const configMap = (metadata: Record<string, unknown>): object => ({ apiVersion: "v1", kind: "ConfigMap", metadata, data: { k: "v" } });

function podWithUnknownField(name: string): object {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox" }], foo: 1 },
  };
}

test("generateName gives the object its prefix plus 5 random characters", async (t) => {
  const s = await startInProcessServer(t);
  const made = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const r = await s.post(cms, configMap({ generateName: "web-" }));
    assert.equal(r.status, 201, r.text);
    const name = r.body.metadata.name as string;
    t.diagnostic(`generated ${name}`);
    // Upstream's alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0/1/3.
    assert.match(name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(r.body.metadata.generateName, "web-");
    made.add(name);
    assert.equal((await s.get(`${cms}/${name}`)).status, 200);
  }
  assert.equal(made.size, 3);
});

test("dryRun=All answers with the object it would create but stores nothing", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.post(`${cms}?dryRun=All`, configMap({ name: "dry" }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.metadata.name, "dry");
  assert.equal(r.body.metadata.namespace, "default");
  assert.ok(r.body.metadata.uid, "a dry run is defaulted like a real create");
  assert.ok(r.body.metadata.creationTimestamp);
  assert.deepEqual(r.body.data, { k: "v" });
  const get = await s.get(`${cms}/dry`);
  assert.equal(get.status, 404, get.text);
  const list = await s.get(cms);
  assert.deepEqual(list.body.items, []);
});

test("a dry-run create of a name that exists is refused like a real create", async (t) => {
  const s = await startInProcessServer(t);
  assert.equal((await s.post(cms, configMap({ name: "taken" }))).status, 201);
  const r = await s.post(`${cms}?dryRun=All`, configMap({ name: "taken" }));
  t.diagnostic(`dry-run create of an existing name: ${r.status} ${r.body?.message ?? ""}`);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.reason, "AlreadyExists");
  assert.equal(r.body.message, 'configmaps "taken" already exists');
});

test("creating in a namespace that does not exist is a 404 for the namespace", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.post("/api/v1/namespaces/x/configmaps", configMap({ name: "a" }));
  assert.equal(r.status, 404, r.text);
  assert.equal(r.body.kind, "Status");
  assert.equal(r.body.reason, "NotFound");
  assert.equal(r.body.message, 'namespaces "x" not found');
  assert.equal(r.body.details.name, "x");
  assert.equal(r.body.details.kind, "namespaces");
});

test("creating a name that is taken is a 409 AlreadyExists", async (t) => {
  const s = await startInProcessServer(t);
  assert.equal((await s.post(cms, configMap({ name: "a" }))).status, 201);
  const r = await s.post(cms, configMap({ name: "a" }));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.status, "Failure");
  assert.equal(r.body.reason, "AlreadyExists");
  assert.equal(r.body.message, 'configmaps "a" already exists');
  assert.equal(r.body.details.name, "a");
  assert.equal(r.body.details.kind, "configmaps");
});

test("a body whose namespace differs from the path's is a 400", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.post(cms, configMap({ name: "a", namespace: "kube-system" }));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.reason, "BadRequest");
  assert.equal(r.body.message, "the namespace of the provided object does not match the namespace sent on the request");
  assert.equal((await s.get("/api/v1/namespaces/kube-system/configmaps/a")).status, 404);
});

test("an unknown field under fieldValidation=Strict is a 400 strict decoding error", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.post(`${pods}?fieldValidation=Strict`, podWithUnknownField("strict"));
  t.diagnostic(r.body?.message ?? r.text);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.reason, "BadRequest");
  assert.equal(r.body.message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"');
  assert.equal((await s.get(`${pods}/strict`)).status, 404);
});

test("an unknown field under fieldValidation=Warn creates the object and sends a Warning header", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.post(`${pods}?fieldValidation=Warn`, podWithUnknownField("warned"));
  assert.equal(r.status, 201, r.text);
  t.diagnostic(`Warning: ${r.headers.get("warning")}`);
  assert.equal(r.headers.get("warning"), '299 - "unknown field \\"spec.foo\\""');
  assert.equal(r.body.status.phase, "Pending");
  assert.equal((await s.get(`${pods}/warned`)).status, 200);
});

test("an unknown field that was only warned about is not stored", async (t) => {
  const s = await startInProcessServer(t);
  const r = await s.post(`${pods}?fieldValidation=Warn`, podWithUnknownField("pruned"));
  assert.equal(r.status, 201, r.text);
  // Upstream decodes built-in kinds into their Go types, which have no place for it.
  const stored = await s.get(`${pods}/pruned`);
  t.diagnostic(`stored spec keys: ${Object.keys(stored.body.spec ?? {}).join(", ")}`);
  assert.equal(r.body.spec.foo, undefined, "the create response leaves it out");
  assert.equal(stored.body.spec.foo, undefined, "GET leaves it out");
});
