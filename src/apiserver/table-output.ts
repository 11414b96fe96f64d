/**
 * Server-side printing (kubectl-protocol.md §4.2): the meta.k8s.io/v1 Table kubectl asks
 * for in its human-readable modes, with the row object as `includeObject` requests
 * (PartialObjectMetadata by default).
 */
import { BadRequestError, buildTable, printerFor, type IncludeObject, type KubeObject, type Table } from "../api/index.js";
import type { ResourceEntry } from "./resources/resource-entry.js";

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get("includeObject") ?? "";
  if (v === "") return "Metadata";
  if (v === "Metadata" || v === "Object" || v === "None") return v;
  throw new BadRequestError(`includeObject: must be 'Metadata', 'Object', 'None', or empty`);
}

export function toTable(
  entry: ResourceEntry,
  objects: readonly KubeObject[],
  query: URLSearchParams,
  listMeta: { resourceVersion: string; continue?: string; remainingItemCount?: number },
  omitColumnDefinitions = false,
): Table {
  return buildTable(printerFor(entry.type.group, entry.type.kind), objects, {
    now: new Date(),
    includeObject: includeObjectOf(query),
    listMeta,
    omitColumnDefinitions,
  });
}
