/**
 * The pod status the agent reports, computed from the pod, the runtime's view and what the
 * agent itself knows (probe results, waiting reasons it decided, host IPs), as the kubelet's
 * generateAPIPodStatus / convertToAPIContainerStatuses / getPhase and the condition
 * generators in pkg/kubelet/status/generate.go. Pure: the writer writes it when
 * `statusEqual` says it changed. Rules: shared/pod-semantics.md sections A–C.
 */
import {
  formatTime,
  podQosClass,
  semanticEqual,
  type Container,
  type ContainerState,
  type ContainerStateTerminated,
  type ContainerStatus,
  type Pod,
  type PodCondition,
  type PodPhase,
  type PodStatus,
} from "../api/index.js";
import type { ContainerStatus as RuntimeContainerStatus } from "../runtime/index.js";
import type { ObservedPod, ProbeResultsById } from "./compute-pod-actions.js";
import { attemptsOf, isRestartableInitContainer, podRestartPolicy, shouldContainerBeRestarted } from "./container-state.js";

/** A waiting reason the agent decided for a container (upstream reasonCache). */
export interface ContainerWaitingReason {
  reason: string;
  message: string;
}

/** What the agent knows beyond the runtime's view. */
export interface AgentView {
  /** Probe results by runtime container id. */
  probes?: ProbeResultsById;
  /**
   * Waiting reasons by container name from the last sync: ErrImagePull, ImagePullBackOff,
   * InvalidImageName, CreateContainerConfigError, CrashLoopBackOff (message back-off …).
   * Shown while the container is not running and due to be (re)started.
   */
  waiting?: ReadonlyMap<string, ContainerWaitingReason>;
  /** The node's addresses, primary first; absent: those reported before. */
  hostIPs?: readonly string[];
  /** A pod-level failure the agent decided (DeadlineExceeded, Evicted): phase Failed with it. */
  podFailure?: { reason: string; message: string };
}

/** The runtime's container ids carry the runtime's name (C14). */
export const containerIdPrefix = "peapod://";

/** Condition types the kubelet owns; every other condition in the old status is kept. */
const kubeletConditionTypes = new Set(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]);

