/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`; `kubectl patch --type merge`
 * and `kubectl scale`), as gopkg.in/evanphx/json-patch.v4 `MergePatch` (merge.go) applies
 * it for the API server:
 *  - a null member deletes the key;
 *  - objects merge recursively; anything else (arrays included) replaces;
 *  - a value stored where there was nothing to merge with (the key was missing or null, or
 *    held a non-object) loses its null members at every depth, also inside arrays; a
 *    non-object value replacing an object is stored as it is;
 *  - a patch that is an array replaces the whole document (nulls dropped from the objects
 *    in it), which then fails to decode as an object; null or a scalar is a 400
 *    `Invalid JSON Patch` (apiserver handlers/patch.go maps `ErrBadJSONPatch` to 400).
 */
import {
  cloneJson, deleteMember, exceedsNesting, getMember, isJsonMap, setMember, type JsonMap,
} from "./json-value.js";
import { patchBadRequest, patchServerError } from "./patch-errors.js";

const invalidPatch = "Invalid JSON Patch";

/** Applies a JSON merge patch to a parsed JSON document and returns the patched copy. */
export function applyMergePatch(document: unknown, patch: unknown): unknown {
  if (exceedsNesting(patch)) throw patchBadRequest(invalidPatch);
  if (Array.isArray(patch)) return cloneJson(patch, true);
  if (!isJsonMap(patch)) throw patchBadRequest(invalidPatch);
  if (document === null) throw patchServerError("Invalid JSON Document");
  if (!isJsonMap(document)) return cloneJson(patch, true);
  if (exceedsNesting(document)) throw patchServerError("Invalid JSON Document");
  const result = cloneJson(document) as JsonMap;
  mergeInto(result, patch);
  return result;
}

/** Merges `patch` into `doc` (a private copy), reading `patch` only. */
function mergeInto(doc: JsonMap, patch: JsonMap): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      deleteMember(doc, key);
      continue;
    }
    const current = getMember(doc, key);
    if (current === undefined || current === null || !isJsonMap(current)) {
      setMember(doc, key, cloneJson(value, true));
    } else if (!isJsonMap(value)) {
      setMember(doc, key, cloneJson(value));
    } else {
      mergeInto(current, value);
    }
  }
}
