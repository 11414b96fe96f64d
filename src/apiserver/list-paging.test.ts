/**
 * LIST chunking and resourceVersion semantics through the real handler (api-concepts,
 * "Retrieving large results sets in chunks" and "Resource versions"): every page of a
 * chunked list reads one snapshot, and reads of compacted history answer 410 Expired.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcessServer, type InProcessServer } from "./testing/in-process-server.js";

const cms = "/api/v1/namespaces/default/configmaps";

async function create(s: InProcessServer, name: string, labels?: Record<string, string>): Promise<string> {
  const r = await s.post(cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(labels ? { labels } : {}) } });
  assert.equal(r.status, 201, r.text);
  return r.body.metadata.resourceVersion as string;
}

const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

test("limit and continue walk every item of one snapshot, whatever is created between pages", async (t) => {
  const s = await startInProcessServer(t);
  for (const n of ["a", "b", "c", "d", "e"]) await create(s, n);
  const seen: string[] = [];
  const revisions = new Set<string>();
  let token: string | undefined;
  let page = 0;
  do {
    const r = await s.get(`${cms}?limit=2${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.kind, "ConfigMapList");
    page++;
    t.diagnostic(`page ${page}: ${names(r.body).join(",")} rv=${r.body.metadata.resourceVersion} remaining=${r.body.metadata.remainingItemCount}`);
    assert.ok(r.body.items.length <= 2);
    seen.push(...names(r.body));
    revisions.add(r.body.metadata.resourceVersion);
    token = r.body.metadata.continue;
    // A write between pages: later pages must not show it.
    if (page === 1) await create(s, "bb");
    if (page === 2) await create(s, "zz");
  } while (token);
  assert.deepEqual(seen, ["a", "b", "c", "d", "e"]);
  assert.equal(revisions.size, 1, "every page reports the snapshot's resourceVersion");
  const now = await s.get(cms);
  assert.deepEqual(names(now.body), ["a", "b", "bb", "c", "d", "e", "zz"], "a fresh list sees the new objects");
});

test("a chunked list without selectors reports remainingItemCount; with a selector it does not", async (t) => {
  const s = await startInProcessServer(t);
  for (const n of ["a", "b", "c", "d", "e"]) await create(s, n, { app: "web" });
  const first = await s.get(`${cms}?limit=2`);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.metadata.remainingItemCount, 3);
  assert.ok(first.body.metadata.continue);
  const second = await s.get(`${cms}?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`);
  assert.equal(second.body.metadata.remainingItemCount, 1);
  const last = await s.get(`${cms}?limit=2&continue=${encodeURIComponent(second.body.metadata.continue)}`);
  assert.deepEqual(names(last.body), ["e"]);
  assert.equal(last.body.metadata.continue, undefined, "the last page has no continue token");
  assert.equal(last.body.metadata.remainingItemCount, undefined);

  const selected = await s.get(`${cms}?limit=2&labelSelector=app%3Dweb`);
  assert.equal(selected.status, 200, selected.text);
  assert.deepEqual(names(selected.body), ["a", "b"]);
  assert.ok(selected.body.metadata.continue);
  assert.equal(selected.body.metadata.remainingItemCount, undefined, "upstream cannot count what a selector leaves");
});

test("an invalid continue token is a 400 BadRequest", async (t) => {
  const s = await startInProcessServer(t);
  await create(s, "a");
  for (const token of ["not-a-token!!", Buffer.from('{"v":"meta.k8s.io/v1","rv":"x","start":"a"}').toString("base64url")]) {
    const r = await s.get(`${cms}?limit=1&continue=${encodeURIComponent(token)}`);
    t.diagnostic(`continue=${token}: ${r.status} ${r.body?.message}`);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.kind, "Status");
    assert.equal(r.body.reason, "BadRequest");
    assert.match(r.body.message, /^continue key is not valid: /);
  }
});

test("a continue token whose snapshot was compacted is a 410 Expired", async (t) => {
  const s = await startInProcessServer(t);
  for (const n of ["a", "b", "c"]) await create(s, n);
  const first = await s.get(`${cms}?limit=1`);
  assert.ok(first.body.metadata.continue);
  await create(s, "d");
  const current = await s.get(cms);
  await s.store.compact(Number(current.body.metadata.resourceVersion));
  t.diagnostic(`page 1 at ${first.body.metadata.resourceVersion}, compacted at ${current.body.metadata.resourceVersion}`);
  const r = await s.get(`${cms}?limit=1&continue=${encodeURIComponent(first.body.metadata.continue)}`);
  assert.equal(r.status, 410, r.text);
  assert.equal(r.body.reason, "Expired");
  assert.equal(r.body.code, 410);
  assert.equal(r.body.message,
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
});

test("resourceVersionMatch=Exact lists the state at that resourceVersion", async (t) => {
  const s = await startInProcessServer(t);
  await create(s, "a");
  const at = await create(s, "b");
  await create(s, "c");
  const patched = await s.patch(`${cms}/a`, { data: { later: "yes" } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await s.delete(`${cms}/b`)).status, 200);

  const r = await s.get(`${cms}?resourceVersionMatch=Exact&resourceVersion=${at}`);
  assert.equal(r.status, 200, r.text);
  t.diagnostic(`at ${at}: ${names(r.body).join(",")}`);
  assert.equal(r.body.metadata.resourceVersion, at);
  assert.deepEqual(names(r.body), ["a", "b"]);
  assert.equal(r.body.items[0].data, undefined, "a is shown as it was before the patch");

  const now = await s.get(cms);
  assert.deepEqual(names(now.body), ["a", "c"]);
  assert.deepEqual(now.body.items[0].data, { later: "yes" });
});

test("resourceVersionMatch=Exact for a compacted resourceVersion is a 410 Expired", async (t) => {
  const s = await startInProcessServer(t);
  const at = await create(s, "a");
  const latest = await create(s, "b");
  await s.store.compact(Number(latest));
  const r = await s.get(`${cms}?resourceVersionMatch=Exact&resourceVersion=${at}`);
  assert.equal(r.status, 410, r.text);
  assert.equal(r.body.reason, "Expired");
});
