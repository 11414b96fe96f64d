/**
 * The container steps of a pod sync, as kuberuntime's startContainer and killContainer:
 * starting one container (image, environment, mounts, config, create, start, postStart,
 * probes) and stopping containers (Killing event, preStop within the grace period, the
 * stop signal). Each step reports through the pod's sync context: events, the waiting
 * reason a container shows when it could not start, and when to sync again.
 */
import { isRestartableInitContainer, type Container, type Pod, type PodStatus, type ResourceList } from "../api/index.js";
import type { Clock } from "../base/index.js";
import type { EventType } from "../client/index.js";
import { isRuntimeError, type PodSandboxStatus, type RuntimeService } from "../runtime/index.js";
import type { ContainerToKill, ContainerToStart } from "./compute-pod-actions.js";
import { containerConfig } from "./container-config.js";
import { resolveEnv } from "./container-env.js";
import { formatPod } from "./container-state.js";
import type { CrashLoopBackOff } from "./crash-loop-backoff.js";
import type { ImagePuller } from "./image-puller.js";
import { runLifecycleHook } from "./lifecycle-hooks.js";
import type { ContainerWaitingReason } from "./pod-status.js";
import type { Prober } from "./probes/index.js";
import { imageUser, verifyRunAsNonRoot } from "./security-context.js";
import type { PodVolumes, VolumeManager, VolumeSources } from "./volumes/index.js";
import type { PodObject } from "../api/index.js";
export type { PodObject };


/** upstream minimumGracePeriodInSeconds: a container always gets this long to stop. */
export const minimumGracePeriodSeconds = 2;
const defaultTerminationGracePeriodSeconds = 30;
/** How soon a container whose env could not be resolved is tried again. */
const configErrorRetryMs = 10_000;

export interface ContainerRunnerDeps {
  runtime: RuntimeService;
  images: ImagePuller;
  volumes: VolumeManager;
  /** configMaps and secrets, read on demand; undefined: not found. */
  sources: VolumeSources;
  prober: Prober;
  crashLoop: CrashLoopBackOff;
  clock: Clock;
  node: { hostIPs: string[]; allocatable: ResourceList; memoryCapacity: number };
}

/** What a step may use and tell of the pod it works for (the pod worker provides it). */
export interface PodSyncContext {
  readonly pod: PodObject;
  /** Records an event about the pod, or about one of its containers. */
  event(container: Container | undefined, type: EventType, reason: string, message: string): void;
  /** Why containers wait (upstream reasonCache), by container name. */
  readonly waiting: Map<string, ContainerWaitingReason>;
  /** The pod's volumes, set up if need be; undefined: setUp failed (FailedMount recorded). */
  volumes(): Promise<PodVolumes | undefined>;
  /** Sync the pod again at this time. */
  syncAt(at: Date | number | undefined): void;
}

/** The deletion grace period, else the pod's terminationGracePeriodSeconds (default 30). */
export function gracePeriodSeconds(pod: PodObject): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? defaultTerminationGracePeriodSeconds;
}

/** The pod's init or app container of that name. */
export function podContainer(pod: Pod, name: string): Container | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
}

export class ContainerRunner {
  constructor(private readonly deps: ContainerRunnerDeps) {}

