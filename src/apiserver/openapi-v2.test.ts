/**
 * /openapi/v2 through the real handler: the protobuf form kubectl asks for, the JSON form,
 * the shared ETag, and content negotiation as kube-openapi's handler does it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeOpenApiV2Protobuf } from "../api/index.js";
import { negotiateOpenApiV2 } from "./openapi.js";
import { startInProcessServer } from "./testing/in-process-server.js";

// What client-go's discovery OpenAPISchema() sends.
const protobufAccept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

test("negotiateOpenApiV2 picks the form as goautoneg orders the Accept clauses", () => {
  const cases: Array<[string | undefined, "json" | "protobuf" | undefined]> = [
    [protobufAccept, "protobuf"],
    ["application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "protobuf"],
    ["application/json", "json"],
    [undefined, "json"],
    ["", "json"],
    ["*/*", "json"],
    ["application/*", "json"],
    [`application/json;q=0.5, ${protobufAccept}`, "protobuf"],
    [`*/*, ${protobufAccept}`, "protobuf"],
    // As upstream: a wildcard matches JSON first, even when JSON itself was refused.
    ["application/json;q=0, */*;q=0.1", "json"],
    ["text/plain", undefined],
    ["application/yaml", undefined],
  ];
  for (const [accept, form] of cases) assert.equal(negotiateOpenApiV2(accept), form, String(accept));
});

test("/openapi/v2 answers protobuf to kubectl and JSON when asked, both with the JSON form's ETag", async (t) => {
  const s = await startInProcessServer(t);
  const pb = await fetch(`${s.url}/openapi/v2?timeout=32s`, { headers: { Accept: protobufAccept } });
  assert.equal(pb.status, 200);
  assert.equal(pb.headers.get("content-type"), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  const etag = pb.headers.get("etag");
  assert.match(etag ?? "", /^"[0-9A-F]{128}"$/, "the upper-case hex SHA-512, quoted");
  const bytes = new Uint8Array(await pb.arrayBuffer());

  const json = await s.get("/openapi/v2", { Accept: "application/json" });
  assert.equal(json.status, 200);
  assert.equal(json.headers.get("content-type"), "application/json");
  assert.equal(json.headers.get("etag"), etag);
  assert.equal(json.body.swagger, "2.0");
  assert.ok(json.body.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch, "pods can be patched");
  assert.deepEqual(json.body.definitions["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"], [{ group: "apps", kind: "Deployment", version: "v1" }]);
  assert.deepEqual(bytes, encodeOpenApiV2Protobuf(json.body), "both forms are the same document");

  const again = await fetch(`${s.url}/openapi/v2`, { headers: { Accept: protobufAccept, "If-None-Match": etag! } });
  assert.equal(again.status, 304);
  assert.equal((await again.arrayBuffer()).byteLength, 0);

  const refused = await s.get("/openapi/v2", { Accept: "text/plain" });
  assert.equal(refused.status, 406);
  assert.equal(refused.text, "");
});
