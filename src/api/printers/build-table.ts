/**
 * The `meta.k8s.io/v1` Table body the API server returns for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (apiserver
 * `pkg/endpoints/handlers/response.go` asTable, k8s `pkg/printers/tablegenerator.go`).
 */
import { metadataOf, stringAt, type JsonObject } from "./object-fields.js";
import type { TableColumnDefinition, TablePrinter, TableRow } from "./table.js";

/** The `includeObject` table option; kubectl sends `Object` for --sort-by, else nothing (= Metadata). */
export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableListMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface Table {
  readonly kind: "Table";
  readonly apiVersion: string;
  readonly metadata: TableListMeta;
  readonly columnDefinitions: readonly TableColumnDefinition[];
  readonly rows: readonly TableRow[];
}

export interface BuildTableOptions {
  /** The response time: every AGE and "ago" is measured from it. */
  readonly now: Date;
  readonly includeObject: IncludeObject;
  /**
   * The list's metadata. Leave it out for a single object (a GET, or one watch event):
   * the table then carries that object's resourceVersion, as upstream's table generator.
   */
  readonly listMeta?: TableListMeta;
  /**
   * Watch events after the first carry no column definitions (upstream sets NoHeaders after
   * the first event); kubectl keeps using the columns it already has.
   */
  readonly omitColumnDefinitions?: boolean;
  /** The Table's group version, `meta.k8s.io/v1` unless the client asked for v1beta1. */
  readonly groupVersion?: "meta.k8s.io/v1" | "meta.k8s.io/v1beta1";
}

/** Go's omitempty on ListMeta: empty strings and absent counts are left out. */
function tableMetadata(listMeta: TableListMeta): TableListMeta {
  return {
    ...(listMeta.resourceVersion ? { resourceVersion: listMeta.resourceVersion } : {}),
    ...(listMeta.continue ? { continue: listMeta.continue } : {}),
    ...(listMeta.remainingItemCount !== undefined ? { remainingItemCount: listMeta.remainingItemCount } : {}),
  };
}

function rowObject(obj: JsonObject, includeObject: IncludeObject, groupVersion: string): JsonObject | null {
  switch (includeObject) {
    case "Object":
      return obj;
    case "None":
      // Upstream leaves the RawExtension empty, which encodes as null.
      return null;
    case "Metadata":
      // kubectl reads the namespace (-A) and labels (--show-labels, -L) from here.
      return { kind: "PartialObjectMetadata", apiVersion: groupVersion, metadata: metadataOf(obj) };
  }
}

export function buildTable(printer: TablePrinter, objects: readonly JsonObject[], options: BuildTableOptions): Table {
  const groupVersion = options.groupVersion ?? "meta.k8s.io/v1";
  const listMeta =
    options.listMeta ??
    (objects.length === 1 ? { resourceVersion: stringAt(metadataOf(objects[0]), "resourceVersion") } : {});
  const rows = objects.map((obj): TableRow => {
    const printed = printer.row(obj, options.now);
    const object = rowObject(obj, options.includeObject, groupVersion);
    // Go's omitempty drops an empty conditions list.
    return printed.conditions !== undefined && printed.conditions.length > 0
      ? { cells: printed.cells, conditions: printed.conditions, object }
      : { cells: printed.cells, object };
  });
  return {
    kind: "Table",
    apiVersion: groupVersion,
    metadata: tableMetadata(listMeta),
    columnDefinitions: options.omitColumnDefinitions ? [] : [...printer.columns],
    rows,
  };
}
