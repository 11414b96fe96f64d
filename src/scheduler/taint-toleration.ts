/**
 * TaintToleration filter (pkg/scheduler/framework/plugins/tainttoleration) and the toleration
 * matching rules of k8s.io/api/core/v1 toleration.go. Only NoSchedule and NoExecute taints
 * keep a pod off a node; the node lifecycle controller's `node.kubernetes.io/not-ready` and
 * `unreachable` taints are ordinary taints here, which is how a NotReady node is excluded.
 */
import { toleratesTaint, type Pod, type Taint, type Toleration } from "../api/index.js";
import { unresolvable, type FilterPlugin, type NodeInfo } from "./framework.js";

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

function blocksScheduling(taint: Taint): boolean {
  return taint.effect === "NoSchedule" || taint.effect === "NoExecute";
}

/** The first taint, in the node's order, that blocks scheduling and is not tolerated (upstream FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined): Taint | undefined {
  return (taints ?? []).find((taint) => blocksScheduling(taint) && !tolerationsTolerateTaint(tolerations, taint));
}

export const taintTolerationFilter: FilterPlugin = {
  name: "TaintToleration",
  filter(pod: Pod, nodeInfo: NodeInfo) {
    const taint = firstUntoleratedTaint(nodeInfo.node.spec?.taints, pod.spec?.tolerations);
    if (taint === undefined) return undefined;
    return unresolvable(`node(s) had untolerated taint {${taint.key ?? ""}: ${taint.value ?? ""}}`);
  },
};

/**
 * TaintToleration score before normalising: how many PreferNoSchedule taints of the node
 * the pod does not tolerate. Only tolerations with no effect or PreferNoSchedule count
 * (upstream getAllTolerationPreferNoSchedule, countIntolerableTaintsPreferNoSchedule).
 */
export function intolerablePreferNoScheduleTaints(pod: Pod, nodeInfo: NodeInfo): number {
  const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
  return (nodeInfo.node.spec?.taints ?? []).filter((taint) => taint.effect === "PreferNoSchedule" && !tolerationsTolerateTaint(tolerations, taint)).length;
}
