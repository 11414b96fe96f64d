import { test } from "node:test";
import assert from "node:assert/strict";
import { WireReader, WireType } from "../protobuf/wire.js";
import { loadSchema } from "../schema/load-schema.js";
import { encodeOpenApiV2Protobuf } from "./openapi-v2-protobuf.js";
import { buildOpenApiV2, type OpenApiV2Document } from "./openapi-v2.js";
import { buildOpenApiV3 } from "./openapi-v3.js";

/**
 * A schema-less view of a decoded message: each field number's values in order, varints
 * as bigints and length-delimited payloads as bytes. The field numbers the tests read are
 * written out from gnostic-models openapiv2/OpenAPIv2.proto, independently of the encoder.
 */
class Message {
  private readonly fields = new Map<number, Array<bigint | Uint8Array>>();

  constructor(bytes: Uint8Array) {
    const r = new WireReader(bytes);
    while (!r.done) {
      const { fieldNumber, wireType } = r.readTag();
      const value = wireType === WireType.Varint ? r.readVarint()
        : wireType === WireType.LengthDelimited ? r.readLengthDelimited()
          : assert.fail(`unexpected wire type ${wireType} in field ${fieldNumber}`);
      this.fields.set(fieldNumber, [...(this.fields.get(fieldNumber) ?? []), value]);
    }
  }

  numbers(): number[] {
    return [...this.fields.keys()].sort((a, b) => a - b);
  }

  private all(field: number): Array<bigint | Uint8Array> {
    return this.fields.get(field) ?? [];
  }

  strings(field: number): string[] {
    return this.all(field).map((v) => new TextDecoder("utf-8", { fatal: true }).decode(v as Uint8Array));
  }

  string(field: number): string | undefined {
    return this.strings(field)[0];
  }

  bool(field: number): boolean {
    return this.all(field).some((v) => v === 1n);
  }

  messages(field: number): Message[] {
    return this.all(field).map((v) => new Message(v as Uint8Array));
  }

  message(field: number): Message {
    const [m] = this.messages(field);
    assert.ok(m, `field ${field} is present`);
    return m;
  }

  /** A repeated Named* field ({1: name, 2: value}) as a map. */
  named(field: number): Map<string, Message> {
    return new Map(this.messages(field).map((n) => [n.string(1)!, n.message(2)]));
  }

  /** Vendor extensions (repeated NamedAny at `field`), their Any.yaml parsed (it is JSON). */
  extensions(field: number): Record<string, unknown> {
    return Object.fromEntries([...this.named(field)].map(([name, any]) => [name, JSON.parse(any.string(2)!)]));
  }
}

// gnostic field numbers.
const Document = { swagger: 1, info: 2, paths: 8, definitions: 9, security: 12, securityDefinitions: 13 };
const Paths = { path: 2 };
const PathItem = { get: 2, put: 3, post: 4, delete: 5, patch: 8, parameters: 9 };
const Operation = { tags: 1, description: 3, operationId: 5, produces: 6, consumes: 7, parameters: 8, responses: 9, schemes: 10, extensions: 13 };
const Schema = { ref: 1, format: 2, description: 4, default: 5, required: 19, additionalProperties: 21, type: 22, items: 23, properties: 25, extensions: 31 };

async function podDocument(): Promise<OpenApiV2Document> {
  const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
  return buildOpenApiV2([buildOpenApiV3("v1", [
    { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, verbs, subresources: [{ name: "status", group: "", version: "v1", kind: "Pod" }] },
  ], await loadSchema())]);
}

