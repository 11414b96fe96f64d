/**
 * The patch types of a Kubernetes PATCH request, by Content-Type:
 *
 * | media type                               | type        | kubectl                               |
 * |------------------------------------------|-------------|---------------------------------------|
 * | application/json-patch+json              | `json`      | `patch --type json`                   |
 * | application/merge-patch+json             | `merge`     | `patch --type merge`, `scale`         |
 * | application/strategic-merge-patch+json   | `strategic` | `apply`, `edit`, `label`, `patch`, …  |
 *
 * Each takes the parsed patch body and the stored object as parsed JSON and returns a new
 * object; the caller then decodes it as the kind (strict decoding, defaults, validation).
 * Server-side apply (`application/apply-patch+yaml`) is a different mechanism and lives
 * elsewhere.
 *
 * Errors are StatusErrors with the API server's codes: 400 for a body that is not a patch
 * of its type, 413 for more than 10000 JSON patch operations, 422 for a JSON patch
 * operation that does not apply, and for strategic merge patch the 400/422/500 split of
 * apiserver handlers/patch.go `interpretStrategicMergePatchError`.
 *
 * Under fieldValidation=Strict or Warn the API server also strict-decodes a JSON patch's
 * operations before applying it: call jsonPatchStrictErrors and report its texts together
 * with the strict errors of the patched object (422 on field `patch`, or warnings).
 */
import type { Schema, StructDef } from "../schema/schema.js";
import { applyJsonPatch } from "./json-patch.js";
import { applyMergePatch } from "./merge-patch.js";
import { strategicMergePatch } from "./strategic-merge-patch.js";

export { applyJsonPatch, jsonPatchStrictErrors, maxJsonPatchCopyBytes, maxJsonPatchOperations } from "./json-patch.js";
export { applyMergePatch } from "./merge-patch.js";
export { strategicMergePatch } from "./strategic-merge-patch.js";
export { genericInvalidMessage } from "./patch-errors.js";
export { maxNestingDepth } from "./json-value.js";

export type PatchType = "json" | "merge" | "strategic";

/** What a strategic merge patch needs to know about the patched kind. */
export interface PatchContext {
  readonly schema: Schema;
  /** The struct of the kind being patched, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly root: StructDef;
}

const mediaTypes: Readonly<Record<PatchType, string>> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

/** The Content-Type a client sends for a patch type. */
export function patchMediaType(type: PatchType): string {
  return mediaTypes[type];
}

/**
 * The patch type of a request's Content-Type, or undefined for any other media type.
 * Parameters (`; charset=utf-8`) are ignored; the comparison is exact otherwise, as in
 * apiserver handlers/patch.go.
 */
export function patchTypeOfContentType(contentType: string): PatchType | undefined {
  const semicolon = contentType.indexOf(";");
  const mediaType = semicolon > 0 ? contentType.slice(0, semicolon) : contentType;
  for (const type of Object.keys(mediaTypes) as PatchType[]) {
    if (mediaTypes[type] === mediaType) return type;
  }
  return undefined;
}

/** Applies a patch of the given type to `original`; neither input is modified. */
export function applyPatch(type: PatchType, original: unknown, patchBody: unknown, ctx: PatchContext): unknown {
  switch (type) {
    case "json": return applyJsonPatch(original, patchBody);
    case "merge": return applyMergePatch(original, patchBody);
    case "strategic": return strategicMergePatch(original, patchBody, ctx.schema, ctx.root);
  }
}
