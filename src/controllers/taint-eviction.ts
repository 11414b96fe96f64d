/**
 * When must a pod leave a node with NoExecute taints? (upstream pkg/controller/tainteviction
 * processPodOnNode and getMinTolerationTime, as pure functions.)
 *
 * - A NoExecute taint the pod does not tolerate: at once.
 * - Tolerated, with tolerationSeconds on the tolerations used: after the smallest of them
 *   (0 or less means at once). The API server gives every pod 300 s for the not-ready and
 *   unreachable taints (DefaultTolerationSeconds), which is why pods leave a lost node
 *   five minutes after it was tainted.
 * - Tolerated without tolerationSeconds: never.
 */
import { getMatchingTolerations, type Taint, type Toleration } from "../api/index.js";

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === "NoExecute");
}

/** How long the pod may stay: 0 = evict now, undefined = it may stay (no taints, or tolerated forever). */
export function evictionDelayMs(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): number | undefined {
  if (taints.length === 0) return undefined;
  const { allTolerated, used } = getMatchingTolerations(taints, tolerations);
  if (!allTolerated) return 0;
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = min === undefined ? t.tolerationSeconds : Math.min(min, t.tolerationSeconds);
  }
  return min === undefined ? undefined : min * 1000;
}
