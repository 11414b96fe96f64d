/**
 * Strategic merge patch (`application/strategic-merge-patch+json`): the patch kubectl
 * sends for `apply` (client-side), `edit`, `label`, `annotate`, `set` and plain `patch`.
 * It is a JSON merge patch that knows the API types, so that lists of objects merge by a
 * key instead of being replaced. The behaviour is that of the API server, which applies
 * it with apimachinery pkg/util/strategicpatch `StrategicMergeMapPatch` (patch.go;
 * `MergeParallelList` and `IgnoreUnmatchedNulls` on); this is a separate implementation of
 * those rules:
 *
 *  - a null value deletes the key; a key the object lacks takes the patch value, minus its
 *    null members and minus any object carrying a `$patch` directive;
 *  - values of different types replace; objects merge recursively unless the field's
 *    strategy is `replace`;
 *  - lists merge only when the field's strategy is `merge`: objects by the field's merge
 *    key (`containers` by `name`, `ports` by `containerPort`, ...), scalars as a set;
 *    other lists are replaced whole;
 *  - directives: `$patch: replace` / `$patch: delete` in an object (replace it with the rest
 *    of the patch / empty it), in a list element (`{name: x, $patch: delete}` removes the
 *    element; `{$patch: replace}` replaces the whole list); `$patch: merge` is refused as
 *    upstream refuses it; `$retainKeys: [...]` drops every other key of the live object;
 *    `$deleteFromPrimitiveList/<field>: [...]` removes scalars; `$setElementOrder/<field>`
 *    gives the order of the merged list (strategic-list-order.ts).
 *
 * Malformed patches fail with upstream's codes and texts (patch-errors.ts).
 */
import type { Schema, SchemaType, StructDef } from "../schema/schema.js";
import { goTypeName } from "./go-format.js";
import {
  cloneJson, deleteMember, exceedsNesting, hasMember, isJsonMap, jsonKind, setMember,
  type JsonMap,
} from "./json-value.js";
import {
  badArgType, badPatchFormatForPrimitiveList, badPatchFormatForRetainKeys,
  badPatchFormatForSetElementOrderList, badPatchType, noMergeKey, patchBadRequest, patchServerError,
} from "./patch-errors.js";
import { applyElementDirectives, deleteScalars, uniqueScalars } from "./strategic-list-directives.js";
import {
  MergeKeyIndex, normalizeElementOrder, partitionByPresence, sliceElementKind, validateElementOrder,
} from "./strategic-list-order.js";
import { goKind, otherStrategy, PatchSchema } from "./strategic-patch-meta.js";

const directiveMarker = "$patch";
const retainKeysDirective = "$retainKeys";
const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
const setElementOrderPrefix = "$setElementOrder";

/**
 * Applies a strategic merge patch to `original`, an object of the type `root` describes,
 * and returns the patched copy. A null patch changes nothing. Neither input is modified.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: Schema, root: StructDef): unknown {
  if (patch === null) return cloneJson(original);
  const tooDeep = exceedsNesting(patch);
  if (tooDeep) throw patchBadRequest(`invalid character '${tooDeep}' exceeded max depth`);
  if (!isJsonMap(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  if (!isJsonMap(original)) throw badArgType("map", original);
  if (exceedsNesting(original)) throw patchServerError("the object to patch is nested too deeply");
  const merger = new StrategicMerger(new PatchSchema(schema, root));
  // Both are copied once up front: the merge then edits them in place as upstream does.
  return merger.mergeMap(cloneJson(original) as JsonMap, cloneJson(patch) as JsonMap, merger.schema.rootType);
}

/** A merged list, and the live list as upstream's ordering step sees it afterwards. */
interface ListMerge {
  readonly merged: unknown[];
  readonly liveView: unknown[];
}

class StrategicMerger {
  constructor(readonly schema: PatchSchema) {}

