import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSchema } from "../schema/load-schema.js";
import { buildOpenApiV3, buildOpenApiV3Index, openApiV3Key, type OpenApiResource } from "./openapi-v3.js";

const writeVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const coreResources: OpenApiResource[] = [
  {
    group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, verbs: writeVerbs,
    subresources: [
      { name: "status", group: "", version: "v1", kind: "Pod" },
      { name: "binding", group: "", version: "v1", kind: "Binding" },
      { name: "log", group: "", version: "v1", kind: "Pod" },
      { name: "exec", group: "", version: "v1", kind: "PodExecOptions" },
    ],
  },
  { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, verbs: writeVerbs, subresources: [] },
  { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true, verbs: writeVerbs, subresources: [] },
];
const appsResources: OpenApiResource[] = [{
  group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, verbs: writeVerbs,
  subresources: [{ name: "status", group: "apps", version: "v1", kind: "Deployment" }, { name: "scale", group: "autoscaling", version: "v1", kind: "Scale" }],
}];

type Json = Record<string, any>;

async function coreDoc(): Promise<Json> {
  return buildOpenApiV3("v1", coreResources, await loadSchema()) as unknown as Json;
}

test("each pod path a kubectl command looks for exists with the operations of its verbs", async () => {
  const doc = await coreDoc();
  const methods = (p: string) => Object.keys(doc["paths"][p] ?? {}).filter((k) => k !== "parameters").sort();
  assert.deepEqual(methods("/api/v1/namespaces/{namespace}/pods"), ["delete", "get", "post"]);
  assert.deepEqual(methods("/api/v1/namespaces/{namespace}/pods/{name}"), ["delete", "get", "patch", "put"]);
  assert.deepEqual(methods("/api/v1/pods"), ["get"]);
  assert.deepEqual(methods("/api/v1/namespaces/{namespace}/pods/{name}/status"), ["get", "patch", "put"]);
  assert.deepEqual(methods("/api/v1/namespaces/{namespace}/pods/{name}/binding"), ["post"]);
  assert.deepEqual(methods("/api/v1/namespaces/{namespace}/pods/{name}/exec"), ["get", "post"]);
  assert.deepEqual(methods("/api/v1/nodes/{name}"), ["delete", "get", "patch", "put"]);
  assert.equal(doc["paths"]["/api/v1/namespaces/{namespace}/nodes"], undefined, "nodes are cluster-scoped");
  assert.equal(doc["paths"]["/api/v1/namespaces/{namespace}/pods"]["get"]["operationId"], "listCoreV1NamespacedPod");
  assert.equal(doc["paths"]["/api/v1/pods"]["get"]["operationId"], "listCoreV1PodForAllNamespaces");
  assert.equal(doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/status"]["patch"]["operationId"], "patchCoreV1NamespacedPodStatus");
});

test("every patch operation of a kind offers fieldValidation and strategic merge patch, so kubectl validates and merges", async () => {
  const doc = await coreDoc();
  const podPatches = Object.values(doc["paths"] as Json)
    .map((item: Json) => item["patch"])
    .filter((op: Json | undefined) => op && op["x-kubernetes-group-version-kind"]?.kind === "Pod");
  assert.equal(podPatches.length, 2, "pods and pods/status");
  for (const op of podPatches) {
    assert.deepEqual(op["x-kubernetes-group-version-kind"], { group: "", kind: "Pod", version: "v1" });
    assert.equal(op["x-kubernetes-action"], "patch");
    assert.ok(op["parameters"].some((p: Json) => p["name"] === "fieldValidation" && p["in"] === "query"));
    assert.deepEqual(Object.keys(op["requestBody"]["content"]).sort(), [
      "application/apply-patch+yaml", "application/json-patch+json",
      "application/merge-patch+json", "application/strategic-merge-patch+json",
    ]);
  }
  const create = doc["paths"]["/api/v1/namespaces/{namespace}/pods"]["post"];
  assert.equal(create["x-kubernetes-action"], "post");
  assert.ok(create["parameters"].some((p: Json) => p["name"] === "fieldValidation"));
  assert.deepEqual(create["requestBody"]["content"]["*/*"]["schema"], { $ref: "#/components/schemas/io.k8s.api.core.v1.Pod" });
});

test("the Pod schema carries its kind, required fields, refs and merge keys as kubectl reads them", async () => {
  const schemas = (await coreDoc())["components"]["schemas"];
  const pod = schemas["io.k8s.api.core.v1.Pod"];
  assert.deepEqual(pod["x-kubernetes-group-version-kind"], [{ group: "", kind: "Pod", version: "v1" }]);
  assert.equal(pod["type"], "object");
  const spec = schemas["io.k8s.api.core.v1.PodSpec"];
  assert.deepEqual(spec["required"], ["containers"]);
  assert.deepEqual(spec["properties"]["containers"], {
    description: spec["properties"]["containers"]["description"],
    items: { allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.Container" }], default: {} },
    type: "array",
    "x-kubernetes-patch-merge-key": "name",
    "x-kubernetes-patch-strategy": "merge",
  });
  assert.ok(spec["properties"]["containers"]["description"].length > 0);
  const meta = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
  assert.deepEqual(meta["properties"]["creationTimestamp"]["allOf"], [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time" }]);
  const resources = schemas["io.k8s.api.core.v1.ResourceRequirements"];
  assert.deepEqual(resources["properties"]["limits"]["additionalProperties"], { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity" });
  assert.deepEqual(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["oneOf"], [{ type: "integer" }, { type: "string" }]);
  assert.equal(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"], "int-or-string");
  assert.deepEqual(schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]["oneOf"], [{ type: "string" }, { type: "number" }]);
  assert.equal(schemas["io.k8s.api.core.v1.Secret"]["properties"]["data"]["additionalProperties"]["format"], "byte");
});

test("a field whose own description is missing shows its struct's description beside a plain ref", async () => {
  const doc = buildOpenApiV3("apps/v1", appsResources, await loadSchema()) as unknown as Json;
  const schemas = doc["components"]["schemas"];
  const strategy = schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"];
  assert.equal(strategy["$ref"], "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
  assert.equal(strategy["description"], schemas["io.k8s.api.apps.v1.DeploymentStrategy"]["description"]);
  assert.equal(strategy["x-kubernetes-patch-strategy"], "retainKeys");
});

test("every $ref in a document resolves inside that document", async () => {
  const schema = await loadSchema();
  for (const [gv, resources] of [["v1", coreResources], ["apps/v1", appsResources]] as const) {
    const doc = buildOpenApiV3(gv, resources, schema) as unknown as Json;
    const refs = new Set<string>();
    JSON.stringify(doc, (k, v) => {
      if (k === "$ref") refs.add(v as string);
      return v;
    });
    for (const r of refs) {
      const name = r.replace("#/components/schemas/", "");
      assert.ok(doc["components"]["schemas"][name], `${openApiV3Key(gv)} resolves ${r}`);
    }
  }
});

test("scale subresources read and write autoscaling/v1 Scale, found in the apps document", async () => {
  const doc = buildOpenApiV3("apps/v1", appsResources, await loadSchema()) as unknown as Json;
  const scale = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
  assert.deepEqual(scale["patch"]["x-kubernetes-group-version-kind"], { group: "autoscaling", kind: "Scale", version: "v1" });
  assert.equal(scale["patch"]["operationId"], "patchAppsV1NamespacedDeploymentScale");
  assert.ok(doc["components"]["schemas"]["io.k8s.api.autoscaling.v1.Scale"]);
  assert.ok(doc["components"]["schemas"]["io.k8s.api.core.v1.PodTemplateSpec"], "pod templates come along with deployments");
  assert.deepEqual(doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["get"]["tags"], ["apps_v1"]);
});

test("explain finds a kind from the collection path's operations, as kubectl's template searches", async () => {
  const doc = await coreDoc();
  const found = ["/api/v1/nodes", "/api/v1/nodes/{name}", "/api/v1/namespaces/{namespace}/nodes", "/api/v1/namespaces/{namespace}/nodes/{name}"]
    .map((p) => doc["paths"][p]?.["get"]?.["x-kubernetes-group-version-kind"])
    .find((g) => g !== undefined);
  assert.deepEqual(found, { group: "", kind: "Node", version: "v1" });
});

test("building a document twice gives the same document, so its hash is stable", async () => {
  const schema = await loadSchema();
  const a = JSON.stringify(buildOpenApiV3("v1", coreResources, schema));
  const b = JSON.stringify(buildOpenApiV3("v1", [...coreResources].reverse(), schema));
  assert.equal(a, b);
});

test("a resource outside the document's group-version, or of a kind the schema lacks, is refused", async () => {
  const schema = await loadSchema();
  assert.throws(() => buildOpenApiV3("v1", appsResources, schema), /apps\/v1, not v1/);
  const unknown = { ...coreResources[1]!, kind: "Widget", plural: "widgets" };
  assert.throws(() => buildOpenApiV3("v1", [unknown], schema), /Widget/);
});

test("the index lists each group-version without a leading slash, with its document's hash", () => {
  const index = buildOpenApiV3Index(["apps/v1", "v1"], (key) => `H-${key}`);
  assert.deepEqual(index, {
    paths: {
      "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=H-api/v1" },
      "apis/apps/v1": { serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=H-apis/apps/v1" },
    },
  });
});

test("an index key passed where a group-version belongs is refused, not published under a wrong key", () => {
  assert.throws(() => buildOpenApiV3Index(["api/v1"], () => "H"), /not a group-version/);
  assert.throws(() => openApiV3Key("apis/apps/v1"), /not a group-version/);
  assert.equal(openApiV3Key("batch/v1"), "apis/batch/v1");
});
