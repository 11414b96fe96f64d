/**
 * The text of a FailedScheduling event and of the PodScheduled=False condition, as
 * kube-scheduler 1.32 builds it (framework/types.go FitError.Error):
 *
 *   0/<all nodes> nodes are available: <PreFilter message>.          (when PreFilter rejected)
 *   0/<all nodes> nodes are available: <n> <reason>, <m> <reason>.   (otherwise)
 *   ... followed by " <PostFilter message>" (preemption's own text, which ends in ".")
 *
 * The histogram entries are "<count> <reason>" strings sorted as Go's sort.Strings does
 * (bytewise, so "10 x" sorts before "2 y").
 */
import type { FilterStatus } from "./framework.js";

export const errNoNodesAvailable = "no nodes available to schedule pods";

/** Upstream Diagnosis: a status per filtered node, and one for the nodes never filtered. */
export interface Diagnosis {
  numAllNodes: number;
  nodeToStatus: Map<string, FilterStatus>;
  /** The status of every node missing from nodeToStatus (upstream AbsentNodesStatus). */
  absentNodesStatus?: FilterStatus;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/** How many nodes gave each reason. */
export function reasonsHistogram(d: Diagnosis): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const status of d.nodeToStatus.values()) for (const r of status.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
  const absent = d.numAllNodes - d.nodeToStatus.size;
  if (absent > 0 && d.absentNodesStatus) {
    for (const r of d.absentNodesStatus.reasons) reasons[r] = (reasons[r] ?? 0) + absent;
  }
  return reasons;
}

export function fitErrorMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    // Every node carries the PreFilter status then; listing them too would repeat it.
    msg += ` ${d.preFilterMsg}.`;
  } else {
    // Plain code-unit order equals Go's byte order for these ASCII strings.
    const histogram = Object.entries(reasonsHistogram(d)).map(([reason, n]) => `${n} ${reason}`).sort();
    if (histogram.length > 0) msg += ` ${histogram.join(", ")}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
