/**
 * NodeResourcesFit filter (pkg/scheduler/framework/plugins/noderesources/fit.go fitsRequest):
 * the pod's requests must fit in the node's allocatable minus what its pods already request,
 * and the node must have room for one more pod. Every shortage is a reason of its own.
 * In 1.32 a shortage is always `Unschedulable` (preemption may help), even when the pod is
 * larger than the whole node.
 */
import type { Pod } from "../api/index.js";
import { unschedulable, type FilterPlugin, type NodeInfo } from "./framework.js";
import { podResourceRequest, resourceAmounts, sumAmounts, type ResourceAmounts } from "./pod-requests.js";

/**
 * Upstream schedutil.IsScalarResourceName: extended resources (`example.com/gpu`),
 * hugepages, prefixed native resources and attachable volumes. Other names (for example a
 * plain `foo`) are not checked at all.
 */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith("hugepages-") || name.startsWith("attachable-volumes-")) return true;
  if (name.includes("kubernetes.io/")) return true;
  return name.includes("/") && !name.startsWith("requests.");
}

/** Upstream NodeInfo.Requested: the sum of the bound pods' requests. */
export function nodeRequested(nodeInfo: NodeInfo): ResourceAmounts {
  return sumAmounts(nodeInfo.pods.map(podResourceRequest));
}

export function nodeAllocatable(nodeInfo: NodeInfo): ResourceAmounts {
  return resourceAmounts(nodeInfo.node.status?.allocatable);
}

/** The insufficient-resource reasons, in upstream's order: pods, cpu, memory, ephemeral-storage, scalars. */
export function insufficientResources(pod: Pod, nodeInfo: NodeInfo): string[] {
  const reasons: string[] = [];
  const allocatable = nodeAllocatable(nodeInfo);
  if (BigInt(nodeInfo.pods.length + 1) > (allocatable.get("pods") ?? 0n)) reasons.push("Too many pods");
  const request = podResourceRequest(pod);
  const checked = [...request].filter(([name, v]) => v > 0n && (["cpu", "memory", "ephemeral-storage"].includes(name) || isScalarResourceName(name)));
  if (checked.length === 0) return reasons;
  const requested = nodeRequested(nodeInfo);
  const order = (name: string): number => ["cpu", "memory", "ephemeral-storage"].indexOf(name) >>> 0;
  checked.sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, want] of checked) {
    const free = (allocatable.get(name) ?? 0n) - (requested.get(name) ?? 0n);
    if (want > free) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(pod: Pod, nodeInfo: NodeInfo) {
    const reasons = insufficientResources(pod, nodeInfo);
    return reasons.length === 0 ? undefined : unschedulable(...reasons);
  },
};
