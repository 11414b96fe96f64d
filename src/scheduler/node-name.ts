/**
 * NodeName filter (pkg/scheduler/framework/plugins/nodename): a pod that names a node fits
 * only that node. The scheduler never sees such pods in practice (they are bound already),
 * but the filter keeps the rule in one place, as upstream does.
 */
import type { Pod } from "../api/index.js";
import { nodeName, unresolvable, type FilterPlugin, type NodeInfo } from "./framework.js";

export const errReasonNodeName = "node(s) didn't match the requested node name";

export const nodeNameFilter: FilterPlugin = {
  name: "NodeName",
  filter(pod: Pod, nodeInfo: NodeInfo) {
    const wanted = pod.spec?.nodeName ?? "";
    return wanted === "" || wanted === nodeName(nodeInfo) ? undefined : unresolvable(errReasonNodeName);
  },
};
