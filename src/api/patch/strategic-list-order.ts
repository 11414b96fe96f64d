/**
 * The order of a merged list in a strategic merge patch (apimachinery strategicpatch
 * patch.go: normalizeElementOrder, mergeSortedSlice, partition*ByPresentInList; design:
 * design-proposals-archive cli/preserve-order-in-strategic-merge-patch.md).
 *
 * The merged items split into the ones the patch names and the server-only ones. Each
 * part is sorted by its own reference order (the patch, or `$setElementOrder`, for the
 * first; the live list for the second); then the server-only items are woven into the
 * patch items, each placed before the first patch item that the live list has after it.
 * A patch item the live list does not have is placed as soon as it is reached, so items
 * a patch adds without an order land in front.
 *
 * Items of object lists are compared by their merge-key value and scalars by value, with
 * Go's `==`; lookups go through maps so that huge lists cost n log n, not n².
 */
import { goFormat, goTypeName } from "./go-format.js";
import { getMember, hasMember, isJsonMap, type JsonMap } from "./json-value.js";
import { badArgType, noListOfLists, noMergeKey, patchServerError } from "./patch-errors.js";

export type ElementKind = "map" | "scalar";

/** Values Go can compare with `==`; maps and slices would make upstream panic instead. */
function comparable(v: unknown): boolean {
  return v === null || typeof v !== "object";
}

/** The identity an item is ordered by: its merge-key value (null if absent) or itself. */
function identity(item: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind !== "map") return item;
  return isJsonMap(item) ? (getMember(item, mergeKey) ?? null) : null;
}

/** First position of each identity in `list` (upstream's `index`, precomputed). */
function positions(list: readonly unknown[], mergeKey: string, kind: ElementKind): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((item, i) => {
    const id = identity(item, mergeKey, kind);
    if (comparable(id) && !at.has(id)) at.set(id, i);
  });
  return at;
}

function positionOf(at: Map<unknown, number>, item: unknown, mergeKey: string, kind: ElementKind): number | undefined {
  const id = identity(item, mergeKey, kind);
  return comparable(id) ? at.get(id) : undefined;
}

/**
 * `sliceElementType`: the common Go type of the elements of all lists. Lists of lists are
 * a 422; mixed types and all-empty lists are 500s.
 */
export function sliceElementKind(lists: ReadonlyArray<readonly unknown[]>): ElementKind {
  let first: string | undefined;
  let seen = false;
  for (const list of lists) {
    for (const v of list) {
      const type = goTypeName(v);
      if (!seen) {
        seen = true;
        first = type;
        if (Array.isArray(v)) throw noListOfLists();
        // Upstream dereferences the nil type of a null first element and panics.
        if (type === undefined) throw elementTypesDiffer(lists);
      } else if (type !== first) {
        throw elementTypesDiffer(lists);
      }
    }
  }
  if (!seen) throw patchServerError("no elements in any of the given slices");
  return first === "map[string]interface {}" ? "map" : "scalar";
}

function elementTypesDiffer(lists: ReadonlyArray<readonly unknown[]>): Error {
  return patchServerError(`list element types are not identical: ${goFormat(lists)}`);
}

/** `validateMergeKeyInLists`: every item is an object carrying the merge key. */
function requireMergeKeys(mergeKey: string, ...lists: ReadonlyArray<readonly unknown[]>): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonMap(item)) throw badArgType("map", item);
      if (!hasMember(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

export interface Partition {
  readonly named: unknown[];
  readonly serverOnly: unknown[];
}

/** Splits `items` into those `by` names and the rest, keeping their order. */
export function partitionByPresence(items: readonly unknown[], by: readonly unknown[], mergeKey: string): Partition {
  return mergeKey === "" ? partitionScalars(items, by) : partitionMaps(items, by, mergeKey);
}

function partitionScalars(items: readonly unknown[], by: readonly unknown[]): Partition {
  const present = new Set(by.filter(comparable));
  const named: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of items) (comparable(v) && present.has(v) ? named : serverOnly).push(v);
  return { named, serverOnly };
}

function partitionMaps(items: readonly unknown[], by: readonly unknown[], mergeKey: string): Partition {
  // findMapInSliceBasedOnKeyValue scans `by` in order and fails on the first non-object it
  // meets before a match.
  const firstNonMap = by.findIndex((v) => !isJsonMap(v));
  const scanned = firstNonMap < 0 ? by : by.slice(0, firstNonMap);
  const present = new Set<unknown>();
  for (const v of scanned) {
    const m = v as JsonMap;
    if (hasMember(m, mergeKey) && comparable(m[mergeKey])) present.add(m[mergeKey]);
  }
  const named: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of items) {
    if (!isJsonMap(v)) throw badArgType("map", v);
    if (!hasMember(v, mergeKey)) throw noMergeKey(v, mergeKey);
    const value = v[mergeKey];
    if (comparable(value) && present.has(value)) named.push(v);
    else if (firstNonMap >= 0) throw patchServerError(`value for key ${firstNonMap} is not a map`);
    else serverOnly.push(v);
  }
  return { named, serverOnly };
}

