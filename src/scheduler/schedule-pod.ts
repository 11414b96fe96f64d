/**
 * One scheduling decision for one pod (pkg/scheduler/schedule_one.go schedulePod,
 * findNodesThatFitPod), pure: PreFilter, then every filter on every node in upstream's
 * default plugin order, stopping at a node's first failing plugin; then scoring among the
 * nodes that fit, or the FailedScheduling message when none does.
 *
 * Node conditions are not read: a NotReady or unreachable node is kept off by the taints
 * the node lifecycle controller puts on it, exactly as upstream.
 */
import type { Pod } from "../api/index.js";
import { nodeName, statusMessage, unresolvable, type FilterPlugin, type FilterStatus, type NodeInfo } from "./framework.js";
import { errNoNodesAvailable, fitErrorMessage, reasonsHistogram, type Diagnosis } from "./fit-error.js";
import { nodeAffinityFilter, nodeAffinityPreFilter } from "./node-affinity.js";
import { nodeNameFilter } from "./node-name.js";
import { nodePortsFilter } from "./node-ports.js";
import { nodeResourcesFitFilter } from "./node-resources-fit.js";
import { selectHost } from "./node-score.js";
import { nodeUnschedulableFilter } from "./node-unschedulable.js";
import { preemptionMessage } from "./preemption.js";
import { taintTolerationFilter } from "./taint-toleration.js";

export type ScheduleResult =
  | { nodeName: string }
  | {
      unschedulable: true;
      /** The FailedScheduling event message and the PodScheduled condition's message. */
      message: string;
      /** How many nodes failed for each reason, before preemption was considered. */
      reasons: Record<string, number>;
    };

/** Upstream's default filter order (apis/config/v1/default_plugins.go). */
export const defaultFilters: readonly FilterPlugin[] = [
  nodeUnschedulableFilter,
  nodeNameFilter,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
];

/** Upstream RunFilterPlugins: the first plugin that rejects the pod decides. */
export function runFilters(pod: Pod, nodeInfo: NodeInfo): FilterStatus | undefined {
  for (const plugin of defaultFilters) {
    const status = plugin.filter(pod, nodeInfo);
    if (status !== undefined) return status;
  }
  return undefined;
}

function unschedulableResult(pod: Pod, nodes: readonly NodeInfo[], diagnosis: Diagnosis): ScheduleResult {
  const statusOf = (n: NodeInfo): FilterStatus => diagnosis.nodeToStatus.get(nodeName(n)) ?? diagnosis.absentNodesStatus!;
  diagnosis.postFilterMsg = preemptionMessage(pod, nodes, statusOf, runFilters);
  return { unschedulable: true, message: fitErrorMessage(diagnosis), reasons: reasonsHistogram(diagnosis) };
}

export function schedulePod(pod: Pod, nodes: NodeInfo[]): ScheduleResult {
  if (nodes.length === 0) return { unschedulable: true, message: errNoNodesAvailable, reasons: {} };
  const diagnosis: Diagnosis = { numAllNodes: nodes.length, nodeToStatus: new Map() };

  const pre = nodeAffinityPreFilter(pod);
  if (pre.status) {
    diagnosis.absentNodesStatus = pre.status;
    diagnosis.preFilterMsg = statusMessage(pre.status);
    return unschedulableResult(pod, nodes, diagnosis);
  }
  let candidates = nodes;
  if (pre.nodeNames) {
    const names = pre.nodeNames;
    candidates = nodes.filter((n) => names.has(nodeName(n)));
    diagnosis.absentNodesStatus = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  }

  const feasible: NodeInfo[] = [];
  for (const n of candidates) {
    const status = runFilters(pod, n);
    if (status === undefined) feasible.push(n);
    else diagnosis.nodeToStatus.set(nodeName(n), status);
  }
  if (feasible.length > 0) return { nodeName: feasible.length === 1 ? nodeName(feasible[0]!) : selectHost(pod, feasible) };
  return unschedulableResult(pod, nodes, diagnosis);
}
