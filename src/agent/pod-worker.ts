/**
 * Pod workers: one per pod UID, each syncing its pod whenever something about it changed,
 * as the kubelet's podWorkers + kuberuntime SyncPod. A worker is woken by the pod informer
 * (status-only changes aside), by runtime container events, by probe results and by its
 * own timers (a back-off ending, an active deadline); there is no periodic relist. Syncs of
 * one pod never overlap. A worker is syncing, terminating or terminated (PodWorkerState), as
 * the kubelet's SyncPod / SyncTerminatingPod / SyncTerminatedPod.
 *
 * A sync of a running pod follows "plan first, act second" (the container steps are in
 * container-runner.ts):
 *  observe  the pod's sandboxes and containers in the runtime (by the pod uid label);
 *  plan     computePodActions (pure);
 *  volumes  a sandbox that keeps running gets its configMap, secret and downwardAPI
 *           volumes rewritten when their sources changed (woken by ConfigSourceWatch);
 *  act      1. kill what the plan says (preStop, stop, Killing events), stop the sandbox;
 *           2. create the sandbox: volumes setUp, then runPodSandbox;
 *           3. record the crash-loop back-offs;
 *           4. start init containers, then app containers: image, env, config, create,
 *              start, postStart hook, probes;
 *  collect  dead instances but the latest two attempts per container (container-gc.ts);
 *  report   computePodStatus and write pods/status only when statusEqual says it changed:
 *           once for what observe found (beside the act, as the kubelet's SyncPod reports
 *           before acting) and once for what the act made.
 * A pod with a deletionTimestamp is stopped within its grace period, its terminal status
 * written, its sandbox and volumes removed, and the object deleted with grace 0 and a uid
 * precondition. A pod in a terminal phase keeps its stopped containers (for logs) until then.
 */
import { formatTime, type Container, type PodStatus } from "../api/index.js";
import { isNotFound, type EventRecorder, type EventType, type ObjectReference, type ResourceClient } from "../client/index.js";
import type { ContainerStatus as RuntimeContainerStatus, PodSandboxStatus } from "../runtime/index.js";
import { computePodActions, type ObservedPod, type PodActions, type ProbeResults } from "./compute-pod-actions.js";
import {
  ContainerRunner,
  errorText,
  gracePeriodSeconds,
  minimumGracePeriodSeconds,
  podContainer,
  type ContainerRunnerDeps,
  type PodObject,
  type PodSyncContext,
} from "./container-runner.js";
import { formatPod, latestAttempt } from "./container-state.js";
import { collectContainers, containerIdsInStatus } from "./container-gc.js";
import { podSandboxConfig, podUidLabel, type SandboxConfigOptions } from "./pod-sandbox-config.js";
import { computePodStatus, statusEqual, type ContainerWaitingReason } from "./pod-status.js";
import { PodVolumesError, type PodVolumes } from "./volumes/index.js";

export type { PodObject } from "./container-runner.js";

/** What every worker of one node shares. */
export interface PodWorkerDeps extends ContainerRunnerDeps {
  pods: ResourceClient<PodObject>;
  recorder: EventRecorder;
  /** Sandbox options but the attempt: log root, cluster DNS, the host's resolv.conf. */
  sandboxOptions: Omit<SandboxConfigOptions, "attempt">;
  log: (message: string) => void;
}

/** Volumes or a sandbox that could not be set up are tried again after this. */
const setUpRetryMs = 5000;
/**
 * A configMap/secret volume of a running pod that could not be rewritten is tried again
 * after this (the kubelet's syncFrequency); a change of its sources wakes the pod sooner.
 */
const remountRetryMs = 60_000;
/** A sync that failed is tried again after this, doubling to the cap. */
const retryInitialMs = 1000;
const retryMaxMs = 30_000;

