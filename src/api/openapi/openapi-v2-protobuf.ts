/**
 * The protobuf form of an OpenAPI v2 document: the `openapi.v2.Document` message of
 * gnostic (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), which is the only
 * form kubectl asks `/openapi/v2` for (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
 * client-go discovery OpenAPISchema).
 *
 * Upstream turns its JSON document into that message with gnostic's compiler; this does
 * the same for the parts of Swagger 2.0 our documents use, from tables of the proto's field
 * numbers. Anything else in the input is an error rather than silently dropped, so a
 * document that grows a new construct fails its tests instead of losing it on the wire.
 *
 * As gnostic does, vendor extensions (`x-…`), defaults and enum values travel as
 * `NamedAny`/`Any` carrying the value as YAML text; JSON is YAML, and kubectl parses it
 * with yaml.Unmarshal (kube-openapi pkg/util/proto VendorExtensionToMap). Zero scalars are
 * left out, as Go's proto3 encoder does.
 */
import { WireWriter } from "../protobuf/wire-writer.js";
import type { OpenApiV2Document } from "./openapi-v2.js";

type Json = unknown;

/** How one JSON key of a message is written. */
type FieldRule =
  | { readonly field: number; readonly as: "string" | "bool" | "int64" | "strings" | "any" | "anys" }
  /** A nested message (or, with `repeated`, a JSON array of them). */
  | { readonly field: number; readonly as: "message"; readonly message: () => MessageWriter; readonly repeated?: true }
  /** A JSON object written as a repeated Named* message: {1: key, 2: value}. */
  | { readonly field: number; readonly as: "named"; readonly message: () => MessageWriter };

type MessageWriter = (w: WireWriter, value: Json, where: string) => void;

function object(value: Json, where: string): Record<string, Json> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`OpenAPI v2 protobuf: ${where} is not an object`);
  return value as Record<string, Json>;
}

function array(value: Json, where: string): readonly Json[] {
  if (!Array.isArray(value)) throw new Error(`OpenAPI v2 protobuf: ${where} is not a list`);
  return value;
}

function string(value: Json, where: string): string {
  if (typeof value !== "string") throw new Error(`OpenAPI v2 protobuf: ${where} is not a string`);
  return value;
}

/** gnostic's Any: field 2 holds the value as YAML text (JSON is valid YAML). */
const writeAny: MessageWriter = (w, value) => {
  w.bytes(2, JSON.stringify(value));
};

/** One vendor extension: a NamedAny {1: name, 2: Any}. */
function writeExtension(w: WireWriter, field: number, name: string, value: Json, where: string): void {
  w.bytes(field, (named) => named.bytes(1, name).bytes(2, (any) => writeAny(any, value, where)));
}

/** A message from a table of its JSON keys; `extensions` is the field of its repeated NamedAny vendor_extension. */
function message(rules: Readonly<Record<string, FieldRule>>, extensions?: number): MessageWriter {
  return (w, value, where) => {
    for (const [key, v] of Object.entries(object(value, where))) {
      const at = `${where}.${key}`;
      if (key.startsWith("x-") && extensions !== undefined) {
        writeExtension(w, extensions, key, v, at);
        continue;
      }
      const rule = rules[key];
      if (!rule) throw new Error(`OpenAPI v2 protobuf: ${at} has no place in the gnostic message`);
      writeField(w, rule, v, at);
    }
  };
}

