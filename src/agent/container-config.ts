/**
 * A container's config for the runtime, as the kubelet builds it for the CRI
 * (pkg/kubelet/kuberuntime kuberuntime_container.go generateContainerConfig,
 * kuberuntime_container_linux.go, labels.go; pkg/kubelet/container helpers.go
 * ExpandContainerCommandAndArgs). The environment, mounts and the image come in resolved;
 * verifyRunAsNonRoot (security-context.ts) runs before this, as upstream does.
 */
import type { Container, Pod } from "../api/index.js";
import type { ContainerConfig, KeyValue, Mount } from "../runtime/index.js";
import { expandVariables, lookupIn } from "./container-env.js";
import { containerResources } from "./container-resources.js";
import { containerHash, containerHashAnnotation } from "./container-state.js";
import { podNameLabel, podNamespaceLabel, podUidLabel } from "./pod-sandbox-config.js";
import { imageUser, runtimeSecurityContext } from "./security-context.js";

export const containerNameLabel = "io.kubernetes.container.name";
export const containerRestartCountAnnotation = "io.kubernetes.container.restartCount";
export const containerTerminationMessagePathAnnotation = "io.kubernetes.container.terminationMessagePath";
export const containerTerminationMessagePolicyAnnotation = "io.kubernetes.container.terminationMessagePolicy";
export const containerPreStopHandlerAnnotation = "io.kubernetes.container.preStopHandler";
export const containerPortsAnnotation = "io.kubernetes.container.ports";
export const podDeletionGracePeriodAnnotation = "io.kubernetes.pod.deletionGracePeriod";
export const podTerminationGracePeriodAnnotation = "io.kubernetes.pod.terminationGracePeriod";

export interface ContainerConfigOptions {
  /** The restart count: 0 for the first instance, +1 per restart. */
  attempt: number;
  /** The container's environment from resolveEnv. */
  env: readonly KeyValue[];
  mounts: readonly Mount[];
  /** The pulled image's id (or resolved reference). */
  imageRef: string;
  /** The image config's User; the container runs as it unless the pod sets runAsUser. */
  imageUser?: string;
  /** The node's memory capacity in bytes, for a Burstable container's OOM score. */
  memoryCapacity: number;
}

/** `name/attempt.log`, relative to the sandbox's log directory (upstream buildContainerLogsPath). */
export function containerLogPath(containerName: string, attempt: number): string {
  return `${containerName}/${attempt}.log`;
}

/** command and args with `$(VAR)` expanded from the container's environment. */
export function expandCommandAndArgs(container: Container, env: readonly KeyValue[]): { command: string[]; args: string[] } {
  const lookup = lookupIn(new Map(env.map((e) => [e.key, e.value])));
  return {
    command: (container.command ?? []).map((c) => expandVariables(c, lookup)),
    args: (container.args ?? []).map((a) => expandVariables(a, lookup)),
  };
}

/** The pod identity labels plus the container name, which the agent finds its containers by. */
export function containerLabels(pod: Pod, container: Container): Record<string, string> {
  const m = pod.metadata ?? {};
  return {
    [podNameLabel]: m.name ?? "",
    [podNamespaceLabel]: m.namespace ?? "",
    [podUidLabel]: m.uid ?? "",
    [containerNameLabel]: container.name ?? "",
  };
}

/**
 * What the agent needs to know about a container from the runtime alone, after a restart:
 * its spec hash, restart count, termination-message settings, grace periods and preStop hook.
 */
export function containerAnnotations(pod: Pod, container: Container, restartCount: number): Record<string, string> {
  const out: Record<string, string> = {
    [containerHashAnnotation]: containerHash(container),
    [containerRestartCountAnnotation]: String(restartCount),
    [containerTerminationMessagePathAnnotation]: container.terminationMessagePath ?? "",
    [containerTerminationMessagePolicyAnnotation]: container.terminationMessagePolicy ?? "",
  };
  const deletionGrace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletionGrace !== undefined) out[podDeletionGracePeriodAnnotation] = String(deletionGrace);
  const terminationGrace = pod.spec?.terminationGracePeriodSeconds;
  if (terminationGrace !== undefined) out[podTerminationGracePeriodAnnotation] = String(terminationGrace);
  if (container.lifecycle?.preStop) out[containerPreStopHandlerAnnotation] = JSON.stringify(container.lifecycle.preStop);
  if (container.ports && container.ports.length > 0) out[containerPortsAnnotation] = JSON.stringify(container.ports);
  return out;
}

export function containerConfig(pod: Pod, container: Container, options: ContainerConfigOptions): ContainerConfig {
  const { command, args } = expandCommandAndArgs(container, options.env);
  const config: ContainerConfig = {
    metadata: { name: container.name ?? "", attempt: options.attempt },
    image: options.imageRef,
    command,
    args,
    envs: options.env.map((e) => ({ key: e.key, value: e.value })),
    mounts: [...options.mounts],
    labels: containerLabels(pod, container),
    annotations: containerAnnotations(pod, container, options.attempt),
    logPath: containerLogPath(container.name ?? "", options.attempt),
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    tty: container.tty ?? false,
    resources: containerResources(pod, container, options.memoryCapacity),
    securityContext: runtimeSecurityContext(pod, container, imageUser(options.imageUser)),
  };
  if (container.workingDir) config.workingDir = container.workingDir;
  return config;
}
