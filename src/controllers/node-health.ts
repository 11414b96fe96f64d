/**
 * Is the node's agent alive? The node lifecycle controller's tryUpdateNodeHealth
 * (pkg/controller/nodelifecycle/node_lifecycle_controller.go), as a pure function.
 *
 * An agent shows life in two ways: a new `lastHeartbeatTime` on its Ready condition, or a
 * later `renewTime` on its Lease in kube-node-lease. Neither timestamp is trusted as a
 * time (the node's clock may be skewed); what counts is when *this controller* saw it
 * change (`probeTimestamp`, on the controller's clock). When nothing changed for the grace
 * period (the startup grace period while the node has never posted Ready), every
 * condition the agent owns becomes Unknown.
 */
import { formatTime, type Node, type NodeCondition } from "../api/index.js";

/** What the controller remembers of a node between passes (upstream nodeHealthData). */
export interface NodeHealth {
  /** Controller time (ms) when the node last showed life. */
  readonly probeTimestamp: number;
  /** Controller time (ms) when its Ready condition was last seen to transition. */
  readonly readyTransitionTimestamp: number;
  /** The Ready condition as last seen; a different lastHeartbeatTime is a sign of life. */
  readonly readyCondition: NodeCondition | undefined;
  /** The Lease's renewTime as last seen; a later one is a sign of life. */
  readonly leaseRenewTime: string | undefined;
}

export interface NodeHealthInput {
  readonly node: Node;
  /** renewTime of the node's Lease, if it has one. */
  readonly leaseRenewTime: string | undefined;
  readonly saved: NodeHealth | undefined;
  readonly now: Date;
  /** --node-monitor-grace-period */
  readonly gracePeriodMs: number;
  /** --node-startup-grace-period: for a node that never posted Ready. */
  readonly startupGracePeriodMs: number;
}

export interface NodeHealthAssessment {
  /** What to remember of the node if nothing is written (or the write fails). */
  readonly health: NodeHealth;
  /** Ready as the node had it before this pass (upstream observedReadyCondition). */
  readonly observedReady: NodeCondition;
  /** Ready after this pass; undefined while a node that never posted Ready is in its startup grace. */
  readonly currentReady: NodeCondition | undefined;
  /** The node's conditions to write with Ready and the pressure conditions made Unknown; undefined when Ready is as observed. */
  readonly conditionsToWrite: NodeCondition[] | undefined;
}

/** The conditions the agent owns; NetworkUnavailable is left alone, as upstream (it is a control-plane concern). */
export const agentConditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] as const;

export const nodeStatusUnknownReason = "NodeStatusUnknown";
export const nodeStatusUnknownMessage = "Kubelet stopped posting node status.";
export const nodeStatusNeverUpdatedReason = "NodeStatusNeverUpdated";
export const nodeStatusNeverUpdatedMessage = "Kubelet never posted node status.";

export function findNodeCondition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

export function assessNodeHealth(input: NodeHealthInput): NodeHealthAssessment {
  const { node, saved, now } = input;
  const nowMs = now.getTime();
  const created = node.metadata?.creationTimestamp ?? formatTime(now);
  const currentReady = findNodeCondition(node, "Ready");
  let health: NodeHealth | undefined = saved;
  let gracePeriodMs = input.gracePeriodMs;
  let observedReady: NodeCondition;

  if (!currentReady) {
    // Never posted: measure the startup grace from the Node's creation, as if it had a heartbeat then.
    observedReady = { type: "Ready", status: "Unknown", lastHeartbeatTime: created, lastTransitionTime: created };
    gracePeriodMs = input.startupGracePeriodMs;
    const createdMs = Date.parse(created);
    health = health
      ? { ...health, readyCondition: undefined }
      : { probeTimestamp: createdMs, readyTransitionTimestamp: createdMs, readyCondition: undefined, leaseRenewTime: undefined };
  } else {
    observedReady = { ...currentReady };
    const savedReady = health?.readyCondition;
    if (!health || !savedReady) {
      // First sight (for instance after a controller restart): the node gets a full grace period from now.
      health = { probeTimestamp: nowMs, readyTransitionTimestamp: nowMs, readyCondition: currentReady, leaseRenewTime: health?.leaseRenewTime };
    } else if (savedReady.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
      const transitioned = savedReady.lastTransitionTime !== currentReady.lastTransitionTime;
      health = {
        probeTimestamp: nowMs,
        readyTransitionTimestamp: transitioned ? nowMs : health.readyTransitionTimestamp,
        readyCondition: currentReady,
        leaseRenewTime: health.leaseRenewTime,
      };
    }
  }
  // A renewed Lease is life even when the status stands still (the agent writes its
  // status rarely when nothing changes, and renews the Lease every 10 s).
  if (input.leaseRenewTime && (!health.leaseRenewTime || Date.parse(health.leaseRenewTime) < Date.parse(input.leaseRenewTime))) {
    health = { ...health, probeTimestamp: nowMs, leaseRenewTime: input.leaseRenewTime };
  }

  if (nowMs <= health.probeTimestamp + gracePeriodMs) {
    return { health, observedReady, currentReady, conditionsToWrite: undefined };
  }
  const conditions = markConditionsUnknown(node, created, formatTime(now));
  const ready = conditions.find((c) => c.type === "Ready")!;
  const changed = !sameCondition(ready, observedReady);
  return { health, observedReady, currentReady: ready, conditionsToWrite: changed ? conditions : undefined };
}

/** What to remember once the Unknown conditions were written (the write counts as a Ready transition). */
export function healthAfterWrite(health: NodeHealth, written: readonly NodeCondition[], now: Date): NodeHealth {
  return { ...health, readyTransitionTimestamp: now.getTime(), readyCondition: written.find((c) => c.type === "Ready") };
}

/**
 * Every agent-owned condition Unknown: a missing one is added as never updated (heartbeat
 * = the Node's creation), a known one keeps its lastHeartbeatTime, and only a condition
 * whose status changes gets the new transition time, reason and message.
 */
function markConditionsUnknown(node: Node, created: string, now: string): NodeCondition[] {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of agentConditionTypes) {
    const current = conditions.find((c) => c.type === type);
    if (!current) {
      conditions.push({ type, status: "Unknown", reason: nodeStatusNeverUpdatedReason, message: nodeStatusNeverUpdatedMessage, lastHeartbeatTime: created, lastTransitionTime: now });
    } else if (current.status !== "Unknown") {
      Object.assign(current, { status: "Unknown", reason: nodeStatusUnknownReason, message: nodeStatusUnknownMessage, lastTransitionTime: now });
    }
  }
  return conditions;
}

function sameCondition(a: NodeCondition, b: NodeCondition): boolean {
  return a.type === b.type && a.status === b.status && (a.reason ?? "") === (b.reason ?? "") && (a.message ?? "") === (b.message ?? "")
    && a.lastHeartbeatTime === b.lastHeartbeatTime && a.lastTransitionTime === b.lastTransitionTime;
}
