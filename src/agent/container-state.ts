/**
 * Small facts about a pod's containers shared by the sync plan and the status: which
 * init containers are sidecars, which runtime instance is a container's latest attempt,
 * and the spec hash that tells the agent a running container is out of date.
 */
import { createHash } from "node:crypto";
import type { Container, Pod } from "../api/index.js";
import type { ContainerStatus as RuntimeContainerStatus } from "../runtime/index.js";

/** Runtime annotation carrying the hash of the container spec it was created from (as the kubelet's). */
export const containerHashAnnotation = "io.kubernetes.container.hash";

export { isRestartableInitContainer } from "../api/index.js";

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export function podRestartPolicy(pod: Pod): RestartPolicy {
  const policy = pod.spec?.restartPolicy;
  return policy === "OnFailure" || policy === "Never" ? policy : "Always";
}

/**
 * Hash of a container spec. Any change (image, command, env…) gives a new hash, so a
 * running container created from another spec is restarted, and its crash-loop back-off
 * key changes (upstream HashContainer). Keys are sorted so field order does not matter.
 */
export function containerHash(container: Container): string {
  return createHash("sha256").update(stableJson(container)).digest("hex").slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A container's runtime instances, newest attempt first (createdAt breaks ties). */
export function attemptsOf(containers: readonly RuntimeContainerStatus[], name: string): RuntimeContainerStatus[] {
  return containers
    .filter((c) => c.metadata.name === name)
    .sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
}

/** The newest instance of a container, or undefined when it was never created. */
export function latestAttempt(containers: readonly RuntimeContainerStatus[], name: string): RuntimeContainerStatus | undefined {
  return attemptsOf(containers, name)[0];
}

/** The attempt number for the next instance: one past the newest (its restartCount). */
export function nextAttempt(latest: RuntimeContainerStatus | undefined): number {
  return latest === undefined ? 0 : latest.metadata.attempt + 1;
}

/** Whether the runtime instance was created from another spec than the pod's current one. */
export function containerSpecChanged(container: Container, instance: RuntimeContainerStatus): boolean {
  const recorded = instance.annotations[containerHashAnnotation] ?? instance.labels[containerHashAnnotation];
  return recorded !== undefined && recorded !== containerHash(container);
}

/**
 * Whether a container that is not running should be (re)started, as upstream
 * ShouldContainerBeRestarted: never once the pod is being deleted; always when it never
 * ran or is only created; otherwise per the pod's restartPolicy and the exit code.
 */
export function shouldContainerBeRestarted(pod: Pod, latest: RuntimeContainerStatus | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (latest === undefined) return true;
  if (latest.state === "CONTAINER_RUNNING") return false;
  if (latest.state === "CONTAINER_UNKNOWN" || latest.state === "CONTAINER_CREATED") return true;
  const policy = podRestartPolicy(pod);
  if (policy === "Never") return false;
  if (policy === "OnFailure" && latest.exitCode === 0) return false;
  return true;
}

/** `name_namespace(uid)`, upstream format.Pod, as kubelet messages name a pod. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ""}_${pod.metadata?.namespace ?? ""}(${pod.metadata?.uid ?? ""})`;
}
