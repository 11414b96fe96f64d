/**
 * The informer's cache (client-go's cache.Indexer): objects by key `namespace/name` (or
 * `name` for cluster-scoped ones), plus named indexes that map a computed value (such as
 * a pod's `spec.nodeName`) to the keys of the objects that have it. Only the informer
 * writes it; everything else reads.
 */
import type { KubeObject } from "../api/index.js";

/** Index values of an object; several or none are allowed (as cache.IndexFunc). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** The cache key client-go's MetaNamespaceKeyFunc gives. */
export function objectKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name ?? ""}` : name ?? "";
}

/** The inverse of objectKey. */
export function splitObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The namespace index every cache may want (cache.MetaNamespaceIndexFunc). */
export const namespaceIndex = <T extends KubeObject>(obj: T): readonly string[] =>
  obj.metadata.namespace ? [obj.metadata.namespace] : [];

export class ObjectCache<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  /** index name → index value → keys */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    for (const name of Object.keys(indexers)) this.indexes.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** The objects whose index `indexName` holds `value`. */
  byIndex(indexName: string, value: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    const out: T[] = [];
    for (const key of index.get(value) ?? []) out.push(this.items.get(key)!);
    return out;
  }

  /** Stores the object; returns the one it replaced. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes the object under the key; returns it. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
