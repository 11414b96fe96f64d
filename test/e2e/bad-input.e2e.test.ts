/**
 * Bad input never crashes the server or damages stored data: thousands of malformed
 * requests each get a 4xx Status, and every object stored before is intact afterwards.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanupFor } from "../harness/cleanup.js";
import { ApiClient } from "../harness/api-request.js";
import { startPeapod } from "../harness/peapod.js";

interface Case {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** The status upstream answers with. */
  readonly status: number;
  readonly reason?: string;
}

const pods = "/api/v1/namespaces/default/pods";
const goodPod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } };

const cases: Case[] = [
  { method: "POST", path: pods, body: "{", status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: "[1,2]", status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: "null", status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: "kind: Pod\n  bad: [yaml", contentType: "application/yaml", status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: JSON.stringify({ ...goodPod, apiVersion: "apps/v1" }), status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: JSON.stringify({ ...goodPod, kind: "Deployment" }), status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: JSON.stringify({ ...goodPod, metadata: { name: "x".repeat(300) } }), status: 422, reason: "Invalid" },
  { method: "POST", path: pods, body: JSON.stringify({ ...goodPod, metadata: { name: "Bad_Name" } }), status: 422, reason: "Invalid" },
  { method: "POST", path: pods, body: JSON.stringify({ ...goodPod, spec: "nope" }), status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: JSON.stringify({ ...goodPod, metadata: { name: "p", labels: { "a b": "c" } } }), status: 422, reason: "Invalid" },
  { method: "POST", path: pods, body: "\u0000\u0001garbage", contentType: "application/vnd.kubernetes.protobuf", status: 400, reason: "BadRequest" },
  { method: "POST", path: pods, body: "x", contentType: "text/plain", status: 415, reason: "UnsupportedMediaType" },
  { method: "GET", path: `${pods}?labelSelector=${encodeURIComponent("a in (b")}`, status: 400, reason: "BadRequest" },
  { method: "GET", path: `${pods}?fieldSelector=${encodeURIComponent("spec.nope=1")}`, status: 400, reason: "BadRequest" },
  { method: "GET", path: `${pods}?limit=abc`, status: 400, reason: "BadRequest" },
  { method: "GET", path: `${pods}?continue=%%%`, status: 400, reason: "BadRequest" },
  { method: "GET", path: `${pods}?watch=true&resourceVersion=abc`, status: 400, reason: "BadRequest" },
  { method: "GET", path: "/api/v1/namespaces/default/widgets", status: 404, reason: "NotFound" },
  { method: "GET", path: "/apis/nope.example.com/v1/things", status: 404, reason: "NotFound" },
  { method: "PATCH", path: `${pods}/keep-0`, body: "{not json", contentType: "application/merge-patch+json", status: 400, reason: "BadRequest" },
  { method: "PATCH", path: `${pods}/keep-0`, body: '[{"op":"explode","path":"/x"}]', contentType: "application/json-patch+json", status: 422 },
  { method: "PATCH", path: `${pods}/keep-0`, body: '{"spec":{"containers":5}}', contentType: "application/strategic-merge-patch+json", status: 422 },
  { method: "PATCH", path: `${pods}/keep-0`, body: "{}", contentType: "application/octet-stream", status: 415, reason: "UnsupportedMediaType" },
  { method: "PUT", path: `${pods}/keep-0`, body: JSON.stringify({ ...goodPod, metadata: { name: "other" } }), status: 400, reason: "BadRequest" },
  { method: "DELETE", path: `${pods}/keep-0`, body: "{bad", status: 400, reason: "BadRequest" },
  { method: "DELETE", path: `${pods}/keep-0?gracePeriodSeconds=soon`, status: 400, reason: "BadRequest" },
];

describe("bad input", () => {
  it("gets a clear Status for thousands of malformed requests and loses nothing stored", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const server = await startPeapod(cleanup);
    const api = new ApiClient(server);
    cleanup.add("close client", () => api.close());
    const kept: Record<string, unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await api.json("POST", pods, { ...goodPod, metadata: { name: `keep-${i}`, labels: { i: String(i) } } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      kept.push(r.body);
    }

    let sent = 0;
    for (let round = 0; round < 100; round++) {
      await Promise.all(cases.map(async (c) => {
        const r = await api.request(c.method, c.path, c.body, c.contentType ? { "Content-Type": c.contentType } : {});
        sent++;
        assert.equal(r.status, c.status, `${c.method} ${c.path} ${c.body?.slice(0, 60) ?? ""}: ${r.body}`);
        const status = JSON.parse(r.body) as { kind: string; reason?: string; message: string };
        assert.equal(status.kind, "Status");
        assert.ok(status.message.length > 0);
        if (c.reason) assert.equal(status.reason, c.reason, r.body);
      }));
    }
    t.diagnostic(`${sent} malformed requests answered`);

    for (const before of kept) {
      const name = (before["metadata"] as { name: string }).name;
      const now = await api.json("GET", `${pods}/${name}`);
      assert.deepEqual(now.body, before, `${name} is unchanged`);
    }
    assert.equal((await api.request("GET", "/readyz")).status, 200);
  });
});
