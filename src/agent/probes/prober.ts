/**
 * Probe workers, one per (pod, container, probe kind), with the kubelet's semantics
 * (pkg/kubelet/prober worker.go and prober_manager.go):
 *
 * - a worker runs only while its container runs; the agent says when a container started
 *   (a new container ID starts every worker afresh) and when it stopped;
 * - a result counts after `failureThreshold` failures or `successThreshold` successes in a
 *   row; errors (the probe could not run) count for nothing;
 * - readiness starts as failure, liveness as success, startup as unknown; while a startup
 *   probe has not succeeded, liveness and readiness do not run, and `initialDelaySeconds`
 *   is counted from the container's start for every kind (the code, not the docs);
 * - after a liveness or startup failure the worker holds until the container is replaced;
 * - once the pod is terminating, liveness and startup stop with their result pinned to
 *   success, and readiness keeps probing.
 *
 * The agent learns results through `onResult` (only when a result changes, as the kubelet's
 * results manager) and per-run `Unhealthy`/`ProbeWarning` events through `onEvent`.
 */
import type { Container, Probe } from "../../api/index.js";
import { systemClock, type Clock } from "../../base/index.js";
import type { ExecSyncResult } from "../../runtime/index.js";
import type { ProbeOutcome } from "./probe-outcome.js";
import { runProbeWithRetries, type ProbeTarget } from "./run-probe.js";

export type ProbeKind = "liveness" | "readiness" | "startup";
export type ProbeResult = "success" | "failure";

/** How the kubelet names each kind in event messages. */
export const probeKindName: Record<ProbeKind, string> = { liveness: "Liveness", readiness: "Readiness", startup: "Startup" };

/** A container that is running now, with what its probes need. */
export interface RunningContainer {
  pod: { uid: string; name: string; namespace: string };
  podIP: string;
  container: Container;
  containerID: string;
  startedAt: Date;
}

export interface ProbeResultUpdate {
  podUID: string;
  containerName: string;
  containerID: string;
  kind: ProbeKind;
  result: ProbeResult;
  /** The output of the probe run that decided it (empty when the result was pinned). */
  message: string;
  /** How many runs in a row gave this result when it was set. */
  consecutive: number;
  /** The probe's own grace period for a liveness or startup kill, when set. */
  terminationGracePeriodSeconds?: number;
}

export interface ProbeEvent {
  podUID: string;
  containerName: string;
  containerID: string;
  kind: ProbeKind;
  type: "Warning";
  reason: "Unhealthy" | "ProbeWarning";
  message: string;
}

export interface ProberOptions {
  clock?: Clock;
  /** Runs a command in a container: the runtime's ExecSync, passed as a function. */
  execSync: (containerID: string, command: string[], timeoutSeconds: number) => Promise<ExecSyncResult>;
  onResult: (update: ProbeResultUpdate) => void;
  onEvent?: (event: ProbeEvent) => void;
  /** `$(VAR)` expansion for exec commands from the container's static env values (upstream). */
  expandCommand?: (command: string[], container: Container) => string[];
}

/** Upstream defaults (SetDefaults_Probe), for objects that reach the agent without them (timeoutSeconds: run-probe.ts). */
const defaults = { periodSeconds: 10, successThreshold: 1, failureThreshold: 3, initialDelaySeconds: 0 };

export class Prober {
  /** Running containers by pod UID, then container name. */
  private readonly pods = new Map<string, Map<string, ContainerProbes>>();
  private readonly terminating = new Set<string>();
  private readonly loops = new Set<Promise<void>>();
  private readonly ctx: WorkerContext;

  /** The callbacks must not throw: they run inside the workers. */
  constructor(options: ProberOptions) {
    this.ctx = {
      clock: options.clock ?? systemClock,
      options,
      track: (loop) => {
        this.loops.add(loop);
        void loop.finally(() => this.loops.delete(loop));
      },
    };
  }

  /** A container started: its probe workers begin afresh (a new container ID resets them). */
  containerStarted(running: RunningContainer): void {
    const name = running.container.name ?? "";
    let containers = this.pods.get(running.pod.uid);
    const current = containers?.get(name);
    if (current?.running.containerID === running.containerID) return;
    current?.stop();
    if (!containers) this.pods.set(running.pod.uid, (containers = new Map()));
    const probes = new ContainerProbes(running, this.ctx);
    containers.set(name, probes);
    probes.start(this.terminating.has(running.pod.uid));
  }

