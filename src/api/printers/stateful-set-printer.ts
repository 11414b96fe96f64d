/** The StatefulSet row (apps): NAME, READY (`ready/desired`), AGE and, wide, CONTAINERS, IMAGES (upstream `printStatefulSet`). */
import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { integerAt, metadataOf, objectAt, optionalIntegerAt, stringAt, type JsonObject } from "./object-fields.js";
import { containerCells } from "./pod-template-cells.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const statefulSetColumns = columns(
  nameColumn,
  column("Ready", "string", "Number of the pod with ready state"),
  ageColumn,
  containersColumn,
  imagesColumn,
);

function printStatefulSet(statefulSet: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(statefulSet);
  const spec = objectAt(statefulSet, "spec");
  // spec.replicas defaults to 1 (apps/v1 SetDefaults_StatefulSet).
  const desired = optionalIntegerAt(spec, "replicas") ?? 1;
  const { names, images } = containerCells(objectAt(spec, "template"));
  return {
    cells: [
      stringAt(metadata, "name"),
      `${integerAt(objectAt(statefulSet, "status"), "readyReplicas")}/${desired}`,
      translateTimestampSince(metadata["creationTimestamp"], now),
      names,
      images,
    ],
  };
}

export const statefulSetPrinter: TablePrinter = Object.freeze({ columns: statefulSetColumns, row: printStatefulSet });