  /**
   * Starts one container (kuberuntime startContainer). Returns false when it could not be
   * started: its waiting reason then says why, and the sync goes no further for init containers.
   */
  async start(ctx: PodSyncContext, start: ContainerToStart, sandbox: PodSandboxStatus): Promise<boolean> {
    const pod = ctx.pod;
    const c = podContainer(pod, start.name);
    if (c === undefined) return false;
    const name = start.name;
    const fail = (reason: string, message: string, event = true): false => {
      ctx.waiting.set(name, { reason, message });
      if (event) ctx.event(c, "Warning", "Failed", `Error: ${message}`);
      return false;
    };
    if (start.finishedAt !== undefined) this.deps.crashLoop.next(start.backOffKey, start.finishedAt);

    // The image.
    const pullSecrets = await this.#pullSecrets(pod);
    const ensured = await this.deps.images.ensureImage(pod, c, pullSecrets, (type, reason, message) => ctx.event(c, type, reason, message));
    if ("waiting" in ensured) {
      ctx.syncAt(ensured.retryAt);
      return fail(ensured.waiting.reason, ensured.waiting.message, false);
    }
    const image = ensured.image;

    // The environment, the user check and the mounts: a failure is CreateContainerConfigError.
    const podIPs = sandbox.hostNetwork ? this.deps.node.hostIPs : sandbox.ips;
    const env = resolveEnv(pod, c, { ...(await this.#envSources(pod, c)), podIPs, hostIPs: this.deps.node.hostIPs, allocatable: this.deps.node.allocatable });
    if ("error" in env) {
      ctx.syncAt(this.deps.clock.now().getTime() + configErrorRetryMs);
      return fail(env.error.reason, env.error.message);
    }
    for (const w of env.warnings) ctx.event(c, "Warning", w.reason, w.message);
    const nonRoot = verifyRunAsNonRoot(pod, c, imageUser(image.config.User));
    if (nonRoot !== undefined) return fail("CreateContainerConfigError", nonRoot);
    let mounts;
    try {
      const volumes = await ctx.volumes();
      if (volumes === undefined) return false;
      mounts = await this.deps.volumes.mountsFor(pod, c, volumes);
    } catch (e) {
      return fail("CreateContainerConfigError", errorText(e));
    }
    const config = containerConfig(pod, c, {
      attempt: start.attempt,
      env: env.env,
      mounts,
      imageRef: image.id,
      ...(image.config.User ? { imageUser: image.config.User } : {}),
      memoryCapacity: this.deps.node.memoryCapacity,
    });

    // Create and start.
    let id: string;
    try {
      id = await this.deps.runtime.createContainer(sandbox.id, config);
    } catch (e) {
      return fail("CreateContainerError", errorText(e));
    }
    ctx.event(c, "Normal", "Created", `Created container ${name}`);
    try {
      await this.deps.runtime.startContainer(id);
    } catch (e) {
      return fail("RunContainerError", errorText(e));
    }
    ctx.event(c, "Normal", "Started", `Started container ${name}`);
    ctx.waiting.delete(name);

    // The postStart hook: the container counts as started only once it is done.
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const failure = await runLifecycleHook(postStart, {
        podFullName: formatPod(pod),
        podIP: podIPs[0] ?? "",
        container: c,
        execSync: (command, timeout) => this.deps.runtime.execSync(id, command, timeout),
        timeoutSeconds: gracePeriodSeconds(pod),
      });
      if (failure !== undefined) {
        ctx.event(c, "Warning", "FailedPostStartHook", failure);
        await this.kill(ctx, [{ id, name, reason: "Unknown", message: "FailedPostStartHook" }], gracePeriodSeconds(pod));
        ctx.waiting.set(name, { reason: "PostStartHookError", message: failure });
        return false;
      }
    }
    this.deps.prober.containerStarted({
      pod: { uid: pod.metadata.uid ?? "", name: pod.metadata.name ?? "", namespace: pod.metadata.namespace ?? "" },
      podIP: podIPs[0] ?? "",
      container: c,
      containerID: id,
      startedAt: this.deps.clock.now(),
    });
    return true;
  }

  /**
   * Stops containers as kuberuntime killContainer: a Killing event, the preStop hook within
   * the grace period, then the stop signal with what is left of it (at least 2 s). Regular
   * containers stop together; sidecars after them, one at a time in the plan's order.
   */
  async kill(ctx: PodSyncContext, kills: readonly ContainerToKill[], graceSeconds: number): Promise<void> {
    const pod = ctx.pod;
    const isSidecar = (k: ContainerToKill): boolean => {
      const init = (pod.spec?.initContainers ?? []).find((c) => c.name === k.name);
      return init !== undefined && isRestartableInitContainer(init);
    };
    await Promise.all(kills.filter((k) => !isSidecar(k)).map((k) => this.#killOne(ctx, k, graceSeconds)));
    for (const k of kills.filter(isSidecar)) await this.#killOne(ctx, k, graceSeconds);
  }

  async #killOne(ctx: PodSyncContext, kill: ContainerToKill, graceSeconds: number): Promise<void> {
    const pod = ctx.pod;
    const c = podContainer(pod, kill.name);
    ctx.event(c, "Normal", "Killing", kill.message);
    const started = this.deps.clock.now().getTime();
    const preStop = c?.lifecycle?.preStop;
    if (preStop && c && graceSeconds > 0) {
      const signal = AbortSignal.timeout(graceSeconds * 1000);
      const failure = await runLifecycleHook(preStop, {
        podFullName: formatPod(pod),
        podIP: ((pod.status ?? {}) as Partial<PodStatus>).podIP ?? "",
        container: c,
        execSync: (command, timeout) => this.deps.runtime.execSync(kill.id, command, timeout),
        timeoutSeconds: graceSeconds,
        signal,
      });
      if (failure !== undefined) ctx.event(c, "Warning", "FailedPreStopHook", failure);
    }
    const spent = Math.floor((this.deps.clock.now().getTime() - started) / 1000);
    const remaining = Math.max(minimumGracePeriodSeconds, graceSeconds - spent);
    try {
      await this.deps.runtime.stopContainer(kill.id, remaining);
    } catch (e) {
      if (!isRuntimeError(e, "NotFound")) throw e;
    }
    this.deps.prober.containerStopped(pod.metadata.uid ?? "", kill.name);
  }

  /** The data of the pod's imagePullSecrets that exist. */
  async #pullSecrets(pod: PodObject): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      const secret = await this.deps.sources.secret(pod.metadata.namespace ?? "", ref.name ?? "");
      const data = secret?.data?.[".dockerconfigjson"] ?? secret?.data?.[".dockercfg"];
      if (data !== undefined) out.push(Buffer.from(data, "base64"));
    }
    return out;
  }

  /** The configMaps and secrets the container's env refers to, read now. */
  async #envSources(pod: PodObject, c: Container) {
    const ns = pod.metadata.namespace ?? "";
    const configMapNames = new Set<string>();
    const secretNames = new Set<string>();
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef?.name) configMapNames.add(from.configMapRef.name);
      if (from.secretRef?.name) secretNames.add(from.secretRef.name);
    }
    for (const v of c.env ?? []) {
      if (v.valueFrom?.configMapKeyRef?.name) configMapNames.add(v.valueFrom.configMapKeyRef.name);
      if (v.valueFrom?.secretKeyRef?.name) secretNames.add(v.valueFrom.secretKeyRef.name);
    }
    const configMaps = new Map(await Promise.all([...configMapNames].map(async (n) => [n, await this.deps.sources.configMap(ns, n)] as const)));
    const secrets = new Map(await Promise.all([...secretNames].map(async (n) => [n, await this.deps.sources.secret(ns, n)] as const)));
    return { configMaps, secrets };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
