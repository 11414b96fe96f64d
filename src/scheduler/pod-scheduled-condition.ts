/**
 * The PodScheduled=False condition the scheduler writes when a pod fits no node, as
 * upstream's updatePod with podutil.UpdatePodCondition: nothing is written when the pod
 * already carries the same status, reason and message (so retries of a pod that stays
 * unschedulable cost no write), and lastTransitionTime moves only when the status does.
 */
import type { Pod, PodCondition } from "../api/index.js";

/** Upstream v1.PodReasonUnschedulable and v1.PodReasonSchedulerError. */
export type PodScheduledFalseReason = "Unschedulable" | "SchedulerError";

/** The condition to patch in, or undefined when the pod already says this. */
export function podScheduledFalseCondition(pod: Pod, reason: PodScheduledFalseReason, message: string, now: string): PodCondition | undefined {
  const conditions = pod.status?.["conditions"];
  const current = Array.isArray(conditions) ? (conditions as PodCondition[]).find((c) => c.type === "PodScheduled") : undefined;
  if (current && current.status === "False" && current.reason === reason && current.message === message) return undefined;
  const lastTransitionTime = current?.status === "False" ? current.lastTransitionTime : now;
  return { type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime, reason, message };
}