test("the document decodes as gnostic's Document with every path and definition of the JSON form", async () => {
  const doc = await podDocument();
  const m = new Message(encodeOpenApiV2Protobuf(doc));
  assert.deepEqual(m.numbers(), [Document.swagger, Document.info, Document.paths, Document.definitions, Document.security, Document.securityDefinitions]);
  assert.equal(m.string(Document.swagger), "2.0");
  assert.equal(m.message(Document.info).string(1), "Kubernetes");
  assert.deepEqual([...m.message(Document.paths).named(Paths.path).keys()], Object.keys(doc.paths));
  const definitions = m.message(Document.definitions).named(1);
  assert.deepEqual([...definitions.keys()], Object.keys(doc.definitions));
  // Every definition's properties arrive under their names, with their types or refs.
  for (const [name, def] of Object.entries(doc.definitions)) {
    const decoded = definitions.get(name)!;
    const props = (def["properties"] ?? {}) as Record<string, Record<string, unknown>>;
    const decodedProps = def["properties"] ? decoded.message(Schema.properties).named(1) : new Map<string, Message>();
    assert.deepEqual([...decodedProps.keys()], Object.keys(props), name);
    for (const [field, prop] of Object.entries(props)) {
      const p = decodedProps.get(field)!;
      if (prop["$ref"]) assert.equal(p.string(Schema.ref), prop["$ref"], `${name}.${field}`);
      else assert.deepEqual(p.message(Schema.type).strings(1), [prop["type"]], `${name}.${field}`);
    }
  }
});

test("a kind's definition carries its group-version-kind, required fields and patch metadata as vendor extensions", async () => {
  const definitions = new Message(encodeOpenApiV2Protobuf(await podDocument())).message(Document.definitions).named(1);
  const pod = definitions.get("io.k8s.api.core.v1.Pod")!;
  assert.deepEqual(pod.extensions(Schema.extensions), { "x-kubernetes-group-version-kind": [{ group: "", kind: "Pod", version: "v1" }] });
  assert.deepEqual(pod.message(Schema.type).strings(1), ["object"]);
  const spec = definitions.get("io.k8s.api.core.v1.PodSpec")!;
  assert.deepEqual(spec.strings(Schema.required), ["containers"]);
  const containers = spec.message(Schema.properties).named(1).get("containers")!;
  assert.deepEqual(containers.message(Schema.type).strings(1), ["array"]);
  assert.deepEqual(containers.extensions(Schema.extensions), { "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge" });
  const item = containers.message(Schema.items).message(1);
  assert.equal(item.string(Schema.ref), "#/definitions/io.k8s.api.core.v1.Container");
  assert.deepEqual(JSON.parse(item.message(Schema.default).string(2)!), {});
  const nodeSelector = spec.message(Schema.properties).named(1).get("nodeSelector")!;
  assert.deepEqual(nodeSelector.message(Schema.additionalProperties).message(1).message(Schema.type).strings(1), ["string"]);
  const intOrString = definitions.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString")!;
  assert.equal(intOrString.string(Schema.format), "int-or-string");
  assert.deepEqual(intOrString.message(Schema.type).strings(1), ["string"]);
});

