/**
 * The pod side of a node going NotReady (upstream controller/util/node MarkPodsNotReady):
 * the pods on it stop being Ready, so Services stop sending them traffic, even though
 * their agent cannot say so itself. Only the Ready condition changes (its reason and
 * message stay); a pod without one is left alone.
 */
import { formatTime, type Pod, type PodCondition } from "../api/index.js";

/** The pod's conditions with Ready False, or undefined when there is nothing to change. */
export function podConditionsNotReady(pod: Pod, now: Date): PodCondition[] | undefined {
  const conditions = (pod.status?.["conditions"] ?? []) as PodCondition[];
  const ready = conditions.find((c) => c.type === "Ready");
  if (!ready || ready.status === "False") return undefined;
  return conditions.map((c) => (c === ready ? { ...c, status: "False", lastTransitionTime: formatTime(now) } : c));
}