  /** `mergeMap`: merges `patch` into `original` (both private copies) for struct `node`. */
  mergeMap(original: JsonMap, patch: JsonMap, node: SchemaType): JsonMap {
    if (hasMember(patch, directiveMarker)) return mapDirective(patch);
    applyRetainKeys(original, patch);
    this.mergeOrderedLists(original, patch, node);

    for (const patchKey of Object.keys(patch)) {
      const patchValue = patch[patchKey];
      let key = patchKey;
      let isDeleteList = false;
      if (patchKey.startsWith(deleteFromPrimitiveListPrefix)) {
        key = directiveField(patchKey, deleteFromPrimitiveListPrefix, badPatchFormatForPrimitiveList);
        isDeleteList = true;
      }
      if (patchValue === null) {
        deleteMember(original, key);
        continue;
      }
      if (!hasMember(original, key) || goTypeName(original[key]) !== goTypeName(patchValue)) {
        if (!isDeleteList) storePatchValue(original, key, patchValue);
        continue;
      }
      const originalValue = original[key];
      if (isJsonMap(originalValue)) {
        const { type, meta } = this.schema.field(node, key);
        const strategy = otherStrategy(meta);
        setMember(original, key,
          strategy === "replace" ? patchValue : this.mergeMap(originalValue, patchValue as JsonMap, type));
      } else if (Array.isArray(originalValue)) {
        const { type, meta } = this.schema.listField(node, key);
        const { merged } = this.mergeListField(originalValue, patchValue as unknown[], type, otherStrategy(meta), meta.mergeKey, isDeleteList);
        setMember(original, key, merged);
      } else {
        setMember(original, key, patchValue);
      }
    }
    return original;
  }

  /** `mergeSliceHandler`: only `merge` lists (and deletion lists) merge; others are replaced. */
  private mergeListField(original: unknown[], patch: unknown[], elementType: SchemaType, strategy: string, mergeKey: string, isDeleteList: boolean): ListMerge {
    if (strategy === "merge" || isDeleteList) return this.mergeList(original, patch, elementType, mergeKey, isDeleteList);
    return { merged: patch, liveView: original };
  }

  /** `mergeSlice`. */
  private mergeList(original: unknown[], patch: unknown[], elementType: SchemaType, mergeKey: string, isDeleteList: boolean): ListMerge {
    if (original.length === 0 && patch.length === 0) return { merged: original, liveView: original };
    const kind = sliceElementKind([original, patch]);
    if (kind !== "map") {
      if (isDeleteList) return { merged: deleteScalars(original, patch), liveView: original };
      const merged = uniqueScalars(original.concat(patch));
      const parts = partitionByPresence(merged, patch, mergeKey);
      return { merged: normalizeElementOrder(parts.named, parts.serverOnly, patch, original, mergeKey, kind), liveView: original };
    }
    if (mergeKey === "") throw patchServerError(`cannot merge lists without merge key for ${goKind(elementType)}`);
    const { survivors, plain, replace, staleTail } = applyElementDirectives(original, patch, mergeKey);
    // After `$patch: replace` the plain elements are the whole list and nothing is merged.
    const live = replace ? plain : survivors;
    const named = replace ? [] : plain;
    const merged = this.mergeElements(live, named, mergeKey, elementType);
    const parts = partitionByPresence(merged, named, mergeKey);
    // Upstream's later $setElementOrder step reads the live list's backing array, where
    // appended elements took the slots deleted ones freed (strategic-list-directives.ts).
    const appended = merged.slice(live.length, live.length + staleTail.length);
    const liveView = survivors.concat(appended, staleTail.slice(appended.length));
    return { merged: normalizeElementOrder(parts.named, parts.serverOnly, named, live, mergeKey, kind), liveView };
  }

  /** `mergeSliceWithoutSpecialElements`: merges each patch element into its match or appends it. */
  private mergeElements(live: unknown[], patch: readonly unknown[], mergeKey: string, elementType: SchemaType): unknown[] {
    const merged = live.slice();
    const index = new MergeKeyIndex(mergeKey, merged);
    for (const element of patch) {
      const m = element as JsonMap;
      if (!hasMember(m, mergeKey)) throw noMergeKey(m, mergeKey);
      const at = index.find(m[mergeKey]);
      if (at === undefined) {
        index.add(m, merged.length);
        merged.push(m);
      } else {
        merged[at] = this.mergeMap(merged[at] as JsonMap, m, elementType);
      }
    }
    return merged;
  }

