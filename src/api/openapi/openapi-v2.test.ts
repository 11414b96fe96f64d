import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSchema } from "../schema/load-schema.js";
import type { JsonSchema } from "./openapi-schemas.js";
import { buildOpenApiV2, schemaToV2, type OpenApiV2Document } from "./openapi-v2.js";
import { buildOpenApiV3, type OpenApiResource } from "./openapi-v3.js";

const writeVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const coreResources: OpenApiResource[] = [
  {
    group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, verbs: writeVerbs,
    subresources: [
      { name: "status", group: "", version: "v1", kind: "Pod" },
      { name: "log", group: "", version: "v1", kind: "Pod" },
      { name: "exec", group: "", version: "v1", kind: "PodExecOptions" },
    ],
  },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, verbs: writeVerbs, subresources: [] },
];
const appsResources: OpenApiResource[] = [{
  group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, verbs: writeVerbs,
  subresources: [{ name: "scale", group: "autoscaling", version: "v1", kind: "Scale" }],
}];

type Json = Record<string, any>;

/** The v2 document of core/v1 pods and configmaps and apps/v1 deployments. */
async function sampleV2Document(): Promise<OpenApiV2Document> {
  const schema = await loadSchema();
  return buildOpenApiV2([buildOpenApiV3("v1", coreResources, schema), buildOpenApiV3("apps/v1", appsResources, schema)]);
}

test("schemaToV2 spells each v3 construct as Swagger 2.0 does", () => {
  const cases: Array<[string, JsonSchema, JsonSchema]> = [
    ["a plain ref", { $ref: "#/components/schemas/io.k8s.api.core.v1.PodSpec" }, { $ref: "#/definitions/io.k8s.api.core.v1.PodSpec" }],
    ["a ref wrapped to carry a description stands beside it",
      { allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time" }], description: "when" },
      { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time", description: "when" }],
    ["IntOrString is a string of format int-or-string",
      { description: "d", format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] },
      { description: "d", format: "int-or-string", type: "string" }],
    ["Quantity is a string", { oneOf: [{ type: "string" }, { type: "number" }] }, { type: "string" }],
    ["lists, maps and properties are translated inside",
      {
        type: "object",
        properties: {
          ports: { type: "array", items: { allOf: [{ $ref: "#/components/schemas/P" }], default: {} }, "x-kubernetes-patch-merge-key": "containerPort" },
          limits: { type: "object", additionalProperties: { allOf: [{ $ref: "#/components/schemas/Q" }] } },
        },
        required: ["ports"],
      },
      {
        type: "object",
        properties: {
          ports: { type: "array", items: { $ref: "#/definitions/P", default: {} }, "x-kubernetes-patch-merge-key": "containerPort" },
          limits: { type: "object", additionalProperties: { $ref: "#/definitions/Q" } },
        },
        required: ["ports"],
      }],
    ["scalars are kept as they are", { type: "integer", format: "int32", description: "n" }, { type: "integer", format: "int32", description: "n" }],
  ];
  for (const [name, v3, v2] of cases) assert.deepEqual(schemaToV2(v3), v2, name);
});

test("schemaToV2 refuses what v2 cannot say rather than publish a wrong schema", () => {
  assert.throws(() => schemaToV2({ $ref: "#/parameters/x" }), /cannot translate the reference/);
  assert.throws(() => schemaToV2({ allOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }] }), /cannot translate allOf/);
  assert.throws(() => schemaToV2({ oneOf: [{ type: "object" }, { type: "string" }] }), /cannot translate oneOf/);
});

