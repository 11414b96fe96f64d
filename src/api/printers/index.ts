/**
 * Server-side printing: which printer serves a kind, and the Table body built from it.
 * Kinds are keyed by API group and kind; the group's versions share one printer, as
 * upstream prints from the internal (unversioned) type.
 */
import { configMapPrinter } from "./config-map-printer.js";
import { cronJobPrinter } from "./cron-job-printer.js";
import { daemonSetPrinter } from "./daemon-set-printer.js";
import { defaultPrinter } from "./default-printer.js";
import { deploymentPrinter } from "./deployment-printer.js";
import { endpointsPrinter } from "./endpoints-printer.js";
import { eventPrinter, eventsV1EventPrinter } from "./event-printer.js";
import { jobPrinter } from "./job-printer.js";
import { leasePrinter } from "./lease-printer.js";
import { namespacePrinter } from "./namespace-printer.js";
import { nodePrinter } from "./node-printer.js";
import { podPrinter } from "./pod-printer.js";
import { replicaSetPrinter } from "./replica-set-printer.js";
import { secretPrinter } from "./secret-printer.js";
import { serviceAccountPrinter } from "./service-account-printer.js";
import { servicePrinter } from "./service-printer.js";
import { statefulSetPrinter } from "./stateful-set-printer.js";
import type { TablePrinter } from "./table.js";

export { buildTable } from "./build-table.js";
export type { BuildTableOptions, IncludeObject, Table, TableListMeta } from "./build-table.js";
export type {
  PrintedRow,
  TableCell,
  TableColumnDefinition,
  TablePrinter,
  TableRow,
  TableRowCondition,
} from "./table.js";
export { humanDuration, shortHumanDuration, translateTimestampSince } from "./human-duration.js";
export { formatLabels } from "./label-selector-text.js";
export { defaultPrinter };

/** One printer per group/kind; the key is `<group>/<kind>`, the core group being "". */
const printers: ReadonlyMap<string, TablePrinter> = new Map([
  ["/Pod", podPrinter],
  ["/Node", nodePrinter],
  ["/Namespace", namespacePrinter],
  ["/Event", eventPrinter],
  ["/ConfigMap", configMapPrinter],
  ["/Secret", secretPrinter],
  ["/ServiceAccount", serviceAccountPrinter],
  ["/Service", servicePrinter],
  ["/Endpoints", endpointsPrinter],
  ["events.k8s.io/Event", eventsV1EventPrinter],
  ["coordination.k8s.io/Lease", leasePrinter],
  ["apps/Deployment", deploymentPrinter],
  ["apps/ReplicaSet", replicaSetPrinter],
  ["apps/StatefulSet", statefulSetPrinter],
  ["apps/DaemonSet", daemonSetPrinter],
  ["batch/Job", jobPrinter],
  ["batch/CronJob", cronJobPrinter],
]);

/** The printer for a kind; kinds without one get NAME and CREATED AT, as upstream's default convertor. */
export function printerFor(group: string, kind: string): TablePrinter {
  return printers.get(`${group}/${kind}`) ?? defaultPrinter;
}