  /**
   * `mergePatchIntoOriginal`: each `$setElementOrder/<field>` merges the field's list (if
   * the patch has one) and then orders it. Both keys leave the patch.
   */
  private mergeOrderedLists(original: JsonMap, patch: JsonMap, node: SchemaType): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(setElementOrderPrefix)) continue;
      const order = patch[key];
      delete patch[key];
      if (!Array.isArray(order)) throw badArgType("slice", order);
      const field = directiveField(key, setElementOrderPrefix, badPatchFormatForSetElementOrderList);
      const foundOriginal = hasMember(original, field);
      const foundPatch = hasMember(patch, field);
      const originalList = foundOriginal ? original[field] : [];
      const patchList = foundPatch ? patch[field] : [];
      if (!Array.isArray(originalList)) throw badArgType("slice", originalList);
      if (!Array.isArray(patchList)) throw badArgType("slice", patchList);
      const { type, meta } = this.schema.listField(node, field);
      const strategy = otherStrategy(meta);
      validateElementOrder(patchList, order, meta.mergeKey);

      let merged: unknown[];
      let liveView = originalList;
      if (foundOriginal && !foundPatch) merged = originalList;
      else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList) as unknown[];
      else if (foundOriginal && foundPatch) {
        ({ merged, liveView } = this.mergeListField(originalList, patchList, type, strategy, meta.mergeKey, false));
      } else continue;

      const parts = partitionByPresence(merged, order, meta.mergeKey);
      const kind = sliceElementKind([liveView, patchList]);
      setMember(original, field, normalizeElementOrder(parts.named, parts.serverOnly, order, liveView, meta.mergeKey, kind));
      deleteMember(patch, field);
    }
  }
}

/** `handleDirectiveInMergeMap`. */
function mapDirective(patch: JsonMap): JsonMap {
  const directive = patch[directiveMarker];
  if (directive === "replace") {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === "delete") return {};
  throw badPatchType(directive, patch);
}

/**
 * `applyRetainKeysDirective`: the patch may only set keys the list names, and the live
 * object keeps only those keys. Upstream honours the directive in any object, whatever the
 * field's strategy says.
 */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!hasMember(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw badPatchFormatForRetainKeys();
  const keep = new Set(retain.filter((k): k is string => typeof k === "string"));
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue;
    if (!keep.has(key)) throw badPatchFormatForRetainKeys();
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** `extractKey`: the field a `$prefix/<field>` directive names. */
function directiveField(key: string, prefix: string, malformed: () => Error): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) throw malformed();
  return key.slice(slash + 1);
}

/** Stores a patch value where there was nothing to merge with. */
function storePatchValue(original: JsonMap, key: string, value: unknown): void {
  discardNullMembers(value);
  const kept = removeDirectives(value);
  if (kept === removed) deleteMember(original, key);
  else setMember(original, key, kept);
}

/** `discardNullValuesFromPatch`: drops null object members at every depth. */
function discardNullMembers(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) discardNullMembers(v);
  } else if (isJsonMap(value)) {
    for (const k of Object.keys(value)) {
      if (value[k] === null) delete value[k];
      else discardNullMembers(value[k]);
    }
  }
}

const removed: unique symbol = Symbol("removed");

/** `removeDirectives`: objects carrying `$patch` disappear, at every depth. */
function removeDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const v of value) {
      const r = removeDirectives(v);
      if (r !== removed) kept.push(r);
    }
    return kept;
  }
  if (!isJsonMap(value)) return value;
  if (hasMember(value, directiveMarker)) return removed;
  for (const k of Object.keys(value)) {
    const r = removeDirectives(value[k]);
    if (r === removed) delete value[k];
    else setMember(value, k, r);
  }
  return value;
}
