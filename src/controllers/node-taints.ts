/**
 * The taints the node lifecycle controller keeps on a node, as a pure function of the node:
 *
 * - TaintNodesByCondition (upstream doNoScheduleTaintingPass): a NoSchedule taint per
 *   unhealthy condition (Ready False → not-ready, Ready Unknown → unreachable, a pressure
 *   condition True → its pressure taint, NetworkUnavailable True → network-unavailable),
 *   and `node.kubernetes.io/unschedulable` for a cordoned node, so the scheduler keeps
 *   new pods away through taints alone;
 * - taint-based eviction (upstream doNoExecuteTaintingPass/markNodeAsReachable): a
 *   NoExecute not-ready or unreachable taint, mutually exclusive as the Ready condition
 *   is, which the taint eviction controller turns into pod deletions; none while the
 *   whole cluster is disrupted (no node Ready), as upstream stops evictions then.
 *
 * Taints the controller does not own are left as they are; an owned taint that stays
 * keeps its timeAdded, a new one gets `now` (upstream SwapNodeControllerTaint).
 */
import {
  diskPressureTaintKey, formatTime, memoryPressureTaintKey, networkUnavailableTaintKey, notReadyTaintKey, pidPressureTaintKey,
  taintMatches, unreachableTaintKey, unschedulableTaintKey, type Node, type Taint,
} from "../api/index.js";

/** Condition type → status → taint key (upstream nodeConditionToTaintKeyStatusMap). */
const conditionTaintKeys: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: notReadyTaintKey, Unknown: unreachableTaintKey },
  MemoryPressure: { True: memoryPressureTaintKey },
  DiskPressure: { True: diskPressureTaintKey },
  NetworkUnavailable: { True: networkUnavailableTaintKey },
  PIDPressure: { True: pidPressureTaintKey },
};

const conditionTaintKeySet = new Set(Object.values(conditionTaintKeys).flatMap((byStatus) => Object.values(byStatus)));

function ownedByController(taint: Taint): boolean {
  const key = taint.key ?? "";
  if (taint.effect === "NoSchedule") return key === unschedulableTaintKey || conditionTaintKeySet.has(key);
  if (taint.effect === "NoExecute") return key === notReadyTaintKey || key === unreachableTaintKey;
  return false;
}

/** The controller-owned taints the node should carry now, without timeAdded. */
export function wantedNodeTaints(node: Node, options: { readonly noExecute: boolean }): Taint[] {
  const wanted: Taint[] = [];
  for (const condition of node.status?.conditions ?? []) {
    const key = conditionTaintKeys[condition.type ?? ""]?.[condition.status ?? ""];
    if (key) wanted.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable) wanted.push({ key: unschedulableTaintKey, effect: "NoSchedule" });
  if (options.noExecute) {
    const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status;
    if (ready === "False") wanted.push({ key: notReadyTaintKey, effect: "NoExecute" });
    if (ready === "Unknown") wanted.push({ key: unreachableTaintKey, effect: "NoExecute" });
  }
  return wanted;
}

/** The node's new taint list, or undefined when its taints are already right (write only on change). */
export function reconcileNodeTaints(node: Node, options: { readonly noExecute: boolean }, now: Date): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted = wantedNodeTaints(node, options);
  const kept = current.filter((t) => !ownedByController(t) || wanted.some((w) => taintMatches(w, t)));
  const added = wanted.filter((w) => !current.some((t) => taintMatches(w, t))).map((t) => ({ ...t, timeAdded: formatTime(now) }));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