  /** The container is no longer running: its workers stop; it is neither started nor ready. */
  containerStopped(podUID: string, containerName: string): void {
    const containers = this.pods.get(podUID);
    containers?.get(containerName)?.stop();
    containers?.delete(containerName);
  }

  /** The pod has a deletionTimestamp: liveness and startup end as success, readiness goes on. */
  podTerminating(podUID: string): void {
    this.terminating.add(podUID);
    for (const probes of this.pods.get(podUID)?.values() ?? []) probes.pinForTermination();
  }

  /** The pod is gone or reached a terminal phase: every worker of it stops. */
  removePod(podUID: string): void {
    for (const probes of this.pods.get(podUID)?.values() ?? []) probes.stop();
    this.pods.delete(podUID);
    this.terminating.delete(podUID);
  }

  /** `containerStatuses[].started`: running, and its startup probe (if any) has succeeded. */
  isStarted(podUID: string, containerName: string): boolean {
    return this.pods.get(podUID)?.get(containerName)?.started() ?? false;
  }

  /** `containerStatuses[].ready`: started, and its readiness probe (if any) has succeeded. */
  isReady(podUID: string, containerName: string): boolean {
    return this.pods.get(podUID)?.get(containerName)?.ready() ?? false;
  }

  /** The current result of one probe; undefined when there is no such probe or it is unknown. */
  result(podUID: string, containerName: string, kind: ProbeKind): ProbeResult | undefined {
    return this.pods.get(podUID)?.get(containerName)?.workers.get(kind)?.result;
  }

  /** Stops every worker and waits for probes under way to finish. */
  async stop(): Promise<void> {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
    await Promise.all(this.loops);
  }
}

interface WorkerContext {
  clock: Clock;
  options: ProberOptions;
  track(loop: Promise<void>): void;
}

/** The workers of one running container. */
class ContainerProbes {
  readonly workers = new Map<ProbeKind, ProbeWorker>();
  readonly target: ProbeTarget;

  constructor(readonly running: RunningContainer, ctx: WorkerContext) {
    const { pod, container, containerID } = running;
    this.target = {
      podFullName: `${pod.name}_${pod.namespace}(${pod.uid})`,
      podIP: running.podIP,
      container,
      execSync: (command, timeoutSeconds) => ctx.options.execSync(containerID, command, timeoutSeconds),
      ...(ctx.options.expandCommand ? { expandCommand: ctx.options.expandCommand } : {}),
    };
    const specs: [ProbeKind, Probe | undefined][] = [
      ["startup", container.startupProbe],
      ["liveness", container.livenessProbe],
      ["readiness", container.readinessProbe],
    ];
    for (const [kind, spec] of specs) if (spec) this.workers.set(kind, new ProbeWorker(kind, spec, this, ctx));
  }

  start(podTerminating: boolean): void {
    if (podTerminating) this.pinForTermination();
    for (const worker of this.workers.values()) worker.start();
  }

  stop(): void {
    for (const worker of this.workers.values()) worker.stop();
  }

  pinForTermination(): void {
    for (const kind of ["liveness", "startup"] as const) this.workers.get(kind)?.pin("success");
  }

  started(): boolean {
    const startup = this.workers.get("startup");
    return startup === undefined || startup.result === "success";
  }

  ready(): boolean {
    if (!this.started()) return false;
    const readiness = this.workers.get("readiness");
    return readiness === undefined || readiness.result === "success";
  }

  /** The startup probe passed: readiness runs at once, as the kubelet's manual trigger does. */
  startupSucceeded(): void {
    this.workers.get("readiness")?.trigger();
  }
}

class ProbeWorker {
  /** undefined is the kubelet's Unknown (the startup probe's first value). */
  result: ProbeResult | undefined;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: AbortController | undefined;
  private readonly period: number;

  constructor(
    readonly kind: ProbeKind,
    private readonly spec: Probe,
    private readonly owner: ContainerProbes,
    private readonly ctx: WorkerContext,
  ) {
    this.result = kind === "readiness" ? "failure" : kind === "liveness" ? "success" : undefined;
    this.period = (spec.periodSeconds || defaults.periodSeconds) * 1000;
  }

