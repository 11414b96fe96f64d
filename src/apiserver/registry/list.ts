/**
 * LIST with the resourceVersion semantics of the API concepts page: unset or "0" read
 * the current state; `resourceVersionMatch=Exact` reads at exactly that revision (410 when
 * compacted); `limit`/`continue` page through one snapshot.
 */
import { BadRequestError, ExpiredError, type KubeObject } from "../../api/index.js";
import { CompactedError, FutureRevisionError, type KeyValue } from "../../store/index.js";
import { decodeContinue, encodeContinue } from "./continue-token.js";
import type { GenericRegistry } from "./generic-registry.js";

export type ObjectFilter = ((obj: KubeObject) => boolean) & { readonly matchesAll?: boolean };

export interface ListRequest {
  readonly filter: ObjectFilter;
  readonly limit?: number;
  readonly continueToken?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
}

export interface ListResponse<T = KubeObject> {
  readonly items: T[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

/** Reading a page bigger than asked when filtering, so a selective filter needs fewer round trips. */
const filteredPageSize = 500;

export async function listObjects(reg: GenericRegistry, namespace: string, req: ListRequest): Promise<ListResponse> {
  return listItems(reg, namespace, req, (kv) => {
    const obj = reg.fromStored(kv);
    return req.filter(obj) ? obj : undefined;
  });
}

/**
 * The same list as JSON texts, for a JSON response: without selectors the stored bytes
 * are served as they are, never parsed (see object-codec.ts).
 */
export async function listJson(reg: GenericRegistry, namespace: string, req: ListRequest): Promise<ListResponse<string>> {
  return listItems(reg, namespace, req, (kv) => {
    if (req.filter.matchesAll) return reg.storedJson(kv);
    const obj = reg.fromStored(kv);
    return req.filter(obj) ? JSON.stringify(obj) : undefined;
  });
}

async function listItems<T>(
  reg: GenericRegistry,
  namespace: string,
  req: ListRequest,
  select: (kv: KeyValue) => T | undefined,
): Promise<ListResponse<T>> {
  const prefix = reg.prefix(namespace);
  let revision: number | undefined;
  let after: string | undefined;
  if (req.continueToken) {
    if (req.resourceVersion && req.resourceVersion !== "0") {
      throw new BadRequestError("specifying resource version is not allowed when using continue");
    }
    const token = decodeContinue(req.continueToken);
    revision = token.revision;
    after = token.after;
  } else if (req.resourceVersionMatch === "Exact") {
    revision = parseRevision(req.resourceVersion);
  } else if (req.resourceVersionMatch && req.resourceVersionMatch !== "NotOlderThan") {
    throw new BadRequestError(`resourceVersionMatch: Unsupported value: "${req.resourceVersionMatch}": supported values: "Exact", "NotOlderThan"`);
  } else if (req.resourceVersion && req.resourceVersion !== "0") {
    parseRevision(req.resourceVersion);
  }
  const limit = req.limit && req.limit > 0 ? req.limit : undefined;
  const items: T[] = [];
  try {
    for (;;) {
      const want = limit === undefined ? undefined : req.filter.matchesAll ? limit - items.length : Math.max(filteredPageSize, limit);
      const page = await reg.store.list(prefix, {
        ...(revision !== undefined ? { revision } : {}),
        ...(after !== undefined ? { after } : {}),
        ...(want !== undefined ? { limit: want } : {}),
      });
      revision = page.revision;
      for (const kv of page.kvs) {
        after = kv.key;
        const item = select(kv);
        if (item === undefined) continue;
        items.push(item);
        if (limit !== undefined && items.length === limit) {
          const more = page.remaining > 0 || kv !== page.kvs[page.kvs.length - 1];
          if (!more) return { items, resourceVersion: String(revision) };
          const rest = page.remaining + (page.kvs.length - 1 - page.kvs.indexOf(kv));
          return {
            items,
            resourceVersion: String(revision),
            continueToken: encodeContinue({ revision, after: kv.key }),
            ...(req.filter.matchesAll ? { remainingItemCount: rest } : {}),
          };
        }
      }
      if (page.remaining === 0 || page.kvs.length === 0) return { items, resourceVersion: String(revision) };
    }
  } catch (e) {
    if (e instanceof CompactedError) {
      if (req.continueToken) {
        throw new ExpiredError("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
      }
      throw new ExpiredError(`The resourceVersion for the provided list is too old.`);
    }
    if (e instanceof FutureRevisionError) {
      throw new ExpiredError(`Too large resource version: ${e.requested}, current: ${e.current}`);
    }
    throw e;
  }
}

export function parseRevision(rv: string | undefined): number {
  const n = Number(rv);
  if (!rv || !/^\d+$/.test(rv) || !Number.isSafeInteger(n)) {
    // The text of upstream's storage layer (etcd3 ParseResourceVersion via strconv.ParseUint).
    throw new BadRequestError(`resourceVersion: Invalid value: "${rv ?? ""}": strconv.ParseUint: parsing "${rv ?? ""}": invalid syntax`);
  }
  return n;
}
