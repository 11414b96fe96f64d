/**
 * The status the API server gives a pod it creates (the pod strategy's PrepareForCreate):
 * whatever the client sent is dropped; the pod is Pending with its QoS class and, while
 * schedulingGates hold it back, PodScheduled=False with reason SchedulingGated. The gated
 * condition comes from the server, not the scheduler, so that `kubectl get pods` shows
 * SchedulingGated even when no scheduler runs.
 */
import { podQosClass, type QOSClass } from "./pod-qos.js";
import type { PodCondition } from "./pod-status-types.js";
import type { Pod } from "./pod-types.js";

export interface InitialPodStatus {
  phase: "Pending";
  qosClass: QOSClass;
  conditions?: PodCondition[];
}

export const schedulingGatedMessage = "Scheduling is blocked due to non-empty scheduling gates";

export function podInitialStatus(pod: Pod): InitialPodStatus {
  const status: InitialPodStatus = { phase: "Pending", qosClass: podQosClass(pod) };
  if ((pod.spec?.schedulingGates?.length ?? 0) > 0) {
    // Upstream leaves both times unset here: they serialize as null.
    status.conditions = [
      { type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: null, reason: "SchedulingGated", message: schedulingGatedMessage },
    ];
  }
  return status;
}
