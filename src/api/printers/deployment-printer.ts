/**
 * The Deployment row (apps): NAME, READY (`ready/desired`), UP-TO-DATE, AVAILABLE, AGE and,
 * wide, CONTAINERS, IMAGES, SELECTOR (upstream `printDeployment`).
 */
import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { labelSelectorText } from "./label-selector-text.js";
import { integerAt, metadataOf, objectAt, optionalIntegerAt, stringAt, type JsonObject } from "./object-fields.js";
import { containerCells } from "./pod-template-cells.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const deploymentColumns = columns(
  nameColumn,
  column("Ready", "string", "Number of the pod with ready state"),
  column(
    "Up-to-date",
    "string",
    "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
  ),
  column(
    "Available",
    "string",
    "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
  ),
  ageColumn,
  containersColumn,
  imagesColumn,
  column(
    "Selector",
    "string",
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    { priority: 1 },
  ),
);

function printDeployment(deployment: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(deployment);
  const spec = objectAt(deployment, "spec");
  const status = objectAt(deployment, "status");
  // spec.replicas defaults to 1 (apps/v1 SetDefaults_Deployment); stored objects have it.
  const desired = optionalIntegerAt(spec, "replicas") ?? 1;
  const { names, images } = containerCells(objectAt(spec, "template"));
  // Unlike the other workloads, upstream prints the bare selector text here: empty, not <none>.
  const selector = labelSelectorText(spec["selector"]) ?? "<invalid>";
  return {
    cells: [
      stringAt(metadata, "name"),
      `${integerAt(status, "readyReplicas")}/${desired}`,
      integerAt(status, "updatedReplicas"),
      integerAt(status, "availableReplicas"),
      translateTimestampSince(metadata["creationTimestamp"], now),
      names,
      images,
      selector,
    ],
  };
}

export const deploymentPrinter: TablePrinter = Object.freeze({ columns: deploymentColumns, row: printDeployment });
