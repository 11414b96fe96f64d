/** The Lease row (coordination.k8s.io): NAME, HOLDER (empty when unheld), AGE (upstream `printLease`). */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { metadataOf, objectAt, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const leaseColumns = columns(
  nameColumn,
  column(
    "Holder",
    "string",
    "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.",
  ),
  ageColumn,
);

function printLease(lease: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(lease);
  return {
    cells: [
      stringAt(metadata, "name"),
      stringAt(objectAt(lease, "spec"), "holderIdentity"),
      translateTimestampSince(metadata["creationTimestamp"], now),
    ],
  };
}

export const leasePrinter: TablePrinter = Object.freeze({ columns: leaseColumns, row: printLease });
