/**
 * The `meta.k8s.io/v1` Table types and the contract of a server-side printer.
 *
 * kubectl 1.32 computes no columns for built-in kinds: it asks the server for a Table and
 * prints the cells it gets (k8s `pkg/printers/internalversion/printers.go` on the server,
 * cli-runtime `pkg/printers/tableprinter.go` on the client). A printer is therefore a pure
 * function from one stored object to one row, plus the fixed column definitions.
 *
 * Column definitions must be constants: kubectl compares the definitions of a watch event
 * with those of the list it printed first (reflect.DeepEqual, descriptions included) and
 * prints a new header when they differ.
 */
import type { JsonObject } from "./object-fields.js";

export interface TableColumnDefinition {
  readonly name: string;
  /** An OpenAPI type: `string`, `integer`, `number`, `boolean` or `date`. */
  readonly type: string;
  /** `name` marks the column where kubectl writes `kind/name` for multi-kind output. */
  readonly format: string;
  readonly description: string;
  /** 0 for default output; columns above 0 appear only with `-o wide`. */
  readonly priority: number;
}

/** Cells hold what upstream's Go printer appends: strings, int64 counts and booleans. */
export type TableCell = string | number | boolean;

export interface TableRowCondition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason?: string;
  readonly message?: string;
}

/** What a printer produces for one object; the object itself is attached by buildTable. */
export interface PrintedRow {
  readonly cells: TableCell[];
  readonly conditions?: readonly TableRowCondition[];
}

export interface TableRow extends PrintedRow {
  /** The full object, its PartialObjectMetadata, or null (includeObject=None). */
  readonly object: JsonObject | null;
}

export interface TablePrinter {
  /** Every column, wide ones included: the server always prints as if `-o wide`. */
  readonly columns: readonly TableColumnDefinition[];
  /** One row; `now` is the response time from which ages are computed. Never throws. */
  row(obj: JsonObject, now: Date): PrintedRow;
}

/** A column definition with upstream's defaults for the fields a Go literal leaves out. */
export function column(
  name: string,
  type: string,
  description: string,
  options: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return Object.freeze({
    name,
    type,
    format: options.format ?? "",
    description,
    priority: options.priority ?? 0,
  });
}

/** Freezes a column list so no caller can change what every later table must repeat. */
export function columns(...defs: TableColumnDefinition[]): readonly TableColumnDefinition[] {
  return Object.freeze(defs);
}
