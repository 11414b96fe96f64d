/**
 * What DefaultPreemption (framework/plugins/defaultpreemption, framework/preemption) would
 * say when a pod fits no node, computed without evicting anything: the PostFilter part of
 * the FailedScheduling message. For each node that failed with a resolvable status
 * (Unschedulable), it removes the pods of lower priority and filters again:
 *
 * - `preemption: not eligible due to preemptionPolicy=Never.` when the pod may not preempt;
 * - otherwise `preemption: 0/N nodes are available: ...` listing, per node,
 *   `Preemption is not helpful for scheduling` (unresolvable failure),
 *   `No preemption victims found for incoming pod` (no lower-priority pod there), or the
 *   reasons it still fails for with them gone;
 * - "" when evicting victims on some node would make room: upstream then preempts and
 *   writes no PostFilter text. Peapod does not preempt (see index.ts).
 */
import type { Pod } from "../api/index.js";
import { nodeName, unresolvable, type FilterStatus, type NodeInfo } from "./framework.js";
import { fitErrorMessage, type Diagnosis } from "./fit-error.js";

export const preemptionNotHelpful = "Preemption is not helpful for scheduling";
export const noPreemptionVictims = "No preemption victims found for incoming pod";

function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

export function preemptionMessage(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  statusOf: (node: NodeInfo) => FilterStatus,
  runFilters: (pod: Pod, node: NodeInfo) => FilterStatus | undefined,
): string {
  if (pod.spec?.preemptionPolicy === "Never") return "preemption: not eligible due to preemptionPolicy=Never.";
  const diagnosis: Diagnosis = { numAllNodes: allNodes.length, nodeToStatus: new Map(), absentNodesStatus: unresolvable(preemptionNotHelpful) };
  for (const node of allNodes) {
    if (statusOf(node).code === "UnschedulableAndUnresolvable") {
      diagnosis.nodeToStatus.set(nodeName(node), unresolvable(preemptionNotHelpful));
      continue;
    }
    const remaining = node.pods.filter((p) => podPriority(p) >= podPriority(pod));
    if (remaining.length === node.pods.length) {
      diagnosis.nodeToStatus.set(nodeName(node), unresolvable(noPreemptionVictims));
      continue;
    }
    const status = runFilters(pod, { node: node.node, pods: remaining });
    if (status === undefined) return ""; // a preemption candidate exists
    diagnosis.nodeToStatus.set(nodeName(node), status);
  }
  return `preemption: ${fitErrorMessage(diagnosis)}`;
}
