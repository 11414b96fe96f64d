/**
 * The scheduler layer: which node a pending pod goes to, or why it fits none, as
 * kube-scheduler 1.32 decides with its default plugins (see schedule-pod.ts for filters,
 * node-score.ts for scores), and the loop that watches nodes and pods and binds them
 * (scheduler.ts, built on src/client).
 *
 * Not modelled: preemption itself (the message says what upstream's preemption concluded,
 * but no pod is evicted and no nominatedNodeName is set), volume, topology-spread,
 * inter-pod-affinity and image-locality plugins. Pods that still have spec.schedulingGates
 * are never queued (upstream's SchedulingGates PreEnqueue).
 */
export type { NodeInfo, FilterStatus } from "./framework.js";
export { schedulePod, type ScheduleResult } from "./schedule-pod.js";
export { podResourceRequest, type ResourceAmounts } from "./pod-requests.js";
export { Scheduler, defaultSchedulerName, type SchedulerOptions } from "./scheduler.js";
