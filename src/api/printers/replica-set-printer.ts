/**
 * The ReplicaSet row (apps): NAME, DESIRED, CURRENT, READY, AGE and, wide, CONTAINERS,
 * IMAGES, SELECTOR (upstream `printReplicaSet`).
 */
import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { formatLabelSelector } from "./label-selector-text.js";
import { integerAt, metadataOf, objectAt, optionalIntegerAt, stringAt, type JsonObject } from "./object-fields.js";
import { containerCells } from "./pod-template-cells.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const replicaSetColumns = columns(
  nameColumn,
  column(
    "Desired",
    "integer",
    "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
  ),
  column(
    "Current",
    "integer",
    "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
  ),
  column("Ready", "integer", "The number of ready replicas for this replica set."),
  ageColumn,
  containersColumn,
  imagesColumn,
  column(
    "Selector",
    "string",
    "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    { priority: 1 },
  ),
);

function printReplicaSet(replicaSet: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(replicaSet);
  const spec = objectAt(replicaSet, "spec");
  const status = objectAt(replicaSet, "status");
  const { names, images } = containerCells(objectAt(spec, "template"));
  return {
    cells: [
      stringAt(metadata, "name"),
      // spec.replicas defaults to 1 (apps/v1 SetDefaults_ReplicaSet).
      optionalIntegerAt(spec, "replicas") ?? 1,
      integerAt(status, "replicas"),
      integerAt(status, "readyReplicas"),
      translateTimestampSince(metadata["creationTimestamp"], now),
      names,
      images,
      formatLabelSelector(spec["selector"]),
    ],
  };
}

export const replicaSetPrinter: TablePrinter = Object.freeze({ columns: replicaSetColumns, row: printReplicaSet });
