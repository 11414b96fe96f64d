/** The ConfigMap row: NAME, DATA (keys in data and binaryData), AGE (upstream `printConfigMap`). */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { metadataOf, sizeAt, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const configMapColumns = columns(
  nameColumn,
  column(
    "Data",
    "string",
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  ),
  ageColumn,
);

function printConfigMap(configMap: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(configMap);
  return {
    cells: [
      stringAt(metadata, "name"),
      sizeAt(configMap, "data") + sizeAt(configMap, "binaryData"),
      translateTimestampSince(metadata["creationTimestamp"], now),
    ],
  };
}

export const configMapPrinter: TablePrinter = Object.freeze({ columns: configMapColumns, row: printConfigMap });
