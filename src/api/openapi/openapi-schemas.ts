/**
 * The `components.schemas` of an OpenAPI v3 document, rendered from the struct graph the
 * way upstream's kube-openapi renders Go types:
 *  - a field that holds a struct (or Time, Quantity, IntOrString) refers to its definition
 *    as `allOf: [{$ref}]`, so the field can carry its own description beside the ref;
 *  - top-level kinds carry `x-kubernetes-group-version-kind` as a list;
 *  - list fields carry `x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy`,
 *    which kubectl's client-side apply reads to build strategic merge patches;
 *  - IntOrString and Quantity are `oneOf` their JSON types (their OpenAPIV3OneOfTypes in
 *    apimachinery), Time and MicroTime are `date-time` strings.
 * kubectl explain walks exactly these shapes (kubectl pkg/explain/v2/templates/plaintext.tmpl).
 */
import type { FieldDef, Schema, SchemaType, StructDef } from "../schema/schema.js";

export type JsonSchema = { readonly [key: string]: unknown };

const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** Definition names of the types that are not structs in the graph. */
export const definitionNames = {
  intOrString: "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
  quantity: "io.k8s.apimachinery.pkg.api.resource.Quantity",
  time: `${meta}.Time`,
  microTime: `${meta}.MicroTime`,
  patch: `${meta}.Patch`,
  status: `${meta}.Status`,
  deleteOptions: `${meta}.DeleteOptions`,
  watchEvent: `${meta}.WatchEvent`,
} as const;

/** Our own wording of what these scalar definitions mean. */
const scalarDefinitions: Readonly<Record<string, JsonSchema>> = {
  [definitionNames.intOrString]: {
    description: "An integer, or a string such as a port name or a percentage like \"25%\".",
    format: "int-or-string",
    oneOf: [{ type: "integer" }, { type: "string" }],
  },
  [definitionNames.quantity]: {
    description: "A fixed-point amount such as \"100m\", \"128Mi\" or \"2\": a number with an optional SI or binary suffix. Written back as a string.",
    oneOf: [{ type: "string" }, { type: "number" }],
  },
  [definitionNames.time]: {
    description: "A point in time as an RFC 3339 string, to the second.",
    format: "date-time",
    type: "string",
  },
  [definitionNames.microTime]: {
    description: "A point in time as an RFC 3339 string, to the microsecond.",
    format: "date-time",
    type: "string",
  },
  [definitionNames.patch]: {
    description: "The body of a PATCH request; its meaning depends on the request's content type.",
    type: "object",
  },
  [`${meta}.FieldsV1`]: {
    description: "The set of fields a manager owns, in the FieldsV1 trie format.",
    type: "object",
  },
  "io.k8s.apimachinery.pkg.runtime.RawExtension": {
    description: "An embedded object of any kind, kept as it was sent.",
    type: "object",
  },
};

const refTo = (name: string): string => `#/components/schemas/${name}`;

/** A reference, wrapped in allOf when the schema around it says more than the ref. */
function reference(name: string, extra: JsonSchema): JsonSchema {
  return Object.keys(extra).length === 0 ? { $ref: refTo(name) } : { allOf: [{ $ref: refTo(name) }], ...extra };
}

/**
 * Collects the definitions a document needs: the given structs and everything they
 * reach, plus the scalar definitions they refer to. Returns them sorted by name.
 */
export function componentSchemas(rootNames: Iterable<string>, schema: Schema): Record<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  const pending = [...rootNames];
  const want = (name: string): void => {
    if (!out.has(name)) pending.push(name);
  };
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (out.has(name)) continue;
    const scalar = scalarDefinitions[name];
    if (scalar) {
      out.set(name, scalar);
      continue;
    }
    const def = schema.struct(name);
    if (!def) throw new Error(`OpenAPI: no definition for ${name}`);
    out.set(name, structSchema(def, schema, want));
  }
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function structSchema(def: StructDef, schema: Schema, want: (name: string) => void): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, field] of Object.entries(def.fields)) properties[name] = propertySchema(field, schema, want);
  return {
    description: def.description,
    properties,
    ...(def.required.length > 0 ? { required: [...def.required] } : {}),
    type: "object",
    ...(def.gvk ? { "x-kubernetes-group-version-kind": def.gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version })) } : {}),
  };
}

function propertySchema(field: FieldDef, schema: Schema, want: (name: string) => void): JsonSchema {
  const extensions: Record<string, unknown> = {};
  if (field.patchMergeKey !== undefined) extensions["x-kubernetes-patch-merge-key"] = field.patchMergeKey;
  if (field.patchStrategy !== undefined) extensions["x-kubernetes-patch-strategy"] = field.patchStrategy;
  if (!field.description && field.type.kind === "struct") {
    // client-node drops the description of a field that holds a struct. Show the struct's
    // own description there, beside a plain $ref: kubectl explain then prints it once in
    // field lists and once (from the ref) for the field itself, where allOf would print it twice.
    want(field.type.name);
    const description = schema.struct(field.type.name)?.description;
    return { $ref: refTo(field.type.name), ...(description ? { description } : {}), ...extensions };
  }
  return typeSchema(field.type, { ...(field.description ? { description: field.description } : {}), ...extensions }, want);
}

/** The schema of a value of type `t`, with `extra` (description, extensions) alongside. */
function typeSchema(t: SchemaType, extra: JsonSchema, want: (name: string) => void): JsonSchema {
  const named = (name: string): JsonSchema => {
    want(name);
    return reference(name, extra);
  };
  switch (t.kind) {
    case "struct":
      return named(t.name);
    case "int-or-string":
      return named(definitionNames.intOrString);
    case "quantity":
      return named(definitionNames.quantity);
    case "time":
      return named(t.micro ? definitionNames.microTime : definitionNames.time);
    case "any":
      return t.name ? named(t.name) : { ...extra, type: "object" };
    case "bytes":
      return { ...extra, format: "byte", type: "string" };
    case "string":
    case "integer":
    case "number":
      return { ...extra, ...(t.format ? { format: t.format } : {}), type: t.kind };
    case "boolean":
      return { ...extra, type: "boolean" };
    case "array":
      // A list of structs holds values, not pointers: upstream marks the item default {}.
      return { ...extra, items: typeSchema(t.items, t.items.kind === "struct" ? { default: {} } : {}, want), type: "array" };
    case "map":
      return { ...extra, additionalProperties: typeSchema(t.values, {}, want), type: "object" };
  }
}
