/**
 * JSON patch (RFC 6902, `application/json-patch+json`) with the semantics of the library
 * the API server applies it with, gopkg.in/evanphx/json-patch.v4 (v4.12.0, patch.go), and
 * the limits of apiserver pkg/endpoints/handlers/patch.go and pkg/server/config.go.
 *
 * Where that library differs from the RFC, Peapod follows the library, because that is
 * what kubectl users meet on a real cluster:
 *  - `replace` of a missing object member adds it;
 *  - `copy` from a missing object member copies null;
 *  - array indexes may be negative (counted from the end; `add` at -1 appends), and accept
 *    a sign and leading zeros as Go's strconv.Atoi does;
 *  - a path's first token is dropped without checking that the path starts with `/`;
 *  - `test` of a missing member against null succeeds; a missing `value` means null;
 *  - `replace` of the whole document (path "") with a scalar does nothing.
 * Every failed operation is the same 422 (patch-errors.ts); the library's text is kept as
 * the error's `cause`.
 */
import { StatusError } from "../meta/status-errors.js";
import {
  cloneJson, encodedSize, exceedsNesting, getMember, hasMember, isContainer, isJsonMap,
  jsonEqual, jsonKind, setMember, type JsonMap,
} from "./json-value.js";
import { patchBadRequest, patchUnprocessable } from "./patch-errors.js";

/** apiserver `maxJSONPatchOperations`. */
export const maxJsonPatchOperations = 10000;

/** apiserver `JSONPatchMaxCopyBytes`: how much all `copy` operations of one patch may add. */
export const maxJsonPatchCopyBytes = 3 * 1024 * 1024;

type Container = JsonMap | unknown[];