  start(): void {
    if (this.stopped || this.loop) return;
    this.loop = this.run();
    this.ctx.track(this.loop);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.abort();
  }

  /** Probe now instead of at the next tick. */
  trigger(): void {
    this.wake?.abort();
  }

  /** Sets a last result and stops probing (graceful pod shutdown). */
  pin(result: ProbeResult): void {
    this.stop();
    this.set(result, "", 0);
  }

  private async run(): Promise<void> {
    const { clock } = this.ctx;
    let tick = clock.now().getTime();
    while (!this.stopped) {
      if (!(await this.doProbe())) return;
      if (this.stopped) return;
      // The next tick of a fixed-period ticker; a slow probe makes the next one come at once.
      const now = clock.now().getTime();
      tick = Math.max(tick + this.period, now);
      // Before the initial delay is over, wake exactly when it ends rather than a period later.
      const delayEnd = this.owner.running.startedAt.getTime() + this.initialDelayMs();
      if (delayEnd > now && delayEnd < tick) tick = delayEnd;
      await this.sleep(tick - now);
    }
  }

  private async sleep(ms: number): Promise<void> {
    const wake = new AbortController();
    this.wake = wake;
    try {
      await this.ctx.clock.sleep(ms, wake.signal);
    } catch {
      // Woken early by trigger() or stop().
    } finally {
      if (this.wake === wake) this.wake = undefined;
    }
  }

  private initialDelayMs(): number {
    return (this.spec.initialDelaySeconds ?? defaults.initialDelaySeconds) * 1000;
  }

  /** One step of the worker; false ends it (upstream doProbe's keepGoing). */
  private async doProbe(): Promise<boolean> {
    const elapsed = this.ctx.clock.now().getTime() - this.owner.running.startedAt.getTime();
    if (elapsed < this.initialDelayMs()) return true;
    if (this.kind === "startup") {
      if (this.owner.started()) return false;
    } else if (!this.owner.started()) {
      // Liveness and readiness wait for the startup probe.
      return true;
    }

    const outcome = await runProbeWithRetries(this.spec, this.owner.target);
    if (this.stopped) return false;
    this.record(outcome);
    // An errored run is thrown away: it neither counts nor resets the run.
    if (outcome.error !== undefined) return true;

    const result: ProbeResult = outcome.result === "success" || outcome.result === "warning" ? "success" : "failure";
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold = result === "failure" ? this.spec.failureThreshold || defaults.failureThreshold : this.spec.successThreshold || defaults.successThreshold;
    if (this.resultRun < threshold) return true;

    this.set(result, outcome.output, this.resultRun);
    if (result === "failure" && this.kind !== "readiness") {
      // The container will be killed: hold until the agent reports a new container.
      this.resultRun = 0;
      return false;
    }
    if (result === "success" && this.kind === "startup") {
      this.owner.startupSucceeded();
      return false;
    }
    return true;
  }

  private set(result: ProbeResult, message: string, consecutive: number): void {
    if (this.result === result) return;
    this.result = result;
    const { running } = this.owner;
    const grace = this.kind !== "readiness" ? this.spec.terminationGracePeriodSeconds : undefined;
    this.ctx.options.onResult({
      podUID: running.pod.uid,
      containerName: running.container.name ?? "",
      containerID: running.containerID,
      kind: this.kind,
      result,
      message,
      consecutive,
      ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}),
    });
  }

  /** The events the kubelet records for every run that is not a plain success. */
  private record(outcome: ProbeOutcome): void {
    const name = probeKindName[this.kind];
    let reason: ProbeEvent["reason"];
    let message: string;
    if (outcome.error !== undefined) {
      reason = "Unhealthy";
      message = `${name} probe errored and resulted in ${outcome.result} state: ${outcome.error}`;
    } else if (outcome.result === "failure" || outcome.result === "unknown") {
      reason = "Unhealthy";
      message = `${name} probe failed: ${outcome.output}`;
    } else if (outcome.result === "warning") {
      reason = "ProbeWarning";
      message = `${name} probe warning: ${outcome.output}`;
    } else {
      return;
    }
    const { running } = this.owner;
    this.ctx.options.onEvent?.({
      podUID: running.pod.uid,
      containerName: running.container.name ?? "",
      containerID: running.containerID,
      kind: this.kind,
      type: "Warning",
      reason,
      message,
    });
  }
}
