/**
 * The sync plan: from the desired pod and what the runtime reports, what the agent does
 * next (kubelet kuberuntime_manager computePodActions + computeInitContainerActions).
 * Pure: the executor (sync-pod) carries the plan out; restarts it approves are recorded in
 * the CrashLoopBackOff by the executor (`backOffKey`), so planning twice changes nothing.
 *
 * Order of decisions:
 *  1. A deleted pod: stop everything (sidecars last, in reverse order), start nothing.
 *  2. No ready sandbox: kill what is left and create one (attempt + 1), starting over from
 *     the first init container — unless the pod has finished and must not run again.
 *  3. Init containers one at a time in spec order, each to exit 0 before the next; a
 *     sidecar (restartPolicy Always) is kept running and must be `started` before the next.
 *  4. App containers: start the missing, restart the exited per restartPolicy, kill the
 *     out-of-date (spec hash) and the unhealthy (liveness/startup probe failures).
 *  5. Nothing left running or to start: the pod is done; stop the sidecars in reverse order.
 * Every start of a container that exited before goes through the CrashLoopBackOff: while
 * it holds, the container is listed in `backOff` (CrashLoopBackOff reason and message)
 * instead of being started, and `waitUntil` says when to sync again.
 */
import type { Container, Pod } from "../api/index.js";
import type { ContainerStatus as RuntimeContainerStatus, PodSandboxStatus } from "../runtime/index.js";
import { CrashLoopBackOff, crashLoopBackOffMessage, type CrashLoopBackOffView } from "./crash-loop-backoff.js";
import {
  attemptsOf,
  containerSpecChanged,
  isRestartableInitContainer,
  latestAttempt,
  nextAttempt,
  podRestartPolicy,
  shouldContainerBeRestarted,
} from "./container-state.js";

/** What the runtime reports about one pod. */
export interface ObservedPod {
  /** The pod's newest sandbox, if any. */
  sandbox?: PodSandboxStatus;
  /** Every instance (all attempts) of the pod's containers. */
  containers: readonly RuntimeContainerStatus[];
}

/** The prober's latest results for one runtime container (they start afresh with each instance). */
export interface ProbeResults {
  /** Readiness; absent: no result yet. */
  ready?: boolean;
  /** Startup probe passed (and postStart done); absent: no startup probe result yet. */
  started?: boolean;
  livenessFailed?: boolean;
  startupFailed?: boolean;
}

/** Probe results keyed by runtime container id. */
export type ProbeResultsById = ReadonlyMap<string, ProbeResults>;

export interface ContainerToStart {
  name: string;
  /** The new instance's attempt, which is its restartCount. */
  attempt: number;
  /** Record the restart in the CrashLoopBackOff under this key, after the exit at `finishedAt`. */
  backOffKey: string;
  /** When the previous instance exited; absent on a first start. */
  finishedAt?: Date;
}

/**
 * Why a container is killed. LivenessProbe/StartupProbe/Unknown are upstream's
 * containerKillReason values; the others name the plan step.
 */
export type KillReason = "LivenessProbe" | "StartupProbe" | "Unknown" | "SpecChanged" | "PodTermination";

export interface ContainerToKill {
  id: string;
  name: string;
  reason: KillReason;
  /** The Killing event's message. */
  message: string;
}

/** A container held back by the CrashLoopBackOff: its waiting reason and message. */
export interface ContainerBackOff {
  name: string;
  reason: "CrashLoopBackOff";
  message: string;
  until: Date;
}

export type PodOutcome = "Succeeded" | "Failed";

export interface PodActions {
  /** Stop every container in `containersToKill` (in that order) and the sandbox. */
  killPod: boolean;
  createSandbox: boolean;
  /** The attempt of the sandbox to create. */
  sandboxAttempt: number;
  /** Init containers to start, in order: sidecars to (re)start and at most one regular one. */
  initContainersToStart: ContainerToStart[];
  containersToStart: ContainerToStart[];
  containersToKill: ContainerToKill[];
  backOff: ContainerBackOff[];
  /** The earliest time a held-back container may start: sync again then. */
  waitUntil?: Date;
  /** Set when the pod has finished and nothing will run again. */
  podDone?: PodOutcome;
}

export function computePodActions(
  pod: Pod,
  observed: ObservedPod,
  now: Date,
  backoff: CrashLoopBackOffView,
  probes: ProbeResultsById = new Map(),
): PodActions {
  return new Planner(pod, observed, now, backoff, probes).plan();
}

class Planner {
  readonly actions: PodActions = {
    killPod: false,
    createSandbox: false,
    sandboxAttempt: 0,
    initContainersToStart: [],
    containersToStart: [],
    containersToKill: [],
    backOff: [],
  };
  readonly initContainers: readonly Container[];
  readonly appContainers: readonly Container[];

  constructor(
    readonly pod: Pod,
    readonly observed: ObservedPod,
    readonly now: Date,
    readonly backoff: CrashLoopBackOffView,
    readonly probes: ProbeResultsById,
  ) {
    this.initContainers = pod.spec?.initContainers ?? [];
    this.appContainers = pod.spec?.containers ?? [];
  }

