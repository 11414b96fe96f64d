/** The Namespace row: NAME, STATUS (the phase: Active or Terminating), AGE (upstream `printNamespace`). */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { metadataOf, objectAt, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const namespaceColumns = columns(nameColumn, column("Status", "string", "The status of the namespace"), ageColumn);

function printNamespace(namespace: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(namespace);
  return {
    cells: [
      stringAt(metadata, "name"),
      stringAt(objectAt(namespace, "status"), "phase"),
      translateTimestampSince(metadata["creationTimestamp"], now),
    ],
  };
}

export const namespacePrinter: TablePrinter = Object.freeze({ columns: namespaceColumns, row: printNamespace });
