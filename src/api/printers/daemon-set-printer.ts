/**
 * The DaemonSet row (apps): NAME, DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE,
 * NODE SELECTOR, AGE and, wide, CONTAINERS, IMAGES, SELECTOR (upstream `printDaemonSet`).
 */
import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { formatLabels, formatLabelSelector } from "./label-selector-text.js";
import { integerAt, metadataOf, objectAt, stringAt, stringMapAt, type JsonObject } from "./object-fields.js";
import { containerCells } from "./pod-template-cells.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const daemonSetColumns = columns(
  nameColumn,
  column(
    "Desired",
    "integer",
    "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
  ),
  column(
    "Current",
    "integer",
    "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
  ),
  column(
    "Ready",
    "integer",
    "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
  ),
  column("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
  column(
    "Available",
    "integer",
    "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
  ),
  column(
    "Node Selector",
    "string",
    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  ),
  ageColumn,
  containersColumn,
  imagesColumn,
  column(
    "Selector",
    "string",
    "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    { priority: 1 },
  ),
);

function printDaemonSet(daemonSet: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(daemonSet);
  const spec = objectAt(daemonSet, "spec");
  const status = objectAt(daemonSet, "status");
  const template = objectAt(spec, "template");
  const { names, images } = containerCells(template);
  return {
    cells: [
      stringAt(metadata, "name"),
      integerAt(status, "desiredNumberScheduled"),
      integerAt(status, "currentNumberScheduled"),
      integerAt(status, "numberReady"),
      integerAt(status, "updatedNumberScheduled"),
      integerAt(status, "numberAvailable"),
      formatLabels(stringMapAt(objectAt(template, "spec"), "nodeSelector")),
      translateTimestampSince(metadata["creationTimestamp"], now),
      names,
      images,
      formatLabelSelector(spec["selector"]),
    ],
  };
}

export const daemonSetPrinter: TablePrinter = Object.freeze({ columns: daemonSetColumns, row: printDaemonSet });