const deadlineExceeded = { reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" };

/** The pod's sandboxes and containers as the runtime reports them. */
interface Observed extends ObservedPod {
  sandboxes: PodSandboxStatus[];
}

type SyncResult = "synced" | "done";

/** Why a pod stops: deleted (graceful), finished (terminal phase), past its deadline, gone from the API. */
type TerminationReason = "Deleted" | "Finished" | "DeadlineExceeded" | "Gone";

/**
 * What a worker is doing for its pod; #transition() is the only writer.
 *
 *   syncing ──deleted / finished / deadline / gone──► terminating ──nothing runs──► terminated
 *                                                        ▲                              │
 *                                                        └──── deleted / gone ──────────┘
 *
 * terminated(Gone) ends the worker. A pod never returns to syncing: a terminal phase is final.
 */
type PodWorkerState =
  | { phase: "syncing" }
  | { phase: "terminating"; reason: TerminationReason; since: Date }
  | { phase: "terminated"; reason: TerminationReason; at: Date };

/** All workers of the node, keyed by pod UID. */
export class PodWorkers {
  readonly #workers = new Map<string, PodWorker>();
  readonly #runner: ContainerRunner;
  #stopped = false;

  constructor(private readonly deps: PodWorkerDeps) {
    this.#runner = new ContainerRunner(deps);
  }

  /** The informer saw the pod (added or changed). */
  update(pod: PodObject): void {
    this.#worker(pod)?.setPod(pod);
  }

  /** The pod is gone from the API: stop whatever still runs and clean up. */
  remove(pod: PodObject): void {
    this.#worker(pod)?.setGone();
  }

  #worker(pod: PodObject): PodWorker | undefined {
    const uid = pod.metadata.uid;
    if (!uid || this.#stopped) return undefined;
    let worker = this.#workers.get(uid);
    if (!worker) {
      worker = new PodWorker(pod, this.deps, this.#runner, () => this.#workers.delete(uid));
      this.#workers.set(uid, worker);
    }
    return worker;
  }

  /** Something about the pod changed in the runtime or the prober: sync it. */
  wake(uid: string): void {
    this.#workers.get(uid)?.wake();
  }

  has(uid: string): boolean {
    return this.#workers.has(uid);
  }

  /** Stops every worker after its sync under way; pods keep running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#workers.values()].map((w) => w.stop()));
    this.#workers.clear();
  }
}

export class PodWorker {
  /** The latest pod object; kept after it is gone from the API, for the final cleanup. */
  #pod: PodObject;
  #gone = false;
  #dirty = false;
  #stopped = false;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #retryMs = 0;
  #volumes: PodVolumes | undefined;
  /** Why containers wait (upstream reasonCache), by container name. */
  readonly #waiting = new Map<string, ContainerWaitingReason>();
  #podFailure: { reason: string; message: string } | undefined;
  #state: PodWorkerState = { phase: "syncing" };
  /** Whether a sync has run yet: the first version of a pod always gets one. */
  #synced = false;
  /** The earliest time something planned in this sync wants another sync. */
  #wakeAt: number | undefined;

  constructor(
    pod: PodObject,
    private readonly deps: PodWorkerDeps,
    private readonly runner: ContainerRunner,
    private readonly onDone: () => void,
  ) {
    this.#pod = pod;
  }

  get uid(): string {
    return this.#pod.metadata.uid ?? "";
  }

  /**
   * A new version of the pod. A change of its status alone (our own writes, mostly) does
   * not call for a sync, as the kubelet's pod config ignores status-only updates.
   */
  setPod(pod: PodObject): void {
    const changed = desiredState(this.#pod) !== desiredState(pod);
    this.#pod = pod;
    if (changed || !this.#synced) this.wake();
  }

  setGone(): void {
    this.#gone = true;
    this.wake();
  }

  wake(): void {
    if (this.#stopped) return;
    this.#dirty = true;
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    await this.#running;
  }

  async #loop(): Promise<void> {
    try {
      while (this.#dirty && !this.#stopped) {
        this.#dirty = false;
        this.#wakeAt = undefined;
        try {
          if ((await this.#sync()) === "done") {
            this.#stopped = true;
            this.#clearTimer();
            this.onDone();
            return;
          }
          this.#retryMs = 0;
          this.#synced = true;
        } catch (e) {
          this.#retryMs = Math.min(Math.max(retryInitialMs, this.#retryMs * 2), retryMaxMs);
          this.deps.log(`pod ${formatPod(this.#pod)}: sync failed, retrying in ${this.#retryMs} ms: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          this.#wakeAt = this.deps.clock.now().getTime() + this.#retryMs;
        }
        if (this.#wakeAt !== undefined) this.#schedule(this.#wakeAt);
      }
    } finally {
      this.#running = undefined;
    }
  }

  #wantSyncAt(at: Date | number | undefined): void {
    if (at === undefined) return;
    const ms = typeof at === "number" ? at : at.getTime();
    this.#wakeAt = this.#wakeAt === undefined ? ms : Math.min(this.#wakeAt, ms);
  }

  #schedule(at: number): void {
    if (this.#stopped) return;
    if (this.#timer !== undefined && this.#timerAt <= at && this.#timerAt > this.deps.clock.now().getTime()) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - this.deps.clock.now().getTime()));
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  // -------------------------------------------------------------------------------------------
  // The sync

  async #observe(): Promise<Observed> {
    const selector = { [podUidLabel]: this.uid };
    const [sandboxes, containers] = await Promise.all([
      this.deps.runtime.listPodSandboxes({ labelSelector: selector }),
      this.deps.runtime.listContainers({ labelSelector: selector }),
    ]);
    // The newest sandbox is the pod's; older ones are leftovers of earlier attempts.
    sandboxes.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
    const sandbox = sandboxes[0];
    return sandbox ? { sandbox, sandboxes, containers } : { sandboxes, containers };
  }

  /**
   * One sync: the state first (it may move on), then the step of that state, then the state
   * again, since a step may end it (the last container stopped, the pod finished).
   */
  async #sync(): Promise<SyncResult> {
    let observed = await this.#observe();
    this.#transition(observed);
    const entered = this.#state;
    if (entered.phase === "syncing") {
      // The kubelet's SyncPod reports what it found before it acts, so kubectl sees the
      // steps (ContainerCreating, PodInitializing, an exit before its restart). The write
      // goes beside the act, as through the kubelet's status manager, and ahead of the next.
      const found = this.#writeStatus(observed);
      found.catch(() => undefined);
      try {
        observed = await this.#syncPod(observed);
      } finally {
        await found;
      }
      await this.#writeStatus(observed);
    } else if (entered.phase === "terminating") {
      observed = await this.#syncTerminatingPod(observed, entered);
    }
    this.#transition(observed);
    const state = this.#state;
    if (state.phase === "terminated") return this.#syncTerminatedPod(observed, state);
    // The step of a new state runs at once.
    if (state !== entered) this.#dirty = true;
    return "synced";
  }

  /** Why the pod must stop, if it must; the stronger reason first. */
  #terminationReason(): TerminationReason | undefined {
    if (this.#gone) return "Gone";
    if (this.#pod.metadata.deletionTimestamp) return "Deleted";
    const phase = this.#oldStatus().phase;
    if (phase === "Succeeded" || phase === "Failed") return "Finished";
    if (this.#deadlineExceeded()) return "DeadlineExceeded";
    return undefined;
  }

  /** The only writer of #state (see PodWorkerState for the diagram). */
  #transition(observed: Observed): void {
    const state = this.#state;
    const now = this.deps.clock.now();
    const why = this.#terminationReason();
    // A finished pod that is then deleted, or anything that is gone, stops (again) for that reason.
    const stronger = why === "Gone" || why === "Deleted";
    if (why !== undefined && (state.phase === "syncing" || (stronger && why !== state.reason))) {
      if (why === "DeadlineExceeded") {
        this.#podFailure = deadlineExceeded;
        this.#event(this.#pod, undefined, "Normal", deadlineExceeded.reason, deadlineExceeded.message);
      }
      this.#state = { phase: "terminating", reason: why, since: now };
      return;
    }
    if (state.phase === "terminating" && !observed.containers.some((c) => c.state === "CONTAINER_RUNNING")) {
      this.#state = { phase: "terminated", reason: state.reason, at: now };
    }
  }

  #deadlineExceeded(): boolean {
    const seconds = this.#pod.spec?.activeDeadlineSeconds;
    const start = this.#oldStatus().startTime;
    if (seconds === undefined || seconds === null || !start) return false;
    const deadline = Date.parse(start) + seconds * 1000;
    if (this.deps.clock.now().getTime() >= deadline) return true;
    this.#wantSyncAt(deadline);
    return false;
  }

  /** syncing: plan, then act (kuberuntime SyncPod). Returns the runtime's view afterwards. */
  async #syncPod(observed: Observed): Promise<Observed> {
    const pod = this.#pod;
    this.#syncProbers(observed);
    const plan = computePodActions(pod, observed, this.deps.clock.now(), this.deps.crashLoop, this.#probeResults(observed));
    this.#wantSyncAt(plan.waitUntil);
    if (observed.sandbox?.state === "SANDBOX_READY" && !plan.createSandbox && !plan.killPod) await this.#updateVolumes(pod);
    await this.#act(pod, plan, observed);
    const after = await this.#observe();
    const removed = await collectContainers(this.deps.runtime, after.containers, this.deps.log, containerIdsInStatus(this.#oldStatus()));
    if (removed.size > 0) after.containers = after.containers.filter((c) => !removed.has(c.id));
    this.#syncProbers(after);
    return after;
  }

  /**
   * terminating: stop every container within the grace period (preStop hooks, Killing
   * events, sidecars last) and the sandbox. Whatever the reason, that is the plan for a
   * deleted pod, so the planner's deletion plan serves for all of them.
   */
  async #syncTerminatingPod(observed: Observed, state: Extract<PodWorkerState, { phase: "terminating" }>): Promise<Observed> {
    const pod = this.#pod;
    this.deps.prober.podTerminating(this.uid);
    const stopping: PodObject = pod.metadata.deletionTimestamp ? pod : { ...pod, metadata: { ...pod.metadata, deletionTimestamp: formatTime(state.since) } };
    const plan = computePodActions(stopping, observed, this.deps.clock.now(), this.deps.crashLoop, this.#probeResults(observed));
    const grace = state.reason === "Gone" ? minimumGracePeriodSeconds : gracePeriodSeconds(pod);
    await this.runner.kill(this.#context(pod), plan.containersToKill, grace);
    for (const s of observed.sandboxes) if (s.state === "SANDBOX_READY") await this.deps.runtime.stopPodSandbox(s.id);
    return this.#observe();
  }

  /**
   * terminated: nothing runs. A pod that finished keeps its containers (for logs) until it
   * is deleted; a deleted one reports its terminal status, loses its sandbox and volumes and
   * is deleted from the API (grace 0, uid precondition); a gone one is cleaned up and its
   * worker ends.
   */
  async #syncTerminatedPod(observed: Observed, state: Extract<PodWorkerState, { phase: "terminated" }>): Promise<SyncResult> {
    const pod = this.#pod;
    this.deps.prober.removePod(this.uid);
    switch (state.reason) {
      case "Finished":
      case "DeadlineExceeded":
        await this.#writeStatus(observed);
        await this.#tearDownVolumes();
        return "synced";
      case "Deleted":
        await this.#writeStatus(observed);
        for (const s of observed.sandboxes) await this.deps.runtime.removePodSandbox(s.id);
        await this.#tearDownVolumes();
        try {
          await this.deps.pods.delete(pod.metadata.namespace, pod.metadata.name ?? "", { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        return "synced";
      case "Gone":
        for (const s of observed.sandboxes) await this.deps.runtime.removePodSandbox(s.id);
        await this.#tearDownVolumes();
        this.deps.images.forgetPod(this.uid);
        this.deps.crashLoop.gc();
        return "done";
    }
  }

  async #act(pod: PodObject, plan: PodActions, observed: Observed): Promise<void> {
    // 1. Kill: containers first, then the sandbox when the pod goes or the sandbox is replaced.
    const grace = gracePeriodSeconds(pod);
    await this.runner.kill(
      this.#context(pod), plan.containersToKill, grace);
    if (plan.killPod) {
      for (const s of observed.sandboxes) if (s.state === "SANDBOX_READY") await this.deps.runtime.stopPodSandbox(s.id);
    }
    if (plan.podDone !== undefined || pod.metadata.deletionTimestamp) return;

    // 2. The sandbox.
    let sandbox = observed.sandbox?.state === "SANDBOX_READY" ? observed.sandbox : undefined;
    if (plan.createSandbox) {
      if (observed.sandbox !== undefined) {
        this.#event(pod, undefined, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
      }
      sandbox = await this.#createSandbox(pod, plan.sandboxAttempt);
      if (sandbox === undefined) return;
    }
    if (sandbox === undefined) return;

    // 3. Containers held back by the crash loop.
    for (const b of plan.backOff) {
      this.#waiting.set(b.name, { reason: b.reason, message: b.message });
      const c = podContainer(pod, b.name);
      this.#event(pod, c, "Warning", "BackOff", `Back-off restarting failed container ${b.name} in pod ${formatPod(pod)}`);
    }

    // 4. Init containers, then app containers.
    const ctx = this.#context(pod);
    for (const start of plan.initContainersToStart) {
      if (!(await this.runner.start(ctx, start, sandbox))) return;
    }
    for (const start of plan.containersToStart) await this.runner.start(ctx, start, sandbox);
  }

  async #createSandbox(pod: PodObject, attempt: number): Promise<PodSandboxStatus | undefined> {
    if ((await this.#setUpVolumes(pod)) === undefined) return undefined;
    const result = podSandboxConfig(pod, { ...this.deps.sandboxOptions, attempt });
    if ("error" in result) {
      this.#event(pod, undefined, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${result.error}`);
      this.#wantSyncAt(this.deps.clock.now().getTime() + retryMaxMs);
      return undefined;
    }
    for (const w of result.warnings) this.#event(pod, undefined, "Warning", w.reason, w.message);
    try {
      const id = await this.deps.runtime.runPodSandbox(result.config);
      return await this.deps.runtime.podSandboxStatus(id);
    } catch (e) {
      this.#event(pod, undefined, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${errorText(e)}`);
      this.#wantSyncAt(this.deps.clock.now().getTime() + setUpRetryMs);
      return undefined;
    }
  }

  async #setUpVolumes(pod: PodObject): Promise<PodVolumes | undefined> {
    try {
      this.#volumes = await this.deps.volumes.setUp(pod, this.deps.sources);
      return this.#volumes;
    } catch (e) {
      if (!(e instanceof PodVolumesError)) throw e;
      for (const f of e.failures) this.#event(pod, undefined, "Warning", "FailedMount", f.message);
      this.#wantSyncAt(this.deps.clock.now().getTime() + setUpRetryMs);
      return undefined;
    }
  }

  /**
   * A running pod's configMap, secret, downwardAPI and projected volumes follow their
   * sources (the kubelet's remount of volumes that RequiresRemount); unchanged files are
   * not rewritten. A source that is gone and not optional keeps the old files, with a
   * FailedMount event, as upstream. subPath mounts keep the file they were bound to.
   */
  async #updateVolumes(pod: PodObject): Promise<void> {
    try {
      await this.deps.volumes.update(pod, this.deps.sources);
    } catch (e) {
      if (!(e instanceof PodVolumesError)) throw e;
      for (const f of e.failures) this.#event(pod, undefined, "Warning", "FailedMount", f.message);
      this.#wantSyncAt(this.deps.clock.now().getTime() + remountRetryMs);
    }
  }

  async #tearDownVolumes(): Promise<void> {
    this.#volumes = undefined;
    await this.deps.volumes.tearDown(this.uid);
  }

  // -------------------------------------------------------------------------------------------
  // Probes and status

  /** Running instances get probe workers (also adopted ones), stopped ones lose them. */
  #syncProbers(observed: Observed): void {
    const pod = this.#pod;
    const podIP = observed.sandbox?.state === "SANDBOX_READY" ? (observed.sandbox.hostNetwork ? this.deps.node.hostIPs[0] : observed.sandbox.ips[0]) : undefined;
    for (const c of this.#allContainers()) {
      const name = c.name ?? "";
      const latest = latestAttempt(observed.containers, name);
      if (latest?.state === "CONTAINER_RUNNING" && podIP !== undefined) {
        this.deps.prober.containerStarted({
          pod: { uid: this.uid, name: pod.metadata.name ?? "", namespace: pod.metadata.namespace ?? "" },
          podIP,
          container: c,
          containerID: latest.id,
          startedAt: new Date(latest.startedAt),
        });
      } else {
        this.deps.prober.containerStopped(this.uid, name);
      }
    }
  }

  #probeResults(observed: Observed): Map<string, ProbeResults> {
    const { prober } = this.deps;
    const out = new Map<string, ProbeResults>();
    for (const c of this.#allContainers()) {
      const name = c.name ?? "";
      const latest: RuntimeContainerStatus | undefined = latestAttempt(observed.containers, name);
      if (latest?.state !== "CONTAINER_RUNNING") continue;
      const startup = prober.result(this.uid, name, "startup");
      out.set(latest.id, {
        ready: prober.result(this.uid, name, "readiness") === "success",
        started: c.startupProbe ? startup === "success" : true,
        livenessFailed: prober.result(this.uid, name, "liveness") === "failure",
        startupFailed: startup === "failure",
      });
    }
    return out;
  }

  async #writeStatus(observed: Observed): Promise<void> {
    const pod = this.#pod;
    const view = {
      probes: this.#probeResults(observed),
      waiting: this.#waiting,
      hostIPs: this.deps.node.hostIPs,
      ...(this.#podFailure ? { podFailure: this.#podFailure } : {}),
    };
    const status = computePodStatus(pod, observed, view, this.deps.clock.now());
    const old = this.#oldStatus();
    if (statusEqual(old as PodStatus, status)) return;
    // A merge patch: fields the new status no longer has are removed with null.
    const patch: Record<string, unknown> = { ...status };
    for (const key of Object.keys(old)) if (!(key in status)) patch[key] = null;
    try {
      const updated = await this.deps.pods.patchStatus(pod.metadata.namespace, pod.metadata.name ?? "", { status: patch }, "merge");
      if (!this.#gone && updated.metadata.uid === this.uid) this.#pod = updated;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  /** The status last written (the API types it loosely). */
  #oldStatus(): Partial<PodStatus> {
    return (this.#pod.status ?? {}) as Partial<PodStatus>;
  }

  #allContainers(): Container[] {
    return [...(this.#pod.spec?.initContainers ?? []), ...(this.#pod.spec?.containers ?? [])];
  }

  /** What the container steps may use and tell of this pod. */
  #context(pod: PodObject): PodSyncContext {
    return {
      pod,
      event: (container, type, reason, message) => this.#event(pod, container, type, reason, message),
      waiting: this.#waiting,
      volumes: async () => this.#volumes ?? (await this.#setUpVolumes(pod)),
      syncAt: (at) => this.#wantSyncAt(at),
    };
  }

  #event(pod: PodObject, container: Container | undefined, type: EventType, reason: string, message: string): void {
    const ref: ObjectReference = {
      kind: "Pod",
      namespace: pod.metadata.namespace ?? "",
      name: pod.metadata.name ?? "",
      uid: this.uid,
      apiVersion: "v1",
      ...(pod.metadata.resourceVersion ? { resourceVersion: pod.metadata.resourceVersion } : {}),
      ...(container ? { fieldPath: this.#fieldPath(container) } : {}),
    };
    this.deps.recorder.event(ref, type, reason, message);
  }

  #fieldPath(c: Container): string {
    const init = (this.#pod.spec?.initContainers ?? []).includes(c);
    return `spec.${init ? "initContainers" : "containers"}{${c.name ?? ""}}`;
  }
}

/** What the agent acts on: the spec and the metadata but its bookkeeping fields. */
function desiredState(pod: PodObject): string {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = pod.metadata;
  return JSON.stringify([metadata, pod.spec]);
}