export function computePodStatus(pod: Pod, observed: ObservedPod, agentView: AgentView, now: Date): PodStatus {
  const old = (pod.status ?? {}) as Partial<PodStatus>;
  const spec = pod.spec ?? {};
  const initSpecs = spec.initContainers ?? [];
  const appSpecs = spec.containers ?? [];
  const hasInit = initSpecs.length > 0;

  const oldStatuses = new Map([...(old.initContainerStatuses ?? []), ...(old.containerStatuses ?? [])].map((s) => [s.name, s] as const));
  const toStatus = (c: Container, isInit: boolean): ContainerStatus =>
    containerStatus(pod, c, isInit, hasInit, observed.containers, agentView, oldStatuses.get(c.name ?? ""));
  const initContainerStatuses = initSpecs.map((c) => toStatus(c, true));
  // Sorted by name, as upstream SortedContainerStatuses (C13): kubectl's STATUS relies on it.
  const containerStatuses = appSpecs.map((c) => toStatus(c, false)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  const anyRunning = observed.containers.some((c) => c.state === "CONTAINER_RUNNING");
  let phase = getPhase(pod, initContainerStatuses, containerStatuses, deleting && !anyRunning);
  let reason: string | undefined;
  let message: string | undefined;
  if (agentView.podFailure !== undefined) {
    phase = "Failed";
    ({ reason, message } = agentView.podFailure);
  }
  // Terminal phases are sticky (A7).
  if ((old.phase === "Succeeded" || old.phase === "Failed") && phase !== old.phase) phase = old.phase;
  // The pod-level reason and message live as long as the phase (A12).
  if (reason === undefined && old.phase === phase) {
    reason = old.reason;
    message = old.message;
  }

  const sandboxReady = observed.sandbox?.state === "SANDBOX_READY";
  const owned = [
    condition("PodReadyToStartContainers", sandboxReady ? "True" : "False"),
    initializedCondition(initSpecs, initContainerStatuses, containerStatuses, phase),
    readyCondition(pod, initSpecs, initContainerStatuses, containerStatuses, phase, old.conditions ?? []),
    containersReadyCondition(initSpecs, initContainerStatuses, containerStatuses, phase),
    condition("PodScheduled", "True"),
  ];
  const kept = (old.conditions ?? []).filter((c) => !kubeletConditionTypes.has(c.type));
  const conditions = [...kept, ...owned].map((c) => withTransitionTime(c, old.conditions ?? [], now));

  const status: PodStatus = { phase, conditions, containerStatuses };
  if (reason) status.reason = reason;
  if (message) status.message = message;
  const hostIPs = agentView.hostIPs ?? (old.hostIPs ?? []).map((h) => h.ip);
  if (hostIPs.length > 0) {
    status.hostIP = hostIPs[0]!;
    status.hostIPs = hostIPs.map((ip) => ({ ip }));
  }
  // A host-network pod has the node's addresses; a torn-down sandbox keeps the old ones.
  const podIPs = spec.hostNetwork ? hostIPs : sandboxReady ? observed.sandbox!.ips : (old.podIPs ?? []).map((p) => p.ip);
  if (podIPs.length > 0) {
    status.podIP = podIPs[0]!;
    status.podIPs = podIPs.map((ip) => ({ ip }));
  }
  status.startTime = old.startTime ?? formatTime(now);
  if (hasInit) status.initContainerStatuses = initContainerStatuses;
  status.qosClass = podQosClass(pod);
  return status;
}

/** Whether two statuses say the same thing, so the agent writes only on change. */
export function statusEqual(a: PodStatus, b: PodStatus): boolean {
  return semanticEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// Container statuses

function containerStatus(
  pod: Pod,
  c: Container,
  isInit: boolean,
  hasInit: boolean,
  observed: readonly RuntimeContainerStatus[],
  view: AgentView,
  oldStatus: ContainerStatus | undefined,
): ContainerStatus {
  const name = c.name ?? "";
  const [latest, previous] = attemptsOf(observed, name);
  const status: ContainerStatus = {
    name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: 0,
    image: c.image ?? "",
    imageID: "",
    started: false,
  };
  if (latest === undefined) {
    // Never created yet (C2), or removed from the runtime (the pod finished and its
    // sandbox went): what was reported before still holds.
    if (oldStatus?.state?.terminated !== undefined) return oldStatus;
    status.state = { waiting: { reason: hasInit ? "PodInitializing" : "ContainerCreating" } };
    if (oldStatus !== undefined) {
      status.restartCount = oldStatus.restartCount ?? 0;
      status.lastState = oldStatus.lastState ?? {};
      // A container that was running and vanished did stop (C10): say so, so that the
      // pod does not fall back to Pending.
      if (oldStatus.state?.running !== undefined && status.lastState.terminated === undefined) {
        status.lastState = {
          terminated: {
            exitCode: 137,
            reason: "ContainerStatusUnknown",
            message: "The container could not be located when the pod was deleted.  The container used to be Running",
            startedAt: null,
            finishedAt: null,
          },
        };
        if (!pod.metadata?.deletionTimestamp) status.restartCount++;
      }
    }
  } else {
    status.state = runtimeState(latest);
    if (previous !== undefined && previous.state === "CONTAINER_EXITED") status.lastState = { terminated: terminatedState(previous) };
    status.restartCount = latest.metadata.attempt;
    status.imageID = latest.imageRef;
    status.containerID = containerIdPrefix + latest.id;
    const running = latest.state === "CONTAINER_RUNNING";
    const probes = view.probes?.get(latest.id);
    const sidecar = isInit && isRestartableInitContainer(c);
    if (isInit && !sidecar) {
      // A regular init container is ready once it has exited 0 (C11).
      status.ready = latest.state === "CONTAINER_EXITED" && latest.exitCode === 0;
      status.started = running;
    } else {
      status.started = running && (c.startupProbe !== undefined ? probes?.started === true : probes?.started ?? true);
      status.ready = status.started && (c.readinessProbe !== undefined ? probes?.ready === true : true);
    }
  }

  // A container due to be (re)started shows why it is not running yet (upstream
  // convertToAPIContainerStatuses: reasonCache); the exited instance becomes lastState.
  const waiting = view.waiting?.get(name);
  if (waiting !== undefined && dueToStart(pod, c, isInit, latest)) {
    if (status.state.terminated !== undefined) status.lastState = { terminated: status.state.terminated };
    status.state = { waiting: { reason: waiting.reason, message: waiting.message } };
  }
  return status;
}

/** Whether the agent will (re)start the container, so a waiting reason applies to it. */
function dueToStart(pod: Pod, c: Container, isInit: boolean, latest: RuntimeContainerStatus | undefined): boolean {
  if (isInit && isRestartableInitContainer(c)) {
    // Sidecars restart whatever the pod's restartPolicy (F4).
    return !pod.metadata?.deletionTimestamp && latest?.state !== "CONTAINER_RUNNING";
  }
  // A regular init container that exited 0 is done.
  if (isInit && latest?.state === "CONTAINER_EXITED" && latest.exitCode === 0) return false;
  return shouldContainerBeRestarted(pod, latest);
}

function runtimeState(s: RuntimeContainerStatus): ContainerState {
  switch (s.state) {
    case "CONTAINER_RUNNING":
      return { running: { startedAt: time(s.startedAt) } };
    case "CONTAINER_EXITED":
      return { terminated: terminatedState(s) };
    case "CONTAINER_CREATED":
      return { waiting: { reason: "ContainerCreating" } };
    default:
      return { waiting: {} };
  }
}

function terminatedState(s: RuntimeContainerStatus): ContainerStateTerminated {
  const t: ContainerStateTerminated = {
    exitCode: s.exitCode,
    reason: s.reason || (s.exitCode === 0 ? "Completed" : "Error"),
    startedAt: time(s.startedAt),
    finishedAt: time(s.finishedAt),
    containerID: containerIdPrefix + s.id,
  };
  if (s.message) t.message = s.message;
  return t;
}

function time(ms: number): string | null {
  return ms > 0 ? formatTime(new Date(ms)) : null;
}

// ---------------------------------------------------------------------------------------------
// Phase (upstream getPhase; pod-semantics A4, A5, A8, A9)

function getPhase(pod: Pod, initStatuses: ContainerStatus[], appStatuses: ContainerStatus[], podIsTerminal: boolean): PodPhase {
  const spec = pod.spec ?? {};
  const byName = new Map([...initStatuses, ...appStatuses].map((s) => [s.name, s] as const));
  let pendingInit = 0;
  let failedInit = 0;
  let pendingSidecars = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;

  for (const c of spec.initContainers ?? []) {
    const s = byName.get(c.name ?? "");
    if (isRestartableInitContainer(c)) {
      // Terminated sidecars (or ones restarting after a termination) are ignored.
      if (s === undefined) {
        unknown++;
      } else if (s.state.running !== undefined) {
        if (!s.started) pendingSidecars++;
        running++;
      } else if (s.state.waiting !== undefined && s.lastState.terminated === undefined) {
        pendingSidecars++;
        waiting++;
      }
      continue;
    }
    if (s === undefined || s.state.running !== undefined) pendingInit++;
    else if (s.state.terminated !== undefined) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.lastState.terminated !== undefined) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }

  let appStarted = false;
  for (const c of spec.containers ?? []) {
    const s = byName.get(c.name ?? "");
    if (s === undefined) {
      unknown++;
    } else if (s.state.running !== undefined) {
      running++;
      appStarted = true;
    } else if (s.state.terminated !== undefined) {
      stopped++;
      appStarted = true;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated !== undefined) {
      stopped++;
      appStarted = true;
    } else {
      waiting++;
    }
  }

  const policy = podRestartPolicy(pod);
  if (failedInit > 0 && policy === "Never") return "Failed";
  if ((pendingInit > 0 || pendingSidecars > 0) && !appStarted) return "Pending";
  if (waiting > 0) return "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === "Always" && !podIsTerminal) return "Running"; // restarting
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never" || podIsTerminal) return "Failed";
    return "Running"; // OnFailure: the failed ones restart
  }
  return "Pending";
}