test("the patch operation holds the kind and a fieldValidation query parameter where kubectl's v2 verifier reads them", async () => {
  const doc = await podDocument();
  const paths = new Message(encodeOpenApiV2Protobuf(doc)).message(Document.paths).named(Paths.path);
  const item = paths.get("/api/v1/namespaces/{namespace}/pods/{name}")!;
  // Path parameters: ParametersItem.parameter(1) → Parameter.non_body_parameter(2) → path_parameter_sub_schema(4).
  const pathParam = item.messages(PathItem.parameters)[0]!.message(1).message(2).message(4);
  assert.equal(pathParam.string(4), "name");
  assert.equal(pathParam.string(2), "path");
  assert.equal(pathParam.bool(1), true);
  assert.equal(pathParam.string(5), "string");

  const patch = item.message(PathItem.patch);
  assert.equal(patch.string(Operation.operationId), "patchCoreV1NamespacedPod");
  assert.deepEqual(patch.extensions(Operation.extensions), {
    "x-kubernetes-action": "patch",
    "x-kubernetes-group-version-kind": { group: "", kind: "Pod", version: "v1" },
  });
  assert.ok(patch.strings(Operation.consumes).includes("application/strategic-merge-patch+json"));
  assert.deepEqual(patch.strings(Operation.schemes), ["https"]);
  const [body, ...rest] = patch.messages(Operation.parameters).map((p) => p.message(1));
  // Parameter.body_parameter(1): name 2, in 3, required 4, schema 5.
  const bodyParam = body!.message(1);
  assert.deepEqual([bodyParam.string(2), bodyParam.string(3), bodyParam.bool(4)], ["body", "body", true]);
  assert.equal(bodyParam.message(5).string(Schema.ref), "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
  // Query parameters: non_body_parameter(2) → query_parameter_sub_schema(3): in 2, name 4, type 6.
  const queries = rest.map((p) => p.message(2).message(3));
  const fieldValidation = queries.find((q) => q.string(4) === "fieldValidation");
  assert.ok(fieldValidation, `query parameters: ${queries.map((q) => q.string(4)).join(", ")}`);
  assert.equal(fieldValidation.string(2), "query");
  assert.equal(fieldValidation.string(6), "string");
  // Responses.response_code(1) → ResponseValue.response(1) → Response.schema(2) → SchemaItem.schema(1).
  const ok = patch.message(Operation.responses).named(1).get("200")!.message(1);
  assert.equal(ok.string(1), "OK");
  assert.equal(ok.message(2).message(1).string(Schema.ref), "#/definitions/io.k8s.api.core.v1.Pod");
  const unauthorized = patch.message(Operation.responses).named(1).get("401")!.message(1);
  assert.deepEqual(unauthorized.numbers(), [1], "a response without a schema has none");

  const statusPatch = paths.get("/api/v1/namespaces/{namespace}/pods/{name}/status")!.message(PathItem.patch);
  assert.equal(statusPatch.string(Operation.operationId), "patchCoreV1NamespacedPodStatus");
});

test("security requirements and definitions decode as gnostic's", async () => {
  const m = new Message(encodeOpenApiV2Protobuf(await podDocument()));
  // SecurityRequirement.additional_properties(1): NamedStringArray {name, StringArray{}}.
  const requirement = m.message(Document.security).named(1);
  assert.deepEqual([...requirement.keys()], ["BearerToken"]);
  assert.deepEqual(requirement.get("BearerToken")!.strings(1), []);
  // SecurityDefinitions → NamedSecurityDefinitionsItem → api_key_security(2): type 1, name 2, in 3, description 4.
  const apiKey = m.message(Document.securityDefinitions).named(1).get("BearerToken")!.message(2);
  assert.deepEqual([apiKey.string(1), apiKey.string(2), apiKey.string(3), apiKey.string(4)], ["apiKey", "authorization", "header", "Bearer Token authentication"]);
});

test("zero values are left out as Go leaves them out, and anything gnostic has no place for is refused", () => {
  const minimal = (extra: Record<string, unknown>): OpenApiV2Document =>
    ({ swagger: "2.0", info: { title: "", version: "v" }, paths: {}, definitions: {}, securityDefinitions: {}, security: [], ...extra });
  const m = new Message(encodeOpenApiV2Protobuf(minimal({ definitions: { A: { type: "object", required: [], properties: {}, readOnly: false, description: "" } } })));
  assert.deepEqual(m.message(Document.info).numbers(), [2]);
  const a = m.message(Document.definitions).named(1).get("A")!;
  assert.deepEqual(a.numbers(), [Schema.type, Schema.properties], "empty properties stay: they make the schema an object with no fields");

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ["an unknown schema keyword", { definitions: { A: { oneOf: [] } } }, /document\.definitions\.A\.oneOf has no place/],
    ["a header parameter", { paths: { "/x": { parameters: [{ in: "header", name: "h", type: "string" }] } } }, /parameter in "header"/],
    ["an OAuth2 scheme", { securityDefinitions: { o: { type: "oauth2", flow: "implicit" } } }, /"oauth2" security scheme/],
    ["a mistyped value", { definitions: { A: { uniqueItems: "yes" } } }, /uniqueItems is not a boolean/],
  ];
  for (const [name, extra, error] of refused) assert.throws(() => encodeOpenApiV2Protobuf(minimal(extra)), error, name);
});
