/**
 * Kinds without a printer of their own get upstream's default table convertor
 * (apiserver `pkg/registry/rest/table.go`): NAME and CREATED AT, the creation time in
 * RFC 3339 (UTC, whole seconds) rather than an age.
 */
import { formatTime } from "../meta/object.js";
import { creationTimestampDescription, nameColumn } from "./common-columns.js";
import { parseTimestamp } from "./human-duration.js";
import { metadataOf, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const defaultColumns = columns(nameColumn, column("Created At", "date", creationTimestampDescription));

/** Go's zero time, which a missing creationTimestamp formats as. */
const zeroTimeText = "0001-01-01T00:00:00Z";

function printDefault(obj: JsonObject): PrintedRow {
  const metadata = metadataOf(obj);
  const created = parseTimestamp(metadata["creationTimestamp"]);
  return {
    cells: [stringAt(metadata, "name"), created === undefined ? zeroTimeText : formatTime(new Date(created))],
  };
}

export const defaultPrinter: TablePrinter = Object.freeze({ columns: defaultColumns, row: printDefault });
