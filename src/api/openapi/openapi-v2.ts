/**
 * The OpenAPI v2 (Swagger 2.0) document served at `/openapi/v2`: one document for every
 * group-version, derived from the per-group-version v3 documents so both always describe
 * the same paths, operations and schemas.
 *
 * kubectl 1.32 reads v2 where v3 cannot answer. The case that matters: a `kind: List`
 * manifest under `--validate=strict`. Both field-validation verifiers answer
 * "unsupported" for v1/List (cli-runtime pkg/resource/query_param_verifier*.go), so kubectl
 * validates each item itself against the v2 definitions (kubectl pkg/validation,
 * kube-openapi pkg/util/proto/validation): unknown fields, missing required fields and
 * value types, with the kind found through `x-kubernetes-group-version-kind`.
 *
 * v2 differs from v3 only in spelling, and these rules translate one into the other the way
 * upstream's kube-openapi publishes each (and its openapiconv converts v2 to v3):
 *  - refs point at `#/definitions/…`, and a ref stands beside its description instead of
 *    inside `allOf` (kube-openapi's v2 parser rejects nothing but type and properties there);
 *  - v2 has no `oneOf`: IntOrString and Quantity are published as strings
 *    (their OpenAPISchemaType in apimachinery), IntOrString with format `int-or-string`;
 *  - a request body is a parameter `in: body`, its content types are `consumes`, and the
 *    response content types are `produces`; query and path parameters carry their type
 *    directly instead of in a `schema`.
 */
import type { JsonSchema } from "./openapi-schemas.js";
import type { OpenApiV3Document } from "./openapi-v3.js";

export interface OpenApiV2Document {
  readonly swagger: "2.0";
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, JsonSchema>>;
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  readonly securityDefinitions: Readonly<Record<string, JsonSchema>>;
  readonly security: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
}

const v3RefPrefix = "#/components/schemas/";
const v2RefPrefix = "#/definitions/";
const methods = ["get", "put", "post", "delete", "options", "head", "patch"] as const;

const byKey = <T>(entries: Iterable<[string, T]>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function definitionRef(ref: unknown): string {
  if (typeof ref !== "string" || !ref.startsWith(v3RefPrefix)) throw new Error(`OpenAPI v2: cannot translate the reference ${JSON.stringify(ref)}`);
  return v2RefPrefix + ref.slice(v3RefPrefix.length);
}

/** One v3 schema in its v2 spelling. */
export function schemaToV2(schema: JsonSchema): JsonSchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case "$ref":
        out["$ref"] = definitionRef(value);
        break;
      case "allOf": {
        // Our v3 only wraps a lone ref in allOf, to give it siblings; v2 allows them directly.
        const parts = value as readonly JsonSchema[];
        if (parts.length !== 1 || Object.keys(parts[0]!).join() !== "$ref") throw new Error(`OpenAPI v2: cannot translate allOf ${JSON.stringify(value)}`);
        out["$ref"] = definitionRef(parts[0]!["$ref"]);
        break;
      }
      case "oneOf": {
        // Only scalars that accept more than one JSON type use oneOf (IntOrString,
        // Quantity); v2 calls them strings, which kubectl's validator accepts any scalar for.
        const types = (value as readonly JsonSchema[]).map((s) => s["type"]);
        if (types.some((t) => t !== "string" && t !== "integer" && t !== "number")) throw new Error(`OpenAPI v2: cannot translate oneOf ${JSON.stringify(value)}`);
        out["type"] = "string";
        break;
      }
      case "properties":
        out["properties"] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, schemaToV2(v)]));
        break;
      case "items":
        out["items"] = schemaToV2(value as JsonSchema);
        break;
      case "additionalProperties":
        out["additionalProperties"] = isObject(value) ? schemaToV2(value) : value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

/** A v3 query or path parameter: its schema's type moves into the parameter. */
function parameterToV2(p: JsonSchema): JsonSchema {
  const { schema, ...rest } = p as { schema?: JsonSchema } & Record<string, unknown>;
  return { ...rest, ...(schema ? schemaToV2(schema) : {}) };
}

type Content = Readonly<Record<string, { readonly schema?: JsonSchema }>>;

function operationToV2(op: JsonSchema): JsonSchema {
  const { parameters, requestBody, responses, ...rest } = op as {
    parameters?: JsonSchema[];
    requestBody?: { content: Content; required?: boolean };
    responses: Readonly<Record<string, { description: string; content?: Content }>>;
  } & Record<string, unknown>;
  const v2Params: JsonSchema[] = [];
  if (requestBody) {
    const bodySchema = Object.values(requestBody.content)[0]?.schema;
    v2Params.push({ in: "body", name: "body", ...(requestBody.required ? { required: true } : {}), ...(bodySchema ? { schema: schemaToV2(bodySchema) } : {}) });
  }
  for (const p of parameters ?? []) v2Params.push(parameterToV2(p));
  const produces = new Set<string>();
  const v2Responses: Record<string, JsonSchema> = {};
  for (const [code, response] of Object.entries(responses)) {
    const content = Object.entries(response.content ?? {});
    for (const [type] of content) produces.add(type);
    const schema = content[0]?.[1].schema;
    v2Responses[code] = { description: response.description, ...(schema ? { schema: schemaToV2(schema) } : {}) };
  }
  return {
    consumes: requestBody ? Object.keys(requestBody.content) : ["*/*"],
    ...rest,
    ...(v2Params.length > 0 ? { parameters: v2Params } : {}),
    produces: [...produces],
    responses: v2Responses,
    schemes: ["https"],
  };
}

function pathItemToV2(item: JsonSchema): JsonSchema {
  const out: Record<string, unknown> = {};
  const params = item["parameters"] as JsonSchema[] | undefined;
  if (params && params.length > 0) out["parameters"] = params.map(parameterToV2);
  for (const m of methods) {
    const op = item[m] as JsonSchema | undefined;
    if (op) out[m] = operationToV2(op);
  }
  return out;
}

/**
 * The v2 document of everything served, from the v3 document of each group-version.
 * Definitions of the same name are the same struct in every v3 document (one schema
 * graph renders them all), so the first one seen is kept.
 */
export function buildOpenApiV2(documents: readonly OpenApiV3Document[]): OpenApiV2Document {
  const paths = new Map<string, JsonSchema>();
  const definitions = new Map<string, JsonSchema>();
  for (const doc of documents) {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (paths.has(path)) throw new Error(`OpenAPI v2: path ${path} is in two group-versions`);
      paths.set(path, pathItemToV2(item as JsonSchema));
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      if (!definitions.has(name)) definitions.set(name, schemaToV2(schema));
    }
  }
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths: byKey(paths),
    definitions: byKey(definitions),
    // The v3 security schemes (an API key in the authorization header) are valid v2 as they are.
    securityDefinitions: documents[0]?.components.securitySchemes ?? {},
    security: Object.keys(documents[0]?.components.securitySchemes ?? {}).map((name) => ({ [name]: [] })),
  };
}
