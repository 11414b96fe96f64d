/**
 * The vocabulary of kube-scheduler's framework (pkg/scheduler/framework) that the filter
 * plugins share: a node with the pods bound to it, and a filter's verdict.
 */
import type { Node, Pod } from "../api/index.js";

/** A node and the pods bound to it that have not terminated (upstream NodeInfo, reduced). */
export interface NodeInfo {
  node: Node;
  pods: Pod[];
}

/**
 * Why a node was rejected. `UnschedulableAndUnresolvable` means evicting pods from the node
 * cannot help, so preemption does not consider it (upstream framework.Code).
 */
export interface FilterStatus {
  code: "Unschedulable" | "UnschedulableAndUnresolvable";
  /** Upstream's reason strings, each counted once in the FailedScheduling message. */
  reasons: string[];
}

/** A filter plugin: undefined when the pod fits the node. */
export interface FilterPlugin {
  name: string;
  filter(pod: Pod, nodeInfo: NodeInfo): FilterStatus | undefined;
}

export function unschedulable(...reasons: string[]): FilterStatus {
  return { code: "Unschedulable", reasons };
}

export function unresolvable(...reasons: string[]): FilterStatus {
  return { code: "UnschedulableAndUnresolvable", reasons };
}

/** Upstream Status.Message(): the reasons joined by ", ". */
export function statusMessage(status: FilterStatus): string {
  return status.reasons.join(", ");
}

export function nodeName(nodeInfo: NodeInfo): string {
  return nodeInfo.node.metadata?.name ?? "";
}
