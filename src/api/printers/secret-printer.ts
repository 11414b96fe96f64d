/** The Secret row: NAME, TYPE, DATA (number of keys), AGE (upstream `printSecret`). */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { metadataOf, objectAt, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const secretColumns = columns(
  nameColumn,
  column(
    "Type",
    "string",
    "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
  ),
  column(
    "Data",
    "string",
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  ),
  ageColumn,
);

function printSecret(secret: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(secret);
  // Upstream prints the internal Secret, into which v1 conversion has merged stringData.
  const keys = new Set([...Object.keys(objectAt(secret, "data")), ...Object.keys(objectAt(secret, "stringData"))]);
  return {
    cells: [
      stringAt(metadata, "name"),
      stringAt(secret, "type"),
      keys.size,
      translateTimestampSince(metadata["creationTimestamp"], now),
    ],
  };
}

export const secretPrinter: TablePrinter = Object.freeze({ columns: secretColumns, row: printSecret });