/** `normalizeElementOrder`: sorts both parts by their reference order and weaves them. */
export function normalizeElementOrder(
  named: readonly unknown[],
  serverOnly: readonly unknown[],
  namedOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const sortedNamed = sortByOrder(named, namedOrder, mergeKey, kind);
  const sortedServerOnly = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return weave(sortedServerOnly, sortedNamed, serverOrder, mergeKey, kind);
}

/**
 * `normalizeSliceOrder`: a stable sort by position in `order`; items marked
 * `$patch: delete` go last. Items `order` lacks (upstream never produces any from a valid
 * patch, and its comparator is inconsistent for them) keep their relative order at the end.
 */
function sortByOrder(items: readonly unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let kept = items;
  let deletions: unknown[] = [];
  if (kind === "map") {
    requireMergeKeys(mergeKey, items, order);
    kept = items.filter((v) => getMember(v as JsonMap, "$patch") !== "delete");
    deletions = items.filter((v) => getMember(v as JsonMap, "$patch") === "delete");
  }
  const at = positions(order, mergeKey, kind);
  const decorated = kept.map((item, i) => ({ item, i, pos: positionOf(at, item, mergeKey, kind) ?? Infinity }));
  decorated.sort((a, b) => (a.pos === b.pos ? a.i - b.i : a.pos < b.pos ? -1 : 1));
  return decorated.map((d) => d.item).concat(deletions);
}

/** `mergeSortedSlice`: weaves server-only items (`left`) into the patch items (`right`). */
function weave(left: readonly unknown[], right: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const at = positions(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = positionOf(at, left[i], mergeKey, kind);
      const ri = positionOf(at, right[j], mergeKey, kind);
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/**
 * `validatePatchWithSetOrderList`: the items of the patch list (deletions and other
 * directives aside) must appear in `$setElementOrder` in the same relative order.
 */
export function validateElementOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== "") {
    for (const v of patchList) if (!isJsonMap(v)) throw badArgType("map", v);
    items = patchList.filter((v) => getMember(v as JsonMap, "$patch") !== "delete");
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isJsonMap(item) && hasMember(item, "$patch")) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw patchServerError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`);
  }
}

/** `mergeKeyValueEqual`. */
function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === "") return sameScalar(left, right);
  if (!isJsonMap(left)) throw badArgType("map", left);
  if (!isJsonMap(right)) throw badArgType("map", right);
  if (!hasMember(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!hasMember(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return sameScalar(left[mergeKey], right[mergeKey]);
}

/** Go's `==` on two decoded JSON values that are compared as scalars or merge keys. */
function sameScalar(a: unknown, b: unknown): boolean {
  return comparable(a) && comparable(b) && a === b;
}

/** First index of an object in `list` whose merge-key value equals `value`. */
export class MergeKeyIndex {
  private readonly at = new Map<unknown, number>();

  constructor(private readonly mergeKey: string, list: readonly unknown[]) {
    list.forEach((item, i) => this.add(item, i));
  }

  add(item: unknown, i: number): void {
    if (!isJsonMap(item) || !hasMember(item, this.mergeKey)) return;
    const v = item[this.mergeKey];
    if (comparable(v) && !this.at.has(v)) this.at.set(v, i);
  }

  find(value: unknown): number | undefined {
    return comparable(value) ? this.at.get(value) : undefined;
  }
}
