/**
 * Strict decoding: the fields of a request body that the API type does not have, and the
 * fields a JSON object names twice, reported as upstream's decoder reports them.
 *
 * Upstream decodes bodies with sigs.k8s.io/json `UnmarshalStrict` (case-sensitive,
 * unknown and duplicate fields disallowed). Each violation is one error whose text is
 * `unknown field "<path>"` or `duplicate field "<path>"`, where the path joins field names
 * and map keys with `.` and list indexes as `[i]` (`spec.containers[0].imagee`). Errors
 * come in document order, each distinct one once, at most 100. The value of an unknown
 * field is not looked into; neither are opaque values (runtime.RawExtension,
 * metav1.FieldsV1), which upstream keeps as raw bytes.
 *
 * What the API server does with them (apiserver pkg/endpoints/handlers create.go,
 * update.go, patch.go, rest.go):
 *  - fieldValidation=Strict on create/update: 400 BadRequest, see strictDecodingBadRequest;
 *  - Strict on a json or merge patch: 422 Invalid on field `patch`, see strictDecodingPatchInvalid;
 *  - Warn: the request succeeds and each error text becomes one `Warning` header;
 *  - Ignore: nothing is checked.
 *
 * Types that do not match (a string where an object belongs) are not strict-decoding
 * errors upstream but plain decode errors; this module skips such values.
 */
import { invalid } from "../meta/field-errors.js";
import { BadRequestError, InvalidError } from "../meta/status-errors.js";
import type { Schema, SchemaType, StructDef } from "./schema.js";

/** Upstream stops collecting strict errors after this many (sigs.k8s.io/json saveStrictError). */
const maxErrors = 100;

/**
 * The unknown fields of an already parsed object decoded as `root`, as upstream's error
 * texts (`unknown field "spec.foo"`). Duplicate keys are gone once JSON is parsed: use
 * findStrictDecodingErrors on the request body to report them too.
 */
export function findUnknownFields(obj: unknown, root: StructDef, schema: Schema): string[] {
  return new StrictWalker(parsedValues, schema).struct(obj, root, "", true);
}

/** Unknown and duplicate fields of a JSON request body decoded as `root`, in document order. */
export function findStrictDecodingErrors(rawJson: string, root: StructDef, schema: Schema): string[] {
  return new StrictWalker(rawValues, schema).struct(parseOrdered(rawJson), root, "", true);
}

/** Duplicate fields anywhere in a JSON document decoded without a type (json and merge patches). */
export function findDuplicateFields(rawJson: string): string[] {
  return new StrictWalker(rawValues, undefined).untyped(parseOrdered(rawJson), "");
}

/** `strict decoding error: <error>, <error>` (apimachinery runtime strictDecodingError). */
export function strictDecodingMessage(errors: readonly string[]): string {
  return `strict decoding error: ${errors.join(", ")}`;
}

/**
 * The 400 for a create or update body under fieldValidation=Strict, e.g.
 * `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`.
 * `body` is the kind and version the body declares; `objectKind` the kind of the endpoint.
 */
export function strictDecodingBadRequest(
  body: { readonly kind: string; readonly version: string },
  objectKind: string,
  errors: readonly string[],
): BadRequestError {
  return new BadRequestError(
    `${body.kind} in version ${JSON.stringify(body.version)} cannot be handled as a ${objectKind}: ${strictDecodingMessage(errors)}`,
  );
}

/** The 422 for a json or merge patch whose result fails strict decoding (field `patch`, value the patched JSON). */
export function strictDecodingPatchInvalid(patchedJson: string, errors: readonly string[]): InvalidError {
  return new InvalidError("", "", "", [invalid("patch", patchedJson, strictDecodingMessage(errors))]);
}

/** Under fieldValidation=Warn each error text is sent as one warning. */
export function strictDecodingWarnings(errors: readonly string[]): string[] {
  return [...errors];
}

/** How the walker reads a value: a parsed JS value, or the ordered tree of parseOrdered. */
interface ValueReader {
  /** The members of an object in document order, or undefined if the value is not an object. */
  entries(v: unknown): Iterable<readonly [string, unknown]> | undefined;
  /** The elements of a list, or undefined if the value is not a list. */
  items(v: unknown): readonly unknown[] | undefined;
}

const parsedValues: ValueReader = {
  entries: (v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? Object.entries(v) : undefined),
  items: (v) => (Array.isArray(v) ? v : undefined),
};