// ---------------------------------------------------------------------------------------------
// Conditions (pkg/kubelet/status/generate.go; pod-semantics B)

function condition(type: string, status: "True" | "False", reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status, lastProbeTime: null, lastTransitionTime: null };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** Go's %s of a []string: [a b]. */
function goList(names: string[]): string {
  return `[${names.join(" ")}]`;
}

function anyRegularContainerStarted(appStatuses: ContainerStatus[]): boolean {
  return appStatuses.some((s) => s.state.running !== undefined || s.state.terminated !== undefined || s.lastState.terminated !== undefined);
}

function initializedCondition(initSpecs: Container[], initStatuses: ContainerStatus[], appStatuses: ContainerStatus[], phase: PodPhase): PodCondition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of initSpecs) {
    const s = initStatuses.find((x) => x.name === c.name);
    if (s === undefined) unknown.push(c.name ?? "");
    else if (isRestartableInitContainer(c) ? !s.started : !s.ready) incomplete.push(c.name ?? "");
  }
  // Also for a pod without init containers: upstream has no shortcut for them.
  if (phase === "Succeeded" && unknown.length === 0) return condition("Initialized", "True", "PodCompleted");
  // Initialized once: restarting sidecars do not undo it (B4).
  if (anyRegularContainerStarted(appStatuses)) return condition("Initialized", "True");
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length > 0) return condition("Initialized", "False", "ContainersNotInitialized", messages.join(", "));
  return condition("Initialized", "True");
}

