/**
 * NodeUnschedulable filter (pkg/scheduler/framework/plugins/nodeunschedulable): a cordoned
 * node (spec.unschedulable) takes no new pod unless the pod tolerates the taint that
 * cordoning stands for, node.kubernetes.io/unschedulable:NoSchedule.
 */
import type { Pod } from "../api/index.js";
import { unresolvable, type FilterPlugin, type NodeInfo } from "./framework.js";
import { tolerationsTolerateTaint } from "./taint-toleration.js";

export const errReasonUnschedulable = "node(s) were unschedulable";

const unschedulableTaint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export const nodeUnschedulableFilter: FilterPlugin = {
  name: "NodeUnschedulable",
  filter(pod: Pod, nodeInfo: NodeInfo) {
    if (!nodeInfo.node.spec?.unschedulable) return undefined;
    return tolerationsTolerateTaint(pod.spec?.tolerations, unschedulableTaint) ? undefined : unresolvable(errReasonUnschedulable);
  },
};
