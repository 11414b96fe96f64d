/**
 * core/v1 and events.k8s.io/v1 Events are two views of one stored object (upstream
 * pkg/apis/events/v1 conversion): whatever API writes an event, the other reads it
 * with its own field names, and field selectors work on either's names.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer } from "./testing/in-process-server.js";

const coreEvents = "/api/v1/namespaces/default/events";
const newEvents = "/apis/events.k8s.io/v1/namespaces/default/events";

const newStyle = {
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name: "synced.1" },
  eventTime: "2025-01-02T03:04:05.000000Z",
  reportingController: "example.com/controller",
  reportingInstance: "controller-1",
  action: "Sync",
  reason: "Synced",
  type: "Normal",
  note: "all good",
  regarding: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "x" },
};

const oldStyle = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "pulled.1" },
  involvedObject: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "y" },
  reason: "Pulled",
  message: "image pulled",
  type: "Normal",
  source: { component: "kubelet", host: "node-1" },
  firstTimestamp: "2025-01-02T03:04:05Z",
  lastTimestamp: "2025-01-02T03:04:06Z",
  count: 2,
  reportingComponent: "kubelet",
  reportingInstance: "node-1",
};

test("an event written through events.k8s.io/v1 reads through core/v1 with the core field names", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(newEvents, newStyle);
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.apiVersion, "events.k8s.io/v1");
  assert.equal(created.body.note, "all good");

  const r = await s.get(`${coreEvents}/synced.1`);
  assert.equal(r.status, 200, r.text);
  t.diagnostic(r.text);
  assert.equal(r.body.apiVersion, "v1");
  assert.equal(r.body.kind, "Event");
  assert.deepEqual(r.body.involvedObject, newStyle.regarding);
  assert.equal(r.body.message, "all good");
  assert.equal(r.body.reportingComponent, "example.com/controller");
  assert.equal(r.body.reportingInstance, "controller-1");
  assert.equal(r.body.reason, "Synced");
  assert.equal(r.body.action, "Sync");
  assert.equal(r.body.regarding, undefined);
  assert.equal(r.body.note, undefined);
  assert.equal(r.body.metadata.uid, created.body.metadata.uid);
});

test("an event written through core/v1 reads through events.k8s.io/v1 with the new field names", async (t) => {
  const s = await startInProcessServer(t);
  const created = await s.post(coreEvents, oldStyle);
  assert.equal(created.status, 201, created.text);

  const r = await s.get(`${newEvents}/pulled.1`);
  assert.equal(r.status, 200, r.text);
  t.diagnostic(r.text);
  assert.equal(r.body.apiVersion, "events.k8s.io/v1");
  assert.deepEqual(r.body.regarding, oldStyle.involvedObject);
  assert.equal(r.body.note, "image pulled");
  assert.equal(r.body.reportingController, "kubelet");
  assert.equal(r.body.reportingInstance, "node-1");
  assert.deepEqual(r.body.deprecatedSource, oldStyle.source);
  assert.equal(r.body.deprecatedCount, 2);
  assert.equal(r.body.deprecatedFirstTimestamp, oldStyle.firstTimestamp);
  assert.equal(r.body.involvedObject, undefined);
  assert.equal(r.body.message, undefined);

  const listed = await s.get(newEvents);
  assert.deepEqual(listed.body.items.map((e: { metadata: { name: string } }) => e.metadata.name), ["pulled.1"]);
});

test("field selectors on events use each API's own field names", async (t) => {
  const s = await startInProcessServer(t);
  assert.equal((await s.post(newEvents, newStyle)).status, 201);
  assert.equal((await s.post(coreEvents, oldStyle)).status, 201);
  const names = (body: { items: { metadata: { name: string } }[] }): string[] => body.items.map((e) => e.metadata.name);

  const core = await s.get(`${coreEvents}?fieldSelector=${encodeURIComponent("involvedObject.name=x")}`);
  assert.equal(core.status, 200, core.text);
  t.diagnostic(`involvedObject.name=x -> ${names(core.body).join(", ")}`);
  assert.deepEqual(names(core.body), ["synced.1"]);

  const coreY = await s.get(`${coreEvents}?fieldSelector=${encodeURIComponent("involvedObject.name=y,reason=Pulled")}`);
  assert.deepEqual(names(coreY.body), ["pulled.1"]);

  const modern = await s.get(`${newEvents}?fieldSelector=${encodeURIComponent("regarding.name=y")}`);
  assert.equal(modern.status, 200, modern.text);
  assert.deepEqual(names(modern.body), ["pulled.1"]);
});