const rawValues: ValueReader = {
  entries: (v) => (v instanceof OrderedObject ? v.members : undefined),
  items: (v) => (Array.isArray(v) ? v : undefined),
};

const fieldPath = (parent: string, key: string): string => (parent === "" ? key : `${parent}.${key}`);

class StrictWalker {
  private readonly errors: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly read: ValueReader, private readonly schema: Schema | undefined) {}

  struct(v: unknown, def: StructDef, path: string, isRoot: boolean): string[] {
    const members = this.read.entries(v);
    if (!members) return this.errors;
    const present = new Set<string>();
    for (const [key, value] of members) {
      const field = def.fields[key];
      // TypeMeta is inlined into every top-level kind, so apiVersion and kind always decode.
      if (!field && !(isRoot && (key === "apiVersion" || key === "kind"))) {
        this.report("unknown field", fieldPath(path, key));
        continue;
      }
      if (present.has(key)) this.report("duplicate field", fieldPath(path, key));
      present.add(key);
      if (field) this.value(value, field.type, fieldPath(path, key));
    }
    return this.errors;
  }

  /** A value decoded into interface{}: no unknown fields, but duplicates count at every level. */
  untyped(v: unknown, path: string): string[] {
    const members = this.read.entries(v);
    if (members) {
      const present = new Set<string>();
      for (const [key, value] of members) {
        if (present.has(key)) this.report("duplicate field", fieldPath(path, key));
        present.add(key);
        this.untyped(value, fieldPath(path, key));
      }
    }
    this.read.items(v)?.forEach((item, i) => this.untyped(item, `${path}[${i}]`));
    return this.errors;
  }

  private value(v: unknown, t: SchemaType, path: string): void {
    switch (t.kind) {
      case "struct": {
        const def = this.schema?.struct(t.name);
        if (!def) throw new Error(`schema has no struct ${t.name}`);
        this.struct(v, def, path, false);
        return;
      }
      case "array":
        this.read.items(v)?.forEach((item, i) => this.value(item, t.items, `${path}[${i}]`));
        return;
      case "map": {
        const members = this.read.entries(v);
        if (!members) return;
        const present = new Set<string>();
        for (const [key, value] of members) {
          if (present.has(key)) this.report("duplicate field", fieldPath(path, key));
          present.add(key);
          this.value(value, t.values, fieldPath(path, key));
        }
        return;
      }
      default:
        // Scalars and opaque values hold no fields.
        return;
    }
  }

  private report(kind: "unknown field" | "duplicate field", path: string): void {
    if (this.errors.length >= maxErrors) return;
    const text = `${kind} ${JSON.stringify(path)}`;
    if (this.seen.has(text)) return;
    this.seen.add(text);
    this.errors.push(text);
  }
}

/** A JSON object with its members in document order, duplicates kept. */
class OrderedObject {
  constructor(readonly members: Array<readonly [string, unknown]>) {}
}

const scalar = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON keeping every object member in order, duplicates included (JSON.parse keeps
 * only the last). Scalars become null: only the shape matters here.
 */
function parseOrdered(text: string): unknown {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at offset ${i}`);
  };
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const stringEnd = (start: number): number => {
    let j = start + 1;
    for (;;) {
      if (j >= text.length) return fail();
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      j += c === 0x5c ? 2 : 1;
    }
  };
  const value = (depth: number): unknown => {
    if (depth > 10000) fail();
    skipSpace();
    const c = text[i];
    if (c === "{") {
      i++;
      const members: Array<readonly [string, unknown]> = [];
      skipSpace();
      if (text[i] === "}") {
        i++;
        return new OrderedObject(members);
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail();
        const end = stringEnd(i);
        const key = JSON.parse(text.slice(i, end)) as string;
        i = end;
        skipSpace();
        if (text[i++] !== ":") fail();
        members.push([key, value(depth + 1)]);
        skipSpace();
        const next = text[i++];
        if (next === "}") return new OrderedObject(members);
        if (next !== ",") fail();
      }
    }
    if (c === "[") {
      i++;
      const items: unknown[] = [];
      skipSpace();
      if (text[i] === "]") {
        i++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        skipSpace();
        const next = text[i++];
        if (next === "]") return items;
        if (next !== ",") fail();
      }
    }
    if (c === '"') {
      i = stringEnd(i);
      return null;
    }
    scalar.lastIndex = i;
    if (!scalar.test(text)) return fail();
    i = scalar.lastIndex;
    return null;
  };
  const result = value(0);
  skipSpace();
  if (i !== text.length) fail();
  return result;
}