  plan(): PodActions {
    this.decide();
    const untils = this.actions.backOff.map((b) => b.until.getTime());
    if (untils.length > 0) this.actions.waitUntil = new Date(Math.min(...untils));
    return this.actions;
  }

  latest(name: string | undefined): RuntimeContainerStatus | undefined {
    return latestAttempt(this.observed.containers, name ?? "");
  }

  decide(): void {
    const { actions, pod } = this;
    // 1. A deleted pod only stops.
    if (pod.metadata?.deletionTimestamp) {
      actions.killPod = true;
      this.killEverything();
      if (!this.anyRunning()) actions.podDone = this.outcome();
      return;
    }

    // 2. The sandbox (runtimeutil.PodSandboxChanged): none, or not ready, means a new one.
    const sandbox = this.observed.sandbox;
    if (sandbox === undefined || sandbox.state !== "SANDBOX_READY") {
      this.planNewSandbox(sandbox);
      return;
    }

    // 3. and 4.
    const initialized = this.planInitContainers();
    if (actions.killPod || !initialized) return;
    this.planAppContainers();
  }

  planNewSandbox(sandbox: PodSandboxStatus | undefined): void {
    const { actions, pod } = this;
    const attempt = sandbox === undefined ? 0 : sandbox.metadata.attempt + 1;
    actions.killPod = true;
    actions.createSandbox = true;
    actions.sandboxAttempt = attempt;
    this.killEverything();
    const policy = podRestartPolicy(pod);
    // A pod that must not restart and has run containers is finished, not re-created.
    // (No containers yet: the sandbox itself failed, so try again.)
    if (policy === "Never" && attempt !== 0 && this.observed.containers.length > 0) {
      actions.createSandbox = false;
      actions.podDone = this.outcome();
      return;
    }
    const toStart = this.appContainers.filter((c) => !(policy === "OnFailure" && this.succeeded(c)));
    if (toStart.length === 0 && this.appContainers.some((c) => this.latest(c.name) !== undefined)) {
      actions.createSandbox = false;
      actions.podDone = this.outcome();
      return;
    }
    // A new sandbox starts again from the first init container (E3).
    const first = this.initContainers[0];
    if (first !== undefined) {
      this.start(first, actions.initContainersToStart);
      return;
    }
    for (const c of toStart) this.start(c, actions.containersToStart);
  }

  /** Returns whether initialization is complete, so app containers may run. */
  planInitContainers(): boolean {
    const { actions } = this;
    // Once an app container exists, regular init containers are done for this sandbox;
    // only sidecars need to be kept running.
    const initialized = this.appContainers.some((c) => this.latest(c.name) !== undefined);
    for (const c of this.initContainers) {
      const s = this.latest(c.name);
      if (isRestartableInitContainer(c)) {
        if (s === undefined || s.state !== "CONTAINER_RUNNING") {
          if (s?.state === "CONTAINER_UNKNOWN") this.killUnknown(s);
          // Sidecars restart whatever the pod's restartPolicy (F4).
          this.start(c, actions.initContainersToStart);
          if (!initialized) return false;
          continue;
        }
        const kill = this.killReason(c, s, "Init container");
        if (kill !== undefined) {
          actions.containersToKill.push({ id: s.id, name: s.metadata.name, ...kill });
          this.start(c, actions.initContainersToStart);
          if (!initialized) return false;
          continue;
        }
        // The next init container waits for this sidecar to be started (F2).
        if (!initialized && !this.started(c, s)) return false;
        continue;
      }
      if (initialized) continue;
      if (s === undefined) {
        this.start(c, actions.initContainersToStart);
        return false;
      }
      switch (s.state) {
        case "CONTAINER_RUNNING":
          return false;
        case "CONTAINER_EXITED":
          if (s.exitCode === 0) continue;
          // A failed init container under Never fails the pod (E2).
          if (podRestartPolicy(this.pod) === "Never") {
            actions.killPod = true;
            this.killEverything();
            actions.podDone = "Failed";
            return false;
          }
          this.start(c, actions.initContainersToStart);
          return false;
        default:
          // Created but never started, or unknown: the runtime failed to start it; start anew.
          if (s.state === "CONTAINER_UNKNOWN") this.killUnknown(s);
          this.start(c, actions.initContainersToStart);
          return false;
      }
    }
    return true;
  }