/**
 * Applies a JSON patch to a parsed JSON document and returns the patched copy.
 * Throws 400 when the patch is not a list of operations, 413 above 10000 operations and
 * 422 when an operation does not apply.
 */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  const operations = decodeOperations(patch);
  if (operations.length > maxJsonPatchOperations) {
    throw new StatusError(413, "RequestEntityTooLarge",
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${operations.length}`);
  }
  if (!isContainer(document)) throw patchUnprocessable("json: cannot unmarshal document");
  const state: PatchState = { doc: cloneJson(document) as Container, copiedBytes: 0 };
  for (const op of operations) applyOperation(state, op);
  // Upstream decodes the patched JSON into the object next, which fails this deep.
  if (exceedsNesting(state.doc)) throw patchUnprocessable("exceeded max depth");
  return state.doc;
}

/**
 * The strict-decoding errors of a JSON patch under fieldValidation=Strict or Warn, as
 * upstream finds them by decoding the operations into `{op, path, from, value}`:
 * `json patch unknown field "[0].foo"`. A field of the wrong type is a 400 instead.
 * Duplicate fields need the raw body (see schema/strict-decoding.ts findDuplicateFields).
 */
export function jsonPatchStrictErrors(patch: unknown): string[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw strictDecodeError(`${jsonKind(patch)} into Go value of type []handlers.jsonPatchOp`);
  const errors: string[] = [];
  patch.forEach((op, i) => {
    if (op === null) return;
    if (!isJsonMap(op)) throw strictDecodeError(`${jsonKind(op)} into Go value of type handlers.jsonPatchOp`);
    for (const key of Object.keys(op)) {
      const v = op[key];
      if (key === "value") continue;
      if (key === "op" || key === "path" || key === "from") {
        if (v !== null && typeof v !== "string") {
          throw strictDecodeError(`${jsonKind(v)} into Go struct field jsonPatchOp.${key} of type string`);
        }
        continue;
      }
      errors.push(`json patch unknown field ${JSON.stringify(`[${i}].${key}`)}`);
    }
  });
  // sigs.k8s.io/json keeps the first 100 strict errors.
  return errors.slice(0, 100);
}

function strictDecodeError(what: string): StatusError {
  return patchBadRequest(`error decoding patch: json: cannot unmarshal ${what}`);
}

/** evanphx `DecodePatch`: a JSON array whose elements are objects (or null). */
function decodeOperations(patch: unknown): ReadonlyArray<JsonMap | null> {
  if (patch === null) return [];
  const tooDeep = exceedsNesting(patch);
  if (tooDeep) throw patchBadRequest(`invalid character '${tooDeep}' exceeded max depth`);
  if (!Array.isArray(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isJsonMap(op)) {
      throw patchBadRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return patch as Array<JsonMap | null>;
}

interface PatchState {
  doc: Container;
  copiedBytes: number;
}

/** A string member of the operation, or undefined when it is missing, null or not a string. */
function stringField(op: JsonMap | null, name: string): string | undefined {
  const v = op === null ? undefined : getMember(op, name);
  return typeof v === "string" ? v : undefined;
}

/** Why the library could not read `path` or `from` as a string. */
function fieldError(op: JsonMap | null, name: "path" | "from"): string {
  const v = op === null ? undefined : getMember(op, name);
  if (v === undefined || v === null) {
    return name === "path" ? "operation missing path field: missing value" : "operation, missing from field: missing value";
  }
  return `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`;
}

/** The operation's value; a missing or null `value` is null, as the library stores it. */
function valueOf(op: JsonMap | null): unknown {
  const v = op === null ? undefined : getMember(op, "value");
  return v === undefined ? null : v;
}

function applyOperation(state: PatchState, op: JsonMap | null): void {
  const kind = stringField(op, "op") ?? "unknown";
  const path = stringField(op, "path");
  switch (kind) {
    case "add": {
      if (path === undefined) throw missing("add operation failed to decode path");
      const at = locate(state.doc, path);
      if (!at) throw missing(`add operation does not apply: doc is missing path: ${JSON.stringify(path)}`);
      insert(at, cloneJson(valueOf(op)), `error in add for path: '${path}'`);
      return;
    }
    case "remove": {
      if (path === undefined) throw missing("remove operation failed to decode path");
      const at = locate(state.doc, path);
      if (!at) throw missing(`remove operation does not apply: doc is missing path: ${JSON.stringify(path)}`);
      remove(at, `error in remove for path: '${path}'`);
      return;
    }
    case "replace":
      return replace(state, op, path);
    case "move": {
      const from = stringField(op, "from");
      if (from === undefined) throw fail(`move operation failed to decode from: ${fieldError(op, "from")}`);
      const source = locate(state.doc, from);
      if (!source) throw missing(`move operation does not apply: doc is missing from path: ${from}`);
      const value = read(source, `error in move for path: '${source.key}'`);
      remove(source, `error in move for path: '${source.key}'`);
      if (path === undefined) throw fail(`move operation failed to decode path: ${fieldError(op, "path")}`);
      const target = locate(state.doc, path);
      if (!target) throw missing(`move operation does not apply: doc is missing destination path: ${path}`);
      insert(target, value ?? null, `error in move for path: '${path}'`);
      return;
    }
    case "copy": {
      const from = stringField(op, "from");
      if (from === undefined) throw fail(`copy operation failed to decode from: ${fieldError(op, "from")}`);
      const source = locate(state.doc, from);
      if (!source) throw missing(`copy operation does not apply: doc is missing from path: ${from}`);
      const value = read(source, `error in copy for from: '${from}'`) ?? null;
      if (path === undefined) throw missing("copy operation failed to decode path");
      const target = locate(state.doc, path);
      if (!target) throw missing(`copy operation does not apply: doc is missing destination path: ${path}`);
      // The library counts a copied null as zero bytes.
      const budget = maxJsonPatchCopyBytes - state.copiedBytes;
      state.copiedBytes += value === null ? 0 : encodedSize(value, budget);
      if (state.copiedBytes > maxJsonPatchCopyBytes) {
        throw fail(`Unable to complete the copy, the accumulated size increase of copy is ${state.copiedBytes}, exceeding the limit ${maxJsonPatchCopyBytes}`);
      }
      insert(target, cloneJson(value), "error while adding value during copy");
      return;
    }
    case "test":
      return test(state, op, path);
    default:
      throw fail(`Unexpected kind: ${kind}`);
  }
}

function replace(state: PatchState, op: JsonMap | null, path: string | undefined): void {
  if (path === undefined) throw fail(`replace operation failed to decode path: ${fieldError(op, "path")}`);
  if (path === "") {
    const value = valueOf(op);
    // The library means to reject a scalar here but wraps a nil error, so nothing happens.
    if (isContainer(value)) state.doc = cloneJson(value) as Container;
    return;
  }
  const at = locate(state.doc, path);
  if (!at) throw missing(`replace operation does not apply: doc is missing path: ${path}`);
  if (Array.isArray(at.parent)) {
    const index = arrayIndex(at.parent, at.key, "existing");
    if (typeof index === "string") throw missing(`replace operation does not apply: doc is missing key: ${path}`);
    at.parent[index] = cloneJson(valueOf(op));
  } else {
    setMember(at.parent, at.key, cloneJson(valueOf(op)));
  }
}

function test(state: PatchState, op: JsonMap | null, path: string | undefined): void {
  if (path === undefined) throw fail(`test operation failed to decode path: ${fieldError(op, "path")}`);
  const expected = valueOf(op);
  if (path === "") {
    if (!jsonEqual(state.doc, expected)) throw fail("testing value  failed: test failed");
    return;
  }
  const at = locate(state.doc, path);
  if (!at) throw missing(`test operation does not apply: is missing path: ${path}`);
  const actual = read(at, `error in test for path: '${path}'`);
  if (actual === undefined || actual === null) {
    if (expected === null) return;
  } else if (op !== null && hasMember(op, "value") && jsonEqual(actual, expected)) {
    return;
  }
  throw fail(`testing value ${path} failed: test failed`);
}

function fail(why: string): StatusError {
  return patchUnprocessable(why);
}

/** The library's `ErrMissing` wrapped with context. */
function missing(context: string): StatusError {
  return fail(`${context}: missing value`);
}

interface Location {
  readonly parent: Container;
  /** The last token of the path, unescaped. */
  readonly key: string;
}

/** RFC 6901 unescaping in one pass: `~1` is `/`, then `~0` is `~`. */
function unescapeToken(token: string): string {
  return token.includes("~") ? token.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~")) : token;
}

/** evanphx `findObject`: walks all tokens but the last (the first token is dropped unread). */
function locate(doc: Container, path: string): Location | undefined {
  const tokens = path.split("/");
  if (tokens.length < 2) return undefined;
  let node: Container = doc;
  for (let i = 1; i < tokens.length - 1; i++) {
    const token = unescapeToken(tokens[i]!);
    let next: unknown;
    if (Array.isArray(node)) {
      const index = arrayIndex(node, token, "existing");
      if (typeof index === "string") return undefined;
      next = node[index];
    } else {
      next = getMember(node, token);
    }
    if (!isContainer(next)) return undefined;
    node = next;
  }
  return { parent: node, key: unescapeToken(tokens[tokens.length - 1]!) };
}

/** The member or element at the location; undefined for a missing object member. */
function read(at: Location, context: string): unknown {
  if (!Array.isArray(at.parent)) return getMember(at.parent, at.key);
  const index = arrayIndex(at.parent, at.key, "existing");
  if (typeof index === "string") throw fail(`${context}: ${index}`);
  return at.parent[index];
}

function insert(at: Location, value: unknown, context: string): void {
  if (!Array.isArray(at.parent)) {
    setMember(at.parent, at.key, value);
    return;
  }
  if (at.key === "-") {
    at.parent.push(value);
    return;
  }
  const index = arrayIndex(at.parent, at.key, "insertion");
  if (typeof index === "string") {
    const why = index.startsWith("strconv") ? `value was not a proper array index: '${at.key}': ${index}` : index;
    throw fail(`${context}: ${why}`);
  }
  at.parent.splice(index, 0, value);
}

function remove(at: Location, context: string): void {
  if (!Array.isArray(at.parent)) {
    if (!hasMember(at.parent, at.key)) {
      throw fail(`${context}: Unable to remove nonexistent key: ${at.key}: missing value`);
    }
    delete at.parent[at.key];
    return;
  }
  const index = arrayIndex(at.parent, at.key, "existing");
  if (typeof index === "string") throw fail(`${context}: ${index}`);
  at.parent.splice(index, 1);
}

/**
 * The array position a token names: an existing element, or a place to insert (one past
 * the end included). Negative numbers count from the end. Returns the library's error
 * text when the token is not an index or is out of range.
 */
function arrayIndex(array: readonly unknown[], token: string, use: "existing" | "insertion"): number | string {
  const parsed = parseGoInt(token);
  if (parsed === undefined) return `strconv.Atoi: parsing ${JSON.stringify(token)}: invalid syntax`;
  const size = use === "existing" ? array.length : array.length + 1;
  let index = parsed;
  if (index < 0) {
    if (index < -size) return `Unable to access invalid index: ${parsed}: invalid index referenced`;
    index += size;
  }
  if (index >= size) return `Unable to access invalid index: ${parsed}: invalid index referenced`;
  return index;
}

/** strconv.Atoi: an optional sign and decimal digits within int64. */
function parseGoInt(token: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(token)) return undefined;
  const negative = token.startsWith("-");
  const digits = token.replace(/^[+-]/, "").replace(/^0+(?=.)/, "");
  const limit = negative ? "9223372036854775808" : "9223372036854775807";
  if (digits.length > limit.length || (digits.length === limit.length && digits > limit)) return undefined;
  return Number(token);
}
