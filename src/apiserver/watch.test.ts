/**
 * WATCH through the real handler and a real SQLite store (api-concepts, "Efficient
 * detection of changes"; kubectl-protocol.md §4.8): initial state, resuming from a
 * resourceVersion, selector transitions, bookmarks, expiry after compaction and Tables.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer, type InProcessServer, type WatchEvent } from "./testing/in-process-server.js";

const cms = "/api/v1/namespaces/default/configmaps";
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io";

function configMap(name: string, labels?: Record<string, string>): object {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(labels ? { labels } : {}) }, data: { k: "v" } };
}

async function create(s: InProcessServer, name: string, labels?: Record<string, string>): Promise<string> {
  const r = await s.post(cms, configMap(name, labels));
  assert.equal(r.status, 201, r.text);
  return r.body.metadata.resourceVersion as string;
}

async function relabel(s: InProcessServer, name: string, labels: Record<string, string>): Promise<string> {
  const r = await s.patch(`${cms}/${name}`, { metadata: { labels } });
  assert.equal(r.status, 200, r.text);
  return r.body.metadata.resourceVersion as string;
}

async function currentRevision(s: InProcessServer): Promise<string> {
  const r = await s.get(cms);
  assert.equal(r.status, 200, r.text);
  return r.body.metadata.resourceVersion as string;
}

const summary = (events: readonly (WatchEvent | undefined)[]): string[] =>
  events.map((e) => (e ? `${e.type} ${e.object.metadata?.name ?? ""}`.trim() : "end"));

test("a watch without resourceVersion sends the existing objects as ADDED, then live changes", async (t) => {
  const s = await startInProcessServer(t);
  await create(s, "a");
  await create(s, "b");
  const w = await s.watch(`${cms}?watch=true`);
  assert.equal(w.status, 200);
  assert.match(w.headers.get("content-type") ?? "", /^application\/json/);
  const initial = [await w.next(), await w.next()];
  t.diagnostic(`initial events: ${summary(initial).join(", ")}`);
  assert.deepEqual(summary(initial).sort(), ["ADDED a", "ADDED b"]);

  await create(s, "c");
  const added = await w.next();
  assert.deepEqual(summary([added]), ["ADDED c"]);
  const rv = await relabel(s, "a", { tier: "x" });
  const modified = await w.next();
  assert.deepEqual(summary([modified]), ["MODIFIED a"]);
  assert.equal(modified!.object.metadata.resourceVersion, rv);
  assert.equal(modified!.object.metadata.labels.tier, "x");
  w.close();
});

test("a DELETED event carries the resourceVersion of the deletion, not the object's last one", async (t) => {
  const s = await startInProcessServer(t);
  const createdRv = await create(s, "doomed");
  const w = await s.watch(`${cms}?watch=true&resourceVersion=${createdRv}`);
  const del = await s.delete(`${cms}/doomed`);
  assert.equal(del.status, 200, del.text);
  const ev = await w.next();
  assert.deepEqual(summary([ev]), ["DELETED doomed"]);
  const afterDelete = await currentRevision(s);
  t.diagnostic(`created at ${createdRv}, DELETED event at ${ev!.object.metadata.resourceVersion}, store at ${afterDelete}`);
  assert.notEqual(ev!.object.metadata.resourceVersion, createdRv);
  assert.equal(ev!.object.metadata.resourceVersion, afterDelete);
  assert.deepEqual(ev!.object.data, { k: "v" }, "a DELETED event carries the object's last state");
});

test("a watch from resourceVersion N sends exactly the changes after N", async (t) => {
  const s = await startInProcessServer(t);
  const rvA = await create(s, "a");
  const rvB = await create(s, "b");
  await relabel(s, "a", { changed: "yes" });
  await s.delete(`${cms}/b`);
  const w = await s.watch(`${cms}?watch=true&resourceVersion=${rvA}&timeoutSeconds=1`);
  const events = await w.rest();
  t.diagnostic(`from ${rvA}: ${summary(events).join(", ")}`);
  assert.deepEqual(summary(events), ["ADDED b", "MODIFIED a", "DELETED b"]);
  assert.equal(events[0]!.object.metadata.resourceVersion, rvB);
  const revisions = events.map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(revisions, [...revisions].sort((x, y) => x - y), "events come in revision order");
  assert.ok(revisions.every((r) => r > Number(rvA)), "nothing at or before N is replayed");
});

test("an object that stops matching the labelSelector is DELETED for the watcher and ADDED when it matches again", async (t) => {
  const s = await startInProcessServer(t);
  const start = await currentRevision(s);
  const w = await s.watch(`${cms}?watch=true&resourceVersion=${start}&labelSelector=app%3Dweb`);
  await create(s, "other", { app: "db" });
  await create(s, "web", { app: "web" });
  const added = await w.next();
  assert.deepEqual(summary([added]), ["ADDED web"], "an object that never matched is not reported");

  const leaveRv = await relabel(s, "web", { app: "db" });
  const left = await w.next();
  t.diagnostic(`after relabel to app=db: ${summary([left])}`);
  assert.deepEqual(summary([left]), ["DELETED web"]);
  assert.equal(left!.object.metadata.resourceVersion, leaveRv, "reported at the revision of the change");
  assert.equal(left!.object.metadata.labels.app, "web", "the DELETED object is its last matching state");

  const backRv = await relabel(s, "web", { app: "web" });
  const back = await w.next();
  assert.deepEqual(summary([back]), ["ADDED web"]);
  assert.equal(back!.object.metadata.resourceVersion, backRv);
  w.close();
});

test("with allowWatchBookmarks a watch that times out ends with a BOOKMARK holding only the resourceVersion", async (t) => {
  const s = await startInProcessServer(t);
  const start = await create(s, "a");
  const w = await s.watch(`${cms}?watch=true&resourceVersion=${start}&allowWatchBookmarks=true&timeoutSeconds=1`);
  const changedRv = await relabel(s, "a", { v: "2" });
  const events = await w.rest();
  t.diagnostic(`events: ${events.map((e) => e.type).join(", ")}`);
  assert.deepEqual(events.map((e) => e.type), ["MODIFIED", "BOOKMARK"]);
  const bookmark = events[1]!.object;
  assert.deepEqual(bookmark, { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: changedRv } });
});

test("a closing BOOKMARK carries the newest revision the watch has seen, also of changes its selector filtered out",
  async (t) => {
    const s = await startInProcessServer(t);
    const start = await currentRevision(s);
    const w = await s.watch(`${cms}?watch=true&resourceVersion=${start}&labelSelector=app%3Dweb&allowWatchBookmarks=true&timeoutSeconds=1`);
    const unrelated = await create(s, "db", { app: "db" });
    const events = await w.rest();
    t.diagnostic(`watch from ${start}; unrelated change at ${unrelated}; events: ${JSON.stringify(events)}`);
    assert.deepEqual(events.map((e) => e.type), ["BOOKMARK"]);
    // Bookmarks exist so that a watcher whose selector matches nothing can still resume
    // after compaction (KEP-956); upstream sends the watch cache's current revision.
    assert.equal(events[0]!.object.metadata.resourceVersion, unrelated);
  });

test("after compaction a watch from an older revision gets a 200 stream with one 410 Expired ERROR", async (t) => {
  const s = await startInProcessServer(t);
  const old = await create(s, "a");
  await create(s, "b");
  await relabel(s, "a", { v: "2" });
  const current = Number(await currentRevision(s));
  await s.store.compact(current);
  t.diagnostic(`compacted at ${current}; watching from ${old}`);
  const w = await s.watch(`${cms}?watch=true&resourceVersion=${old}`);
  assert.equal(w.status, 200, "upstream answers 200 first and reports expiry in the stream");
  const events = await w.rest();
  assert.equal(events.length, 1, JSON.stringify(events));
  const [ev] = events;
  assert.equal(ev!.type, "ERROR");
  assert.equal(ev!.object.kind, "Status");
  assert.equal(ev!.object.status, "Failure");
  assert.equal(ev!.object.code, 410);
  assert.equal(ev!.object.reason, "Expired");
  assert.match(ev!.object.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
});

test("a watch with a Table Accept sends one-row Tables with column definitions only in the first event", async (t) => {
  const s = await startInProcessServer(t);
  await create(s, "first");
  const w = await s.watch(`${cms}?watch=true`, { Accept: tableAccept });
  assert.equal(w.status, 200);
  assert.match(w.headers.get("content-type") ?? "", /as=Table/);
  const initial = await w.next();
  await create(s, "second");
  const live = await w.next();
  for (const ev of [initial!, live!]) {
    assert.equal(ev.type, "ADDED");
    assert.equal(ev.object.kind, "Table");
    assert.equal(ev.object.apiVersion, "meta.k8s.io/v1");
    assert.equal(ev.object.rows.length, 1);
  }
  const columns = initial!.object.columnDefinitions.map((c: { name: string }) => c.name);
  t.diagnostic(`columns of the first event: ${columns.join(", ")}`);
  assert.deepEqual(columns, ["Name", "Data", "Age"]);
  assert.equal(initial!.object.rows[0].cells[0], "first");
  assert.equal(live!.object.rows[0].cells[0], "second");
  assert.ok(!live!.object.columnDefinitions?.length, "later events leave the column definitions out");
  assert.equal(live!.object.rows[0].object.kind, "PartialObjectMetadata");
  w.close();
});