  planAppContainers(): void {
    const { actions, pod } = this;
    let keep = 0;
    let toStart = 0;
    for (const c of this.appContainers) {
      const s = this.latest(c.name);
      if (s === undefined || s.state !== "CONTAINER_RUNNING") {
        if (shouldContainerBeRestarted(pod, s)) {
          if (s?.state === "CONTAINER_UNKNOWN") this.killUnknown(s);
          this.start(c, actions.containersToStart);
          toStart++;
        }
        continue;
      }
      const kill = this.killReason(c, s, "Container");
      if (kill === undefined) {
        keep++;
        continue;
      }
      // A changed spec restarts the container whatever the restartPolicy (G9).
      const restart = kill.reason === "SpecChanged" || podRestartPolicy(pod) !== "Never";
      actions.containersToKill.push({
        id: s.id,
        name: s.metadata.name,
        reason: kill.reason,
        message: restart ? `${kill.message}, will be restarted` : kill.message,
      });
      if (restart) {
        this.start(c, actions.containersToStart);
        toStart++;
      }
    }
    if (keep === 0 && toStart === 0) {
      // Every app container has finished for good: the pod is done, and its sidecars must
      // not keep it alive (F5).
      const killedApps = new Set(actions.containersToKill.map((k) => k.id));
      actions.killPod = true;
      actions.initContainersToStart = [];
      actions.backOff = actions.backOff.filter((b) => this.appContainers.some((c) => c.name === b.name));
      this.killEverything();
      actions.podDone = this.outcome(killedApps);
    }
  }

  /** The reason to kill a running container, if any (upstream order: spec, liveness, startup). */
  killReason(c: Container, s: RuntimeContainerStatus, noun: string): { reason: KillReason; message: string } | undefined {
    if (containerSpecChanged(c, s)) return { reason: "SpecChanged", message: `${noun} ${c.name} definition changed` };
    const results = this.probes.get(s.id);
    if (results?.livenessFailed) return { reason: "LivenessProbe", message: `${noun} ${c.name} failed liveness probe` };
    if (results?.startupFailed) return { reason: "StartupProbe", message: `${noun} ${c.name} failed startup probe` };
    return undefined;
  }

  /** Started: running and, with a startup probe, passed it (C12). */
  started(c: Container, s: RuntimeContainerStatus): boolean {
    const started = this.probes.get(s.id)?.started;
    return c.startupProbe !== undefined ? started === true : started ?? true;
  }

  succeeded(c: Container): boolean {
    const s = this.latest(c.name);
    return s !== undefined && s.state === "CONTAINER_EXITED" && s.exitCode === 0;
  }

  /** Plan a start, or hold it back while the container's CrashLoopBackOff runs (doBackOff). */
  start(c: Container, into: ContainerToStart[]): void {
    const name = c.name ?? "";
    const previous = this.latest(name);
    const backOffKey = CrashLoopBackOff.key(this.pod, c);
    const attempt = nextAttempt(previous);
    // As doBackOff, the back-off counts from the newest instance that exited, even when a
    // newer one still runs (killed now for a failed probe): a container killed again soon
    // after its restart waits out the delay instead of restarting at once.
    const exited = attemptsOf(this.observed.containers, name).find((s) => s.state === "CONTAINER_EXITED");
    if (exited === undefined) {
      into.push({ name, attempt, backOffKey });
      return;
    }
    const finishedAt = new Date(exited.finishedAt);
    const wait = this.backoff.inBackOffSince(backOffKey, finishedAt, this.now);
    if (wait !== undefined) {
      this.actions.backOff.push({
        name,
        reason: "CrashLoopBackOff",
        message: crashLoopBackOffMessage(wait.delayMs, name, this.pod),
        until: wait.until,
      });
      return;
    }
    into.push({ name, attempt, backOffKey, finishedAt });
  }

  killUnknown(s: RuntimeContainerStatus): void {
    this.actions.containersToKill.push({
      id: s.id,
      name: s.metadata.name,
      reason: "Unknown",
      message: `Container is in "CONTAINER_UNKNOWN" state, try killing it before restart`,
    });
  }

  anyRunning(): boolean {
    return this.observed.containers.some((c) => c.state === "CONTAINER_RUNNING");
  }

  /**
   * Stop every running container not already listed: app containers and regular init
   * containers first, then sidecars one at a time in reverse spec order (F6).
   */
  killEverything(): void {
    const listed = new Set(this.actions.containersToKill.map((k) => k.id));
    const kill = (c: Container): void => {
      const s = this.latest(c.name);
      if (s === undefined || listed.has(s.id)) return;
      if (s.state !== "CONTAINER_RUNNING" && s.state !== "CONTAINER_UNKNOWN") return;
      this.actions.containersToKill.push({ id: s.id, name: s.metadata.name, reason: "PodTermination", message: `Stopping container ${s.metadata.name}` });
      listed.add(s.id);
    };
    for (const c of this.appContainers) kill(c);
    for (const c of this.initContainers) if (!isRestartableInitContainer(c)) kill(c);
    for (const c of [...this.initContainers].reverse()) if (isRestartableInitContainer(c)) kill(c);
  }

  /**
   * How the finished pod ends, from its app containers only (F5, A9): Succeeded when every
   * one exited 0 (and is not being killed), else Failed.
   */
  outcome(killed: ReadonlySet<string> = new Set()): PodOutcome {
    const allZero = this.appContainers.every((c) => {
      const s = this.latest(c.name);
      return s !== undefined && s.state === "CONTAINER_EXITED" && s.exitCode === 0 && !killed.has(s.id);
    });
    return allZero ? "Succeeded" : "Failed";
  }
}
