/**
 * The `$patch` elements of a list of objects in a strategic merge patch
 * (apimachinery strategicpatch patch.go `mergeSliceWithSpecialElements`), and the view of
 * the live list that upstream's later ordering step reads.
 *
 * That view needs care. Upstream deletes elements by shifting the rest of the Go slice
 * left inside the same backing array and then appends the patch's new elements to the
 * shortened slice, which writes them into the freed slots of that array. The
 * `$setElementOrder` step afterwards orders by the live list through its old slice header,
 * so it sees the survivors, then the new elements where deleted ones were, then stale
 * copies. That changes where server-only items (say, a sidecar a webhook injected) land
 * when one apply both deletes and adds containers, so Peapod reproduces it.
 */
import { hasMember, isJsonMap, type JsonMap } from "./json-value.js";
import { badPatchType, noMergeKey, patchServerError } from "./patch-errors.js";

const directiveMarker = "$patch";

export interface ElementDirectives {
  /** The live elements that survive the deletions, in order. */
  readonly survivors: unknown[];
  /** The patch elements without a directive. */
  readonly plain: unknown[];
  /** Whether an element said `$patch: replace`: then `plain` is the whole new list. */
  readonly replace: boolean;
  /**
   * What sits in the live list's backing array past the survivors after the deletions
   * (one slot per deleted element).
   */
  readonly staleTail: unknown[];
}

export function applyElementDirectives(live: readonly unknown[], patch: readonly unknown[], mergeKey: string): ElementDirectives {
  const plain: unknown[] = [];
  let replace = false;
  const deletions = new Deletions(live, mergeKey);
  for (const element of patch) {
    const m = element as JsonMap;
    if (!hasMember(m, directiveMarker)) {
      plain.push(m);
      continue;
    }
    switch (m[directiveMarker]) {
      case "delete":
        if (!hasMember(m, mergeKey)) throw noMergeKey(m, mergeKey);
        deletions.deleteAll(m[mergeKey]);
        break;
      case "replace":
        replace = true;
        break;
      case "merge":
        throw patchServerError("merging lists cannot yet be specified in the patch");
      default:
        throw badPatchType(m[directiveMarker], m);
    }
  }
  return { survivors: deletions.survivors(), plain, replace, staleTail: deletions.staleTail() };
}

/**
 * Upstream's `deleteMatchingEntries` on a Go slice, tracked without moving elements: a
 * deletion shortens the slice by one and leaves in the freed last slot the element that
 * was last before (the deleted one itself if it was last).
 */
class Deletions {
  private readonly alive: boolean[];
  private readonly positions = new Map<unknown, number[]>();
  private readonly freed: unknown[] = [];
  private last: number;

  constructor(private readonly live: readonly unknown[], mergeKey: string) {
    this.alive = live.map(() => true);
    this.last = live.length - 1;
    live.forEach((v, i) => {
      if (!isJsonMap(v) || !hasMember(v, mergeKey)) return;
      const key = v[mergeKey];
      if (key !== null && typeof key === "object") return;
      const at = this.positions.get(key);
      if (at) at.push(i);
      else this.positions.set(key, [i]);
    });
  }

  deleteAll(key: unknown): void {
    if (key !== null && typeof key === "object") return;
    for (const i of this.positions.get(key) ?? []) {
      if (!this.alive[i]) continue;
      this.freed.push(this.live[this.last]);
      this.alive[i] = false;
      while (this.last >= 0 && !this.alive[this.last]) this.last--;
    }
    this.positions.delete(key);
  }

  survivors(): unknown[] {
    return this.live.filter((_, i) => this.alive[i]);
  }

  /** The freed slots from the survivors' end to the old end, in index order. */
  staleTail(): unknown[] {
    return this.freed.slice().reverse();
  }
}

/** `deleteFromSlice`: the live scalars minus those the deletion list names. */
export function deleteScalars(live: readonly unknown[], doomed: readonly unknown[]): unknown[] {
  const gone = new Set(doomed.filter((v) => v === null || typeof v !== "object"));
  return live.filter((v) => !gone.has(v));
}

/** `deduplicateScalars`: each value once (the order is settled later). */
export function uniqueScalars(list: readonly unknown[]): unknown[] {
  return [...new Set(list)];
}
