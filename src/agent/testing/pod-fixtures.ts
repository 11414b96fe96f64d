/**
 * Builders for the sync-plan and pod-status tests: pods as the API server stores them and
 * the runtime's view of their sandbox and containers. Times are seconds after `t0`.
 */
import type { Container, Pod } from "../../api/index.js";
import type { ContainerStatus as RuntimeContainerStatus, PodSandboxStatus } from "../../runtime/index.js";

export const t0 = Date.parse("2026-01-01T00:00:00Z");
export const at = (seconds: number): Date => new Date(t0 + seconds * 1000);

export interface PodOptions {
  restartPolicy?: "Always" | "OnFailure" | "Never";
  initContainers?: Container[];
  containers?: Container[];
  deleting?: boolean;
  readinessGates?: string[];
  status?: Record<string, unknown>;
}

export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: `busybox:${name}`, ...extra };
}

export function sidecar(name: string, extra: Partial<Container> = {}): Container {
  return container(name, { restartPolicy: "Always", ...extra });
}

export function pod(options: PodOptions = {}): Pod {
  const p: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default", uid: "u-1", creationTimestamp: at(0).toISOString().replace(/\.\d{3}Z$/, "Z") },
    spec: {
      restartPolicy: options.restartPolicy ?? "Always",
      containers: options.containers ?? [container("app")],
      ...(options.initContainers ? { initContainers: options.initContainers } : {}),
      ...(options.readinessGates ? { readinessGates: options.readinessGates.map((conditionType) => ({ conditionType })) } : {}),
      nodeName: "node-1",
    },
    status: options.status ?? { phase: "Pending", qosClass: "BestEffort" },
  };
  if (options.deleting) p.metadata!.deletionTimestamp = at(1000).toISOString();
  return p;
}

export function sandbox(state: PodSandboxStatus["state"] = "SANDBOX_READY", attempt = 0): PodSandboxStatus {
  return {
    id: `sb-${attempt}`,
    metadata: { name: "web", namespace: "default", uid: "u-1", attempt },
    state,
    createdAt: t0,
    ips: state === "SANDBOX_READY" ? ["10.88.0.5"] : [],
    hostNetwork: false,
    labels: {},
    annotations: {},
    logDirectory: "/var/log/pods/default_web_u-1",
  };
}

export interface InstanceOptions {
  exitCode?: number;
  reason?: string;
  /** Seconds after t0. */
  startedAt?: number;
  finishedAt?: number;
  annotations?: Record<string, string>;
}

/** One runtime instance of a container: running, exited (exit code → Completed/Error), created or unknown. */
export function instance(
  name: string,
  attempt: number,
  state: "running" | "exited" | "created" | "unknown",
  o: InstanceOptions = {},
): RuntimeContainerStatus {
  const exitCode = o.exitCode ?? 0;
  const exited = state === "exited";
  return {
    id: `${name}-${attempt}`,
    sandboxId: "sb-0",
    metadata: { name, attempt },
    state: exited ? "CONTAINER_EXITED" : state === "running" ? "CONTAINER_RUNNING" : state === "created" ? "CONTAINER_CREATED" : "CONTAINER_UNKNOWN",
    createdAt: t0 + attempt,
    startedAt: state === "created" ? 0 : t0 + (o.startedAt ?? 1) * 1000,
    finishedAt: exited ? t0 + (o.finishedAt ?? 2) * 1000 : 0,
    exitCode: exited ? exitCode : 0,
    reason: exited ? (o.reason ?? (exitCode === 0 ? "Completed" : "Error")) : "",
    message: "",
    image: `docker.io/library/busybox:${name}`,
    imageRef: `sha256:${name}`,
    labels: {},
    annotations: o.annotations ?? {},
    logPath: `/var/log/pods/default_web_u-1/${name}/${attempt}.log`,
    pid: state === "running" ? 100 : 0,
  };
}
