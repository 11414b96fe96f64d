/**
 * The Pod row of `kubectl get pods`: NAME, READY, STATUS, RESTARTS, AGE and, wide, IP,
 * NODE, NOMINATED NODE, READINESS GATES. Follows `printPod` in k8s 1.32
 * `pkg/printers/internalversion/printers.go`; the rules are summarised in
 * shared/pod-semantics.md section D.
 */
import { isRestartableInitContainer } from "../core/v1/container-kinds.js";
import { ageColumn, nameColumn } from "./common-columns.js";
import { humanDuration, parseTimestamp, translateTimestampSince } from "./human-duration.js";
import {
  booleanAt,
  integerAt,
  lengthAt,
  metadataOf,
  objectAt,
  objectsAt,
  optionalObjectAt,
  stringAt,
  type JsonObject,
} from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter, type TableRowCondition } from "./table.js";

const podColumns = columns(
  nameColumn,
  column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
  column("Status", "string", "The aggregate status of the containers in this pod."),
  column(
    "Restarts",
    "string",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  ageColumn,
  column(
    "IP",
    "string",
    "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    { priority: 1 },
  ),
  column(
    "Node",
    "string",
    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
    { priority: 1 },
  ),
  column(
    "Nominated Node",
    "string",
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
    { priority: 1 },
  ),
  column(
    "Readiness Gates",
    "string",
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
    { priority: 1 },
  ),
);

/** Finished pods carry a `Completed` row condition (upstream podSuccessConditions / podFailedConditions). */
const podSucceededConditions: readonly TableRowCondition[] = Object.freeze([
  Object.freeze({ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }),
]);
const podFailedConditions: readonly TableRowCondition[] = Object.freeze([
  Object.freeze({ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }),
]);

/** The status.reason the node lifecycle controller sets on pods of an unreachable node. */
const nodeUnreachablePodReason = "NodeLost";

/** A native sidecar (KEP-753): an init container with restartPolicy Always. */

function conditionStatus(conditions: readonly JsonObject[], type: string): string | undefined {
  const found = conditions.find((c) => stringAt(c, "type") === type);
  return found === undefined ? undefined : stringAt(found, "status");
}

/** The later of two optional instants; an absent (zero) time never wins, as Go's Before on zero times. */
function later(current: number | undefined, candidate: number | undefined): number | undefined {
  if (candidate === undefined) return current;
  if (current === undefined || current < candidate) return candidate;
  return current;
}

function lastTerminationFinishedAt(containerStatus: JsonObject): number | undefined {
  const terminated = optionalObjectAt(objectAt(containerStatus, "lastState"), "terminated");
  return terminated === undefined ? undefined : parseTimestamp(terminated["finishedAt"]);
}

/** `Signal:N` or `ExitCode:N` for a terminated state without a reason. */
function unnamedTermination(terminated: JsonObject): string {
  const signal = integerAt(terminated, "signal");
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${integerAt(terminated, "exitCode")}`;
}

function wideCells(pod: JsonObject, conditions: readonly JsonObject[]): string[] {
  const spec = objectAt(pod, "spec");
  const status = objectAt(pod, "status");
  // The internal PodStatus built from v1 takes podIP first and podIPs[0] only when podIP
  // is empty (k8s pkg/apis/core/v1/conversion.go Convert_v1_PodStatus_To_core_PodStatus).
  const podIP = stringAt(status, "podIP") || stringAt(objectsAt(status, "podIPs")[0], "ip");
  const gates = objectsAt(spec, "readinessGates");
  let readinessGates = "<none>";
  if (gates.length > 0) {
    const trueGates = gates.filter((g) => conditionStatus(conditions, stringAt(g, "conditionType")) === "True");
    readinessGates = `${trueGates.length}/${gates.length}`;
  }
  return [
    podIP || "<none>",
    stringAt(spec, "nodeName") || "<none>",
    stringAt(status, "nominatedNodeName") || "<none>",
    readinessGates,
  ];
}

function printPod(pod: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(pod);
  const spec = objectAt(pod, "spec");
  const status = objectAt(pod, "status");
  const conditions = objectsAt(status, "conditions");
  const phase = stringAt(status, "phase");
  const statusReason = stringAt(status, "reason");

  let reason = statusReason !== "" ? statusReason : phase;
  const gated = conditions.some(
    (c) => stringAt(c, "type") === "PodScheduled" && stringAt(c, "reason") === "SchedulingGated",
  );
  if (gated) reason = "SchedulingGated";

  const initSpecs = objectsAt(spec, "initContainers");
  const initByName = new Map(initSpecs.map((c) => [stringAt(c, "name"), c] as const));
  // Sidecars count in READY's total because they keep running beside the app containers.
  const totalContainers = lengthAt(spec, "containers") + initSpecs.filter(isRestartableInitContainer).length;

  let readyContainers = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let sidecarRestarts = 0;
  let lastSidecarRestart: number | undefined;

  // Init containers run in order; the first one that is not done decides the STATUS.
  let initializing = false;
  const initStatuses = objectsAt(status, "initContainerStatuses");
  for (const [i, cs] of initStatuses.entries()) {
    const restartCount = integerAt(cs, "restartCount");
    const finishedAt = lastTerminationFinishedAt(cs);
    restarts += restartCount;
    lastRestart = later(lastRestart, finishedAt);
    const sidecar = isRestartableInitContainer(initByName.get(stringAt(cs, "name")));
    if (sidecar) {
      sidecarRestarts += restartCount;
      lastSidecarRestart = later(lastSidecarRestart, finishedAt);
    }
    const state = objectAt(cs, "state");
    const terminated = optionalObjectAt(state, "terminated");
    const waiting = optionalObjectAt(state, "waiting");
    const waitingReason = stringAt(waiting, "reason");
    if (terminated !== undefined && integerAt(terminated, "exitCode") === 0) continue;
    if (sidecar && booleanAt(cs, "started")) {
      if (booleanAt(cs, "ready")) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      const terminatedReason = stringAt(terminated, "reason");
      reason = terminatedReason !== "" ? `Init:${terminatedReason}` : `Init:${unnamedTermination(terminated)}`;
    } else if (waitingReason !== "" && waitingReason !== "PodInitializing") {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  // Once the pod has been initialized (even if a sidecar has since failed), the app
  // containers speak, and restarts of regular init containers no longer count.
  if (!initializing || conditionStatus(conditions, "Initialized") === "True") {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const appStatuses = objectsAt(status, "containerStatuses");
    // Walked from last to first, so the first container with a reason has the last word.
    for (let i = appStatuses.length - 1; i >= 0; i--) {
      const cs = appStatuses[i]!;
      restarts += integerAt(cs, "restartCount");
      lastRestart = later(lastRestart, lastTerminationFinishedAt(cs));
      const state = objectAt(cs, "state");
      const terminated = optionalObjectAt(state, "terminated");
      const waitingReason = stringAt(optionalObjectAt(state, "waiting"), "reason");
      const terminatedReason = stringAt(terminated, "reason");
      if (waitingReason !== "") {
        reason = waitingReason;
      } else if (terminated !== undefined && terminatedReason !== "") {
        reason = terminatedReason;
      } else if (terminated !== undefined) {
        reason = unnamedTermination(terminated);
      } else if (booleanAt(cs, "ready") && optionalObjectAt(state, "running") !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A container that exited 0 beside others still serving is not a completed pod.
    if (reason === "Completed" && hasRunning) {
      const podReady = conditions.some((c) => stringAt(c, "type") === "Ready" && stringAt(c, "status") === "True");
      reason = podReady ? "Running" : "NotReady";
    }
  }

  // A finished pod being deleted keeps its final status (k8s PR #122038, 1.31).
  const deleting = typeof metadata["deletionTimestamp"] === "string";
  if (deleting && statusReason === nodeUnreachablePodReason) {
    reason = "Unknown";
  } else if (deleting && phase !== "Succeeded" && phase !== "Failed") {
    reason = "Terminating";
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }

  const cells = [
    stringAt(metadata, "name"),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsText,
    translateTimestampSince(metadata["creationTimestamp"], now),
    ...wideCells(pod, conditions),
  ];
  if (phase === "Succeeded") return { cells, conditions: podSucceededConditions };
  if (phase === "Failed") return { cells, conditions: podFailedConditions };
  return { cells };
}

export const podPrinter: TablePrinter = Object.freeze({ columns: podColumns, row: printPod });
