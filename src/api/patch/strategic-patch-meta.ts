/**
 * The type information a strategic merge patch needs, read from the schema graph: for a
 * field of the struct being merged, its type and its patch strategy and merge key.
 *
 * This plays the part of apimachinery's `PatchMetaFromStruct` (strategicpatch/meta.go and
 * third_party/forked/golang/json/fields.go), which the API server uses with the Go type of
 * the object, so the lookups fail where upstream's fail and with upstream's texts. An
 * opaque value that stands for a Go struct (`any` with a name: runtime.RawExtension,
 * metav1.FieldsV1) has no JSON fields there, so merging anything nested inside it fails
 * as upstream's does; an unnamed `any` finds no metadata and merges like a plain map.
 */
import type { Schema, SchemaType, StructDef } from "../schema/schema.js";
import { patchServerError } from "./patch-errors.js";
import type { StatusError } from "../meta/status-errors.js";

export interface PatchMeta {
  /** The strategies of `x-kubernetes-patch-strategy`, split at commas (`[""]` when unset). */
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

export interface FieldPatchInfo {
  /** For a struct lookup the field's type; for a slice lookup the type of its elements. */
  readonly type: SchemaType;
  readonly meta: PatchMeta;
}

const anyType: SchemaType = { kind: "any" };
const noMeta: PatchMeta = { strategies: [""], mergeKey: "" };

/** Resolves struct names, including a root that the schema may not list. */
export class PatchSchema {
  constructor(private readonly schema: Schema, readonly root: StructDef) {}

  get rootType(): SchemaType {
    return { kind: "struct", name: this.root.name };
  }

  /** `LookupPatchMetadataForStruct`: the field `key` of the struct `node`. */
  field(node: SchemaType, key: string): FieldPatchInfo {
    if (node.kind === "any") {
      if (node.name === undefined) return { type: anyType, meta: noMeta };
      throw noSuchField(node.name, key);
    }
    if (node.kind !== "struct") {
      throw patchServerError(`merging an object in json but data type is not struct, instead is: ${goKind(node)}`);
    }
    const def = this.struct(node.name);
    const field = Object.hasOwn(def.fields, key) ? def.fields[key] : undefined;
    if (!field) throw noSuchField(def.name, key);
    return {
      type: field.type,
      meta: { strategies: (field.patchStrategy ?? "").split(","), mergeKey: field.patchMergeKey ?? "" },
    };
  }

  /** `LookupPatchMetadataForSlice`: the list field `key` of `node`, typed by its elements. */
  listField(node: SchemaType, key: string): FieldPatchInfo {
    const { type, meta } = this.field(node, key);
    if (type.kind === "any" && type.name === undefined) return { type, meta };
    if (type.kind === "bytes") return { type: { kind: "integer", format: "uint8" }, meta };
    if (type.kind !== "array") {
      throw patchServerError("expected slice or array type, but got: struct");
    }
    if (type.items.kind === "array" || type.items.kind === "bytes") {
      throw patchServerError("unexpected slice of slice");
    }
    return { type: type.items, meta };
  }

  private struct(name: string): StructDef {
    const def = name === this.root.name ? this.root : this.schema.struct(name);
    if (!def) throw patchServerError(`unknown type ${name} in the API schema`);
    return def;
  }
}

/**
 * `extractRetainKeysPatchStrategy`: whether `retainKeys` is among the strategies, and the
 * other strategy (`merge`, `replace` or "").
 */
export function otherStrategy(meta: PatchMeta): string {
  const s = meta.strategies;
  if (s.length === 1) return s[0] === "retainKeys" ? "" : s[0]!;
  if (s.length === 2) {
    if (s[0] === "retainKeys") return s[1]!;
    if (s[1] === "retainKeys") return s[0]!;
  }
  throw unexpectedStrategy(s);
}

function noSuchField(definition: string, key: string): StatusError {
  return patchServerError(`unable to find api field in struct ${goStructName(definition)} for the json field ${JSON.stringify(key)}`);
}

function unexpectedStrategy(s: readonly string[]): StatusError {
  return patchServerError(`unexpected patch strategy: [${s.join(" ")}]`);
}

/** reflect's Kind name of the Go type behind a schema type. */
export function goKind(t: SchemaType): string {
  switch (t.kind) {
    case "string": return "string";
    case "integer": return t.format === "int32" ? "int32" : t.format === "uint8" ? "uint8" : "int64";
    case "number": return "float64";
    case "boolean": return "bool";
    case "array":
    case "bytes": return "slice";
    case "map": return "map";
    case "any": return t.name === undefined ? "interface" : "struct";
    default: return "struct";
  }
}

/** `io.k8s.api.core.v1.PodSpec` is the Go type `PodSpec`. */
function goStructName(definition: string): string {
  return definition.slice(definition.lastIndexOf(".") + 1);
}