function writeField(w: WireWriter, rule: FieldRule, v: Json, at: string): void {
  switch (rule.as) {
    case "string":
      if (string(v, at) !== "") w.bytes(rule.field, v as string);
      return;
    case "bool":
      if (typeof v !== "boolean") throw new Error(`OpenAPI v2 protobuf: ${at} is not a boolean`);
      if (v) w.int(rule.field, true);
      return;
    case "int64":
      if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`OpenAPI v2 protobuf: ${at} is not an integer`);
      if (v !== 0) w.int(rule.field, v);
      return;
    case "strings":
      for (const [i, s] of array(v, at).entries()) w.bytes(rule.field, string(s, `${at}[${i}]`));
      return;
    case "any":
      w.bytes(rule.field, (m) => writeAny(m, v, at));
      return;
    case "anys":
      for (const item of array(v, at)) w.bytes(rule.field, (m) => writeAny(m, item, at));
      return;
    case "message": {
      const write = rule.message();
      if (rule.repeated) {
        for (const [i, item] of array(v, at).entries()) w.bytes(rule.field, (m) => write(m, item, `${at}[${i}]`));
      } else {
        w.bytes(rule.field, (m) => write(m, v, at));
      }
      return;
    }
    case "named": {
      const write = rule.message();
      for (const [name, item] of Object.entries(object(v, at))) {
        w.bytes(rule.field, (named) => named.bytes(1, name).bytes(2, (m) => write(m, item, `${at}.${name}`)));
      }
      return;
    }
  }
}

// Field numbers below are those of gnostic-models openapiv2/OpenAPIv2.proto.

const schema: MessageWriter = message({
  $ref: { field: 1, as: "string" },
  format: { field: 2, as: "string" },
  title: { field: 3, as: "string" },
  description: { field: 4, as: "string" },
  default: { field: 5, as: "any" },
  maxLength: { field: 11, as: "int64" },
  minLength: { field: 12, as: "int64" },
  pattern: { field: 13, as: "string" },
  maxItems: { field: 14, as: "int64" },
  minItems: { field: 15, as: "int64" },
  uniqueItems: { field: 16, as: "bool" },
  maxProperties: { field: 17, as: "int64" },
  minProperties: { field: 18, as: "int64" },
  required: { field: 19, as: "strings" },
  enum: { field: 20, as: "anys" },
  additionalProperties: { field: 21, as: "message", message: () => additionalPropertiesItem },
  type: { field: 22, as: "message", message: () => typeItem },
  items: { field: 23, as: "message", message: () => itemsItem },
  allOf: { field: 24, as: "message", message: () => schema, repeated: true },
  properties: { field: 25, as: "message", message: () => namedSchemas },
  readOnly: { field: 27, as: "bool" },
  example: { field: 30, as: "any" },
}, 31);

/** TypeItem{repeated string value = 1}: `type` is one name or a list of them. */
const typeItem: MessageWriter = (w, value, where) => {
  for (const t of Array.isArray(value) ? value : [value]) w.bytes(1, string(t, where));
};

/** ItemsItem{repeated Schema schema = 1}: `items` is one schema or a list of them. */
const itemsItem: MessageWriter = (w, value, where) => {
  for (const s of Array.isArray(value) ? value : [value]) w.bytes(1, (m) => schema(m, s, where));
};

/** AdditionalPropertiesItem: oneof {Schema schema = 1; bool boolean = 2}. */
const additionalPropertiesItem: MessageWriter = (w, value, where) => {
  if (typeof value === "boolean") w.int(2, value);
  else w.bytes(1, (m) => schema(m, value, where));
};

/** Properties and Definitions: {repeated NamedSchema additional_properties = 1}. */
const namedSchemas: MessageWriter = (w, value, where) => writeField(w, { field: 1, as: "named", message: () => schema }, value, where);

const jsonReference: MessageWriter = message({ $ref: { field: 1, as: "string" }, description: { field: 2, as: "string" } });

const primitivesItems: MessageWriter = message({
  type: { field: 1, as: "string" },
  format: { field: 2, as: "string" },
  items: { field: 3, as: "message", message: () => primitivesItems },
  collectionFormat: { field: 4, as: "string" },
  default: { field: 5, as: "any" },
  uniqueItems: { field: 15, as: "bool" },
  enum: { field: 16, as: "anys" },
}, 18);

