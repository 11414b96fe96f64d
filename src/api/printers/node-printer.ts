/**
 * The Node row: NAME, STATUS (`Ready`, `NotReady` or `Unknown`, plus `SchedulingDisabled`
 * when cordoned), ROLES, AGE, VERSION and, wide, INTERNAL-IP, EXTERNAL-IP, OS-IMAGE,
 * KERNEL-VERSION, CONTAINER-RUNTIME (upstream `printNode`).
 */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import {
  booleanAt,
  metadataOf,
  objectAt,
  objectsAt,
  stringAt,
  stringMapAt,
  type JsonObject,
} from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const addressesDescription =
  "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

const nodeColumns = columns(
  nameColumn,
  column("Status", "string", "The status of the node"),
  column("Roles", "string", "The roles of the node"),
  ageColumn,
  column("Version", "string", "Kubelet Version reported by the node."),
  column("Internal-IP", "string", addressesDescription, { priority: 1 }),
  column("External-IP", "string", addressesDescription, { priority: 1 }),
  column(
    "OS-Image",
    "string",
    "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
    { priority: 1 },
  ),
  column(
    "Kernel-Version",
    "string",
    "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    { priority: 1 },
  ),
  column(
    "Container-Runtime",
    "string",
    "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
    { priority: 1 },
  ),
);

/** Roles come from `node-role.kubernetes.io/<role>` label keys and the older `kubernetes.io/role=<role>` label. */
const nodeRoleLabelPrefix = "node-role.kubernetes.io/";
const nodeRoleLabel = "kubernetes.io/role";

function nodeRoles(labels: Readonly<Record<string, string>>): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(nodeRoleLabelPrefix)) {
      const role = key.slice(nodeRoleLabelPrefix.length);
      if (role !== "") roles.add(role);
    } else if (key === nodeRoleLabel && value !== "") {
      roles.add(value);
    }
  }
  const sorted = [...roles].sort();
  return sorted.length === 0 ? "<none>" : sorted.join(",");
}

/** Only the Ready condition shows; a node that never reported one is `Unknown`. */
function nodeStatus(node: JsonObject): string {
  let ready: string | undefined;
  for (const c of objectsAt(objectAt(node, "status"), "conditions")) {
    if (stringAt(c, "type") === "Ready") ready = stringAt(c, "status");
  }
  const parts = [ready === undefined ? "Unknown" : ready === "True" ? "Ready" : "NotReady"];
  if (booleanAt(objectAt(node, "spec"), "unschedulable")) parts.push("SchedulingDisabled");
  return parts.join(",");
}

function firstAddress(node: JsonObject, type: string): string {
  const found = objectsAt(objectAt(node, "status"), "addresses").find((a) => stringAt(a, "type") === type);
  return found === undefined ? "<none>" : stringAt(found, "address");
}

function printNode(node: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(node);
  const info = objectAt(objectAt(node, "status"), "nodeInfo");
  return {
    cells: [
      stringAt(metadata, "name"),
      nodeStatus(node),
      nodeRoles(stringMapAt(metadata, "labels")),
      translateTimestampSince(metadata["creationTimestamp"], now),
      stringAt(info, "kubeletVersion"),
      firstAddress(node, "InternalIP"),
      firstAddress(node, "ExternalIP"),
      stringAt(info, "osImage") || "<unknown>",
      stringAt(info, "kernelVersion") || "<unknown>",
      stringAt(info, "containerRuntimeVersion") || "<unknown>",
    ],
  };
}

export const nodePrinter: TablePrinter = Object.freeze({ columns: nodeColumns, row: printNode });
