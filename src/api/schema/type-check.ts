/**
 * The type errors upstream's JSON decoder reports when a value has the wrong JSON type
 * for its Go field (`json: cannot unmarshal string into Go struct field Pod.spec of type
 * v1.PodSpec`). Checking them at decode time means defaulting and validation only ever
 * see well-typed objects, as they do upstream. `null` is always accepted: Go decodes it
 * as the zero value.
 */
import type { Schema, SchemaType, StructDef } from "./schema.js";

const jsonTypeOf = (v: unknown): string =>
  Array.isArray(v) ? "array" : typeof v === "boolean" ? "bool" : typeof v === "object" ? "object" : typeof v;

/** `io.k8s.api.core.v1.PodSpec` -> `v1.PodSpec`, as Go prints a named type. */
function goTypeName(name: string): string {
  const parts = name.split(".");
  return parts.slice(-2).join(".");
}

function goType(t: SchemaType): string {
  switch (t.kind) {
    case "string": return "string";
    case "integer": return t.format === "int64" ? "int64" : "int32";
    case "number": return "float64";
    case "boolean": return "bool";
    case "int-or-string": return "intstr.IntOrString";
    case "quantity": return "resource.Quantity";
    case "time": return t.micro ? "v1.MicroTime" : "v1.Time";
    case "bytes": return "[]uint8";
    case "array": return `[]${goType(t.items)}`;
    case "map": return `map[string]${goType(t.values)}`;
    case "struct": return goTypeName(t.name);
    case "any": return "interface {}";
  }
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

class TypeChecker {
  constructor(private readonly schema: Schema, private readonly rootName: string) {}

  /** The first type error in `value`, or undefined. */
  check(value: unknown, t: SchemaType, path: string): string | undefined {
    if (value === null || value === undefined) return undefined;
    const fail = (): string => {
      const shown = typeof value === "number" ? `number ${value}` : jsonTypeOf(value);
      return `json: cannot unmarshal ${shown} into Go struct field ${this.rootName}.${path} of type ${goType(t)}`;
    };
    switch (t.kind) {
      case "string":
      case "time":
        return typeof value === "string" ? undefined : fail();
      case "bytes":
        if (typeof value !== "string") return fail();
        return base64.test(value) && value.length % 4 === 0 ? undefined : `illegal base64 data at input byte ${firstBadByte(value)}`;
      case "integer":
        return typeof value === "number" && Number.isInteger(value) ? undefined : fail();
      case "number":
        return typeof value === "number" ? undefined : fail();
      case "boolean":
        return typeof value === "boolean" ? undefined : fail();
      case "int-or-string":
      case "quantity":
        return typeof value === "string" || typeof value === "number" ? undefined : fail();
      case "any":
        return undefined;
      case "array":
        if (!Array.isArray(value)) return fail();
        for (const item of value) {
          const e = this.check(item, t.items, path);
          if (e) return e;
        }
        return undefined;
      case "map":
        if (jsonTypeOf(value) !== "object") return fail();
        for (const v of Object.values(value as object)) {
          const e = this.check(v, t.values, path);
          if (e) return e;
        }
        return undefined;
      case "struct": {
        if (jsonTypeOf(value) !== "object") return fail();
        const def = this.schema.struct(t.name);
        return def ? this.fields(value as Record<string, unknown>, def, path) : undefined;
      }
    }
  }

  fields(obj: Record<string, unknown>, def: StructDef, path: string): string | undefined {
    for (const [name, v] of Object.entries(obj)) {
      const f = Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;
      if (!f) continue;
      const e = this.check(v, f.type, path ? `${path}.${name}` : name);
      if (e) return e;
    }
    return undefined;
  }
}

function firstBadByte(s: string): number {
  const i = [...s].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
  return i >= 0 ? i : s.length - (s.length % 4);
}

/** The decoder's error for an object of kind `root`, or undefined when every value has its field's type. */
export function findTypeError(obj: Record<string, unknown>, root: StructDef, schema: Schema): string | undefined {
  const kind = root.name.split(".").pop()!;
  return new TypeChecker(schema, kind).fields(obj, root, "");
}

/**
 * Drops the fields the schema does not know, as decoding into upstream's Go structs does:
 * with fieldValidation Warn or Ignore an unknown field is reported (or not) and then lost,
 * never stored. Works in place; values typed `any` are kept whole.
 */
export function pruneUnknownFields(obj: Record<string, unknown>, root: StructDef, schema: Schema): void {
  pruneStruct(obj, root, schema);
}

function pruneStruct(obj: Record<string, unknown>, def: StructDef, schema: Schema): void {
  for (const [name, v] of Object.entries(obj)) {
    const f = Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;
    if (!f) {
      // Every object names its own type; the struct tables leave TypeMeta out of nested kinds.
      if (name !== "apiVersion" && name !== "kind") delete obj[name];
      continue;
    }
    pruneValue(v, f.type, schema);
  }
}

function pruneValue(v: unknown, t: SchemaType, schema: Schema): void {
  if (v === null || typeof v !== "object") return;
  switch (t.kind) {
    case "array":
      if (Array.isArray(v)) for (const item of v) pruneValue(item, t.items, schema);
      return;
    case "map":
      for (const item of Object.values(v)) pruneValue(item, t.values, schema);
      return;
    case "struct": {
      const def = schema.struct(t.name);
      if (def && !Array.isArray(v)) pruneStruct(v as Record<string, unknown>, def, schema);
      return;
    }
    default:
      return;
  }
}