const bodyParameter: MessageWriter = message({
  description: { field: 1, as: "string" },
  name: { field: 2, as: "string" },
  in: { field: 3, as: "string" },
  required: { field: 4, as: "bool" },
  schema: { field: 5, as: "message", message: () => schema },
}, 6);

const queryParameter: MessageWriter = message({
  required: { field: 1, as: "bool" },
  in: { field: 2, as: "string" },
  description: { field: 3, as: "string" },
  name: { field: 4, as: "string" },
  allowEmptyValue: { field: 5, as: "bool" },
  type: { field: 6, as: "string" },
  format: { field: 7, as: "string" },
  items: { field: 8, as: "message", message: () => primitivesItems },
  collectionFormat: { field: 9, as: "string" },
  default: { field: 10, as: "any" },
  uniqueItems: { field: 20, as: "bool" },
  enum: { field: 21, as: "anys" },
}, 23);

const pathParameter: MessageWriter = message({
  required: { field: 1, as: "bool" },
  in: { field: 2, as: "string" },
  description: { field: 3, as: "string" },
  name: { field: 4, as: "string" },
  type: { field: 5, as: "string" },
  format: { field: 6, as: "string" },
  items: { field: 7, as: "message", message: () => primitivesItems },
  collectionFormat: { field: 8, as: "string" },
  default: { field: 9, as: "any" },
  uniqueItems: { field: 19, as: "bool" },
  enum: { field: 20, as: "anys" },
}, 22);

/**
 * ParametersItem: oneof {Parameter parameter = 1; JsonReference json_reference = 2}, where
 * Parameter is oneof {BodyParameter = 1; NonBodyParameter = 2} and NonBodyParameter picks
 * its sub-schema by `in` (header 1, formData 2, query 3, path 4).
 */
const parametersItem: MessageWriter = (w, value, where) => {
  const p = object(value, where);
  if ("$ref" in p) {
    w.bytes(2, (m) => jsonReference(m, p, where));
    return;
  }
  const place = p["in"];
  if (place === "body") {
    w.bytes(1, (param) => param.bytes(1, (m) => bodyParameter(m, p, where)));
    return;
  }
  const [field, write] = place === "query" ? [3, queryParameter] as const
    : place === "path" ? [4, pathParameter] as const
      : (() => { throw new Error(`OpenAPI v2 protobuf: ${where} is a parameter in ${JSON.stringify(place)}, which is not written`); })();
  w.bytes(1, (param) => param.bytes(2, (nonBody) => nonBody.bytes(field, (m) => write(m, p, where))));
};

/** Response.schema is a SchemaItem: oneof {Schema schema = 1; FileSchema file_schema = 2}. */
const schemaItem: MessageWriter = (w, value, where) => {
  if (object(value, where)["type"] === "file") throw new Error(`OpenAPI v2 protobuf: ${where} is a file schema, which is not written`);
  w.bytes(1, (m) => schema(m, value, where));
};

const response: MessageWriter = message({
  description: { field: 1, as: "string" },
  schema: { field: 2, as: "message", message: () => schemaItem },
}, 5);

/** Responses: repeated NamedResponseValue response_code = 1 (ResponseValue: oneof {Response = 1; JsonReference = 2}), extensions 2. */
const responses: MessageWriter = (w, value, where) => {
  for (const [code, r] of Object.entries(object(value, where))) {
    const at = `${where}.${code}`;
    if (code.startsWith("x-")) {
      writeExtension(w, 2, code, r, at);
      continue;
    }
    w.bytes(1, (named) => named.bytes(1, code).bytes(2, (rv) => {
      if ("$ref" in object(r, at)) rv.bytes(2, (m) => jsonReference(m, r, at));
      else rv.bytes(1, (m) => response(m, r, at));
    }));
  }
};

