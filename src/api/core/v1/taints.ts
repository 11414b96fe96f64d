/**
 * Taints and tolerations as k8s.io/api/core/v1 defines them (well_known_taints.go,
 * toleration.go, taint.go) and as pkg/apis/core/v1/helper matches them. Pure rules shared
 * by whoever places pods (the scheduler) and whoever evicts them (the taint eviction
 * controller).
 */
import type { Taint } from "./node-types.js";
import type { Toleration } from "./pod-types.js";

export { notReadyTaintKey, unreachableTaintKey } from "./pod-admission-defaults.js";
export const unschedulableTaintKey = "node.kubernetes.io/unschedulable";
export const memoryPressureTaintKey = "node.kubernetes.io/memory-pressure";
export const diskPressureTaintKey = "node.kubernetes.io/disk-pressure";
export const pidPressureTaintKey = "node.kubernetes.io/pid-pressure";
export const networkUnavailableTaintKey = "node.kubernetes.io/network-unavailable";

/** Upstream Taint.MatchTaint: two taints are the same taint when key and effect are equal (value and timeAdded aside). */
export function taintMatches(a: Taint, b: Taint): boolean {
  return (a.key ?? "") === (b.key ?? "") && (a.effect ?? "") === (b.effect ?? "");
}

/**
 * Upstream Toleration.ToleratesTaint: an empty effect matches every effect, an empty key
 * (only valid with Exists) every key; the operator defaults to Equal.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "") {
    case "":
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

/**
 * Upstream v1helper.GetMatchingTolerations: whether every taint is tolerated, and for each
 * taint the first toleration that tolerates it (what the taint eviction controller reads
 * tolerationSeconds from).
 */
export function getMatchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const toleration = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (!toleration) return { allTolerated: false, used: [] };
    used.push(toleration);
  }
  return { allTolerated: true, used };
}