test("definitions are named as upstream's and carry the kind, required fields and patch metadata kubectl reads", async () => {
  const doc = await sampleV2Document() as unknown as Json;
  assert.equal(doc["swagger"], "2.0");
  const defs = doc["definitions"];
  assert.deepEqual(defs["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"], [{ group: "", kind: "Pod", version: "v1" }]);
  assert.deepEqual(defs["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"], [{ group: "apps", kind: "Deployment", version: "v1" }]);
  assert.ok(defs["io.k8s.api.autoscaling.v1.Scale"], "subresource kinds are defined too");
  const spec = defs["io.k8s.api.core.v1.PodSpec"];
  assert.deepEqual(spec["required"], ["containers"]);
  assert.equal(spec["properties"]["containers"]["items"]["$ref"], "#/definitions/io.k8s.api.core.v1.Container");
  assert.equal(spec["properties"]["containers"]["x-kubernetes-patch-merge-key"], "name");
  assert.deepEqual(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["type"], "string");
  assert.equal(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"], "int-or-string");
  assert.equal(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"], "string");
  assert.equal(defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]["format"], "date-time");
  const text = JSON.stringify(doc);
  assert.ok(!text.includes("#/components/"), "no v3 reference is left");
  assert.ok(!text.includes("\"allOf\"") && !text.includes("\"oneOf\"") && !text.includes("\"requestBody\""), "no v3-only keyword is left");
  for (const [name, def] of Object.entries(defs as Record<string, Json>)) {
    for (const [field, prop] of Object.entries((def["properties"] ?? {}) as Record<string, Json>)) {
      if (prop["$ref"]) {
        // kube-openapi's v2 parser rejects a ref with a type or properties beside it.
        assert.equal(prop["type"], undefined, `${name}.${field}`);
        assert.ok(defs[prop["$ref"].slice("#/definitions/".length)], `${name}.${field} refers to a defined name`);
      }
    }
  }
});

test("each kind's patch operation carries its kind and the fieldValidation query parameter, as kubectl's v2 verifier looks for them", async () => {
  const doc = await sampleV2Document() as unknown as Json;
  const item = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"];
  assert.deepEqual(item["parameters"].map((p: Json) => [p["name"], p["in"], p["type"], p["required"]]), [
    ["name", "path", "string", true], ["namespace", "path", "string", true], ["pretty", "query", "string", undefined],
  ]);
  const patch = item["patch"];
  assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "", kind: "Pod", version: "v1" });
  assert.equal(patch["x-kubernetes-action"], "patch");
  assert.equal(patch["operationId"], "patchCoreV1NamespacedPod");
  assert.deepEqual(patch["parameters"][0], { in: "body", name: "body", required: true, schema: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" } });
  const fieldValidation = patch["parameters"].find((p: Json) => p["name"] === "fieldValidation");
  assert.equal(fieldValidation["in"], "query");
  assert.equal(fieldValidation["type"], "string");
  assert.equal(fieldValidation["schema"], undefined, "v2 query parameters carry their type themselves");
  assert.ok(patch["consumes"].includes("application/strategic-merge-patch+json"));
  assert.deepEqual(patch["produces"], ["application/json", "application/vnd.kubernetes.protobuf", "application/yaml"]);
  assert.deepEqual(patch["responses"]["200"], { description: "OK", schema: { $ref: "#/definitions/io.k8s.api.core.v1.Pod" } });
  assert.deepEqual(patch["responses"]["401"], { description: "Unauthorized" });
  assert.deepEqual(patch["schemes"], ["https"]);

  const create = doc["paths"]["/api/v1/namespaces/{namespace}/configmaps"]["post"];
  assert.deepEqual(create["consumes"], ["*/*"]);
  assert.deepEqual(create["parameters"][0], { in: "body", name: "body", required: true, schema: { $ref: "#/definitions/io.k8s.api.core.v1.ConfigMap" } });
  const list = doc["paths"]["/api/v1/namespaces/{namespace}/configmaps"]["get"];
  assert.deepEqual(list["consumes"], ["*/*"]);
  assert.ok(list["produces"].includes("application/json;stream=watch"));
  const scale = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["patch"];
  assert.deepEqual(scale["x-kubernetes-group-version-kind"], { group: "autoscaling", kind: "Scale", version: "v1" });
  const log = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/log"]["get"];
  assert.deepEqual(log["produces"], ["text/plain"]);
  assert.deepEqual(log["responses"]["200"]["schema"], { type: "string" });
});

test("paths of every group-version are in the one document, sorted, with the security scheme of the v3 documents", async () => {
  const doc = await sampleV2Document();
  const paths = Object.keys(doc.paths);
  assert.deepEqual(paths, [...paths].sort());
  assert.ok(paths.includes("/api/v1/pods") && paths.includes("/apis/apps/v1/deployments"));
  assert.deepEqual(doc.securityDefinitions, { BearerToken: { description: "Bearer Token authentication", in: "header", name: "authorization", type: "apiKey" } });
  assert.deepEqual(doc.security, [{ BearerToken: [] }]);
  const schema = await loadSchema();
  const core = buildOpenApiV3("v1", coreResources, schema);
  assert.throws(() => buildOpenApiV2([core, core]), /is in two group-versions/);
});