function containersReadyCondition(initSpecs: Container[], initStatuses: ContainerStatus[], appStatuses: ContainerStatus[], phase: PodPhase): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (name: string, statuses: ContainerStatus[]): void => {
    const s = statuses.find((x) => x.name === name);
    if (s === undefined) unknown.push(name);
    else if (!s.ready) unready.push(name);
  };
  for (const c of initSpecs) if (isRestartableInitContainer(c)) check(c.name ?? "", initStatuses);
  for (const s of appStatuses) check(s.name, appStatuses);
  if (phase === "Succeeded" && unknown.length === 0) return condition("ContainersReady", "False", "PodCompleted");
  if (phase === "Failed") return condition("ContainersReady", "False", "PodFailed");
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length > 0) return condition("ContainersReady", "False", "ContainersNotReady", messages.join(", "));
  return condition("ContainersReady", "True");
}

function readyCondition(
  pod: Pod,
  initSpecs: Container[],
  initStatuses: ContainerStatus[],
  appStatuses: ContainerStatus[],
  phase: PodPhase,
  oldConditions: PodCondition[],
): PodCondition {
  const containersReady = containersReadyCondition(initSpecs, initStatuses, appStatuses, phase);
  if (containersReady.status !== "True") return condition("Ready", containersReady.status as "False", containersReady.reason, containersReady.message);
  const messages: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const type = gate.conditionType ?? "";
    const c = oldConditions.find((x) => x.type === type);
    if (c === undefined) messages.push(`corresponding condition of pod readiness gate "${type}" does not exist.`);
    else if (c.status !== "True") messages.push(`the status of pod readiness gate "${type}" is not "True", but ${c.status}`);
  }
  if (messages.length > 0) return condition("Ready", "False", "ReadinessGatesNotReady", messages.join(", "));
  return condition("Ready", "True");
}

/** lastTransitionTime moves only when the status flips (B7). */
function withTransitionTime(c: PodCondition, oldConditions: PodCondition[], now: Date): PodCondition {
  const previous = oldConditions.find((x) => x.type === c.type);
  if (previous !== undefined && previous.status === c.status) {
    return { ...c, lastProbeTime: previous.lastProbeTime ?? null, lastTransitionTime: previous.lastTransitionTime ?? null };
  }
  return { ...c, lastTransitionTime: formatTime(now) };
}