const operation: MessageWriter = message({
  tags: { field: 1, as: "strings" },
  summary: { field: 2, as: "string" },
  description: { field: 3, as: "string" },
  operationId: { field: 5, as: "string" },
  produces: { field: 6, as: "strings" },
  consumes: { field: 7, as: "strings" },
  parameters: { field: 8, as: "message", message: () => parametersItem, repeated: true },
  responses: { field: 9, as: "message", message: () => responses },
  schemes: { field: 10, as: "strings" },
  deprecated: { field: 11, as: "bool" },
}, 13);

const pathItem: MessageWriter = message({
  $ref: { field: 1, as: "string" },
  get: { field: 2, as: "message", message: () => operation },
  put: { field: 3, as: "message", message: () => operation },
  post: { field: 4, as: "message", message: () => operation },
  delete: { field: 5, as: "message", message: () => operation },
  options: { field: 6, as: "message", message: () => operation },
  head: { field: 7, as: "message", message: () => operation },
  patch: { field: 8, as: "message", message: () => operation },
  parameters: { field: 9, as: "message", message: () => parametersItem, repeated: true },
}, 10);

/** Paths: repeated NamedAny vendor_extension = 1, repeated NamedPathItem path = 2. */
const paths: MessageWriter = (w, value, where) => {
  for (const [name, item] of Object.entries(object(value, where))) {
    const at = `${where}.${name}`;
    if (name.startsWith("x-")) writeExtension(w, 1, name, item, at);
    else w.bytes(2, (named) => named.bytes(1, name).bytes(2, (m) => pathItem(m, item, at)));
  }
};

const info: MessageWriter = message({
  title: { field: 1, as: "string" },
  version: { field: 2, as: "string" },
  description: { field: 3, as: "string" },
  termsOfService: { field: 4, as: "string" },
}, 7);

/** SecurityDefinitionsItem: oneof by `type` (basic 1, apiKey 2; the OAuth2 flows are not written). */
const apiKeySecurity: MessageWriter = message({
  type: { field: 1, as: "string" },
  name: { field: 2, as: "string" },
  in: { field: 3, as: "string" },
  description: { field: 4, as: "string" },
}, 5);
const basicSecurity: MessageWriter = message({ type: { field: 1, as: "string" }, description: { field: 2, as: "string" } }, 3);
const securityDefinitionsItem: MessageWriter = (w, value, where) => {
  const type = object(value, where)["type"];
  if (type === "apiKey") w.bytes(2, (m) => apiKeySecurity(m, value, where));
  else if (type === "basic") w.bytes(1, (m) => basicSecurity(m, value, where));
  else throw new Error(`OpenAPI v2 protobuf: ${where} is a ${JSON.stringify(type)} security scheme, which is not written`);
};
const securityDefinitions: MessageWriter = (w, value, where) =>
  writeField(w, { field: 1, as: "named", message: () => securityDefinitionsItem }, value, where);

/** SecurityRequirement: repeated NamedStringArray additional_properties = 1 (StringArray: repeated string value = 1). */
const securityRequirement: MessageWriter = (w, value, where) =>
  writeField(w, { field: 1, as: "named", message: () => (m, scopes, at) => writeField(m, { field: 1, as: "strings" }, scopes, at) }, value, where);

const document: MessageWriter = message({
  swagger: { field: 1, as: "string" },
  info: { field: 2, as: "message", message: () => info },
  host: { field: 3, as: "string" },
  basePath: { field: 4, as: "string" },
  schemes: { field: 5, as: "strings" },
  consumes: { field: 6, as: "strings" },
  produces: { field: 7, as: "strings" },
  paths: { field: 8, as: "message", message: () => paths },
  definitions: { field: 9, as: "message", message: () => namedSchemas },
  security: { field: 12, as: "message", message: () => securityRequirement, repeated: true },
  securityDefinitions: { field: 13, as: "message", message: () => securityDefinitions },
}, 16);

/** The gnostic `openapi.v2.Document` message of a Swagger 2.0 document, as bytes. */
export function encodeOpenApiV2Protobuf(doc: OpenApiV2Document): Uint8Array {
  const w = new WireWriter();
  document(w, doc, "document");
  return w.finish();
}
