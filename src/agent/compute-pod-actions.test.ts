import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Container } from "../api/index.js";
import type { ContainerStatus as RuntimeContainerStatus, PodSandboxStatus } from "../runtime/index.js";
import { computePodActions, type PodActions, type ProbeResults } from "./compute-pod-actions.js";
import { containerHash, containerHashAnnotation } from "./container-state.js";
import { CrashLoopBackOff } from "./crash-loop-backoff.js";
import { at, container, instance, pod, sandbox, sidecar, type PodOptions } from "./testing/pod-fixtures.js";

/** The plan in short: what a table row compares. */
interface Summary {
  killPod?: boolean;
  createSandbox?: boolean;
  sandboxAttempt?: number;
  init?: string[];
  start?: string[];
  kill?: string[];
  backOff?: string[];
  waitUntil?: number;
  podDone?: "Succeeded" | "Failed";
}

function summarize(a: PodActions): Summary {
  const s: Summary = {};
  if (a.killPod) s.killPod = true;
  if (a.createSandbox) s.createSandbox = true;
  if (a.sandboxAttempt !== 0) s.sandboxAttempt = a.sandboxAttempt;
  if (a.initContainersToStart.length > 0) s.init = a.initContainersToStart.map((c) => `${c.name}#${c.attempt}`);
  if (a.containersToStart.length > 0) s.start = a.containersToStart.map((c) => `${c.name}#${c.attempt}`);
  if (a.containersToKill.length > 0) s.kill = a.containersToKill.map((k) => `${k.name}: ${k.message}`);
  if (a.backOff.length > 0) s.backOff = a.backOff.map((b) => `${b.name}: ${b.message}`);
  if (a.waitUntil !== undefined) s.waitUntil = (a.waitUntil.getTime() - at(0).getTime()) / 1000;
  if (a.podDone !== undefined) s.podDone = a.podDone;
  return s;
}

interface Case {
  name: string;
  pod: PodOptions;
  sandbox?: PodSandboxStatus;
  containers?: RuntimeContainerStatus[];
  probes?: Record<string, ProbeResults>;
  /** Containers (by spec) whose back-off advanced after the exit at this many seconds. */
  backedOff?: [Container, number][];
  now?: number;
  want: Summary;
}

const withStartup = sidecar("proxy", { startupProbe: { exec: { command: ["true"] } } });
const ready = sandbox();

const cases: Case[] = [
  // 2. Sandbox
  {
    name: "a new pod gets a sandbox and its app container",
    pod: {},
    want: { killPod: true, createSandbox: true, start: ["app#0"] },
  },
  {
    name: "a new pod with init containers starts only the first one",
    pod: { initContainers: [container("init-a"), container("init-b")] },
    want: { killPod: true, createSandbox: true, init: ["init-a#0"] },
  },
  {
    name: "a dead sandbox is re-created with the next attempt and init starts over",
    pod: { initContainers: [container("init-a")] },
    sandbox: sandbox("SANDBOX_NOTREADY", 0),
    containers: [instance("init-a", 0, "exited"), instance("app", 0, "exited", { exitCode: 137 })],
    now: 3,
    want: { killPod: true, createSandbox: true, sandboxAttempt: 1, init: ["init-a#1"] },
  },
  {
    name: "a finished Never pod whose sandbox is gone is not re-created",
    pod: { restartPolicy: "Never" },
    sandbox: sandbox("SANDBOX_NOTREADY", 0),
    containers: [instance("app", 0, "exited")],
    want: { killPod: true, sandboxAttempt: 1, podDone: "Succeeded" },
  },
  {
    name: "an OnFailure pod whose containers all succeeded is not re-created",
    pod: { restartPolicy: "OnFailure" },
    sandbox: sandbox("SANDBOX_NOTREADY", 2),
    containers: [instance("app", 0, "exited")],
    want: { killPod: true, sandboxAttempt: 3, podDone: "Succeeded" },
  },
  {
    name: "a Never pod whose sandbox failed before any container retries the sandbox",
    pod: { restartPolicy: "Never" },
    sandbox: sandbox("SANDBOX_NOTREADY", 0),
    want: { killPod: true, createSandbox: true, sandboxAttempt: 1, start: ["app#0"] },
  },
  // 3. Init containers
  {
    name: "a running init container is waited for",
    pod: { initContainers: [container("init-a"), container("init-b")] },
    sandbox: ready,
    containers: [instance("init-a", 0, "running")],
    want: {},
  },
  {
    name: "the next init container starts once the previous exited 0",
    pod: { initContainers: [container("init-a"), container("init-b")] },
    sandbox: ready,
    containers: [instance("init-a", 0, "exited")],
    want: { init: ["init-b#0"] },
  },
  {
    name: "app containers start once every init container exited 0",
    pod: { initContainers: [container("init-a")], containers: [container("app"), container("log")] },
    sandbox: ready,
    containers: [instance("init-a", 0, "exited")],
    want: { start: ["app#0", "log#0"] },
  },
  {
    name: "a failed init container under Never fails the pod",
    pod: { restartPolicy: "Never", initContainers: [container("init-a")] },
    sandbox: ready,
    containers: [instance("init-a", 0, "exited", { exitCode: 1 })],
    want: { killPod: true, podDone: "Failed" },
  },
  {
    name: "a failed init container under Always restarts at once the first time",
    pod: { initContainers: [container("init-a")] },
    sandbox: ready,
    containers: [instance("init-a", 0, "exited", { exitCode: 1 })],
    now: 3,
    want: { init: ["init-a#1"] },
  },
  {
    name: "a failed init container under OnFailure waits out its back-off",
    pod: { restartPolicy: "OnFailure", initContainers: [container("init-a")] },
    sandbox: ready,
    containers: [instance("init-a", 1, "exited", { exitCode: 1, finishedAt: 20 })],
    backedOff: [[container("init-a"), 2], [container("init-a"), 8]],
    now: 25,
    want: { backOff: ["init-a: back-off 20s restarting failed container=init-a pod=web_default(u-1)"], waitUntil: 40 },
  },
  {
    name: "a sidecar is started in its place and the next init container waits for it",
    pod: { initContainers: [withStartup, container("init-b")] },
    sandbox: ready,
    containers: [],
    want: { init: ["proxy#0"] },
  },
  {
    name: "a running sidecar whose startup probe has not passed holds the next init container",
    pod: { initContainers: [withStartup, container("init-b")] },
    sandbox: ready,
    containers: [instance("proxy", 0, "running")],
    want: {},
  },
  {
    name: "a started sidecar lets the next init container start",
    pod: { initContainers: [withStartup, container("init-b")] },
    sandbox: ready,
    containers: [instance("proxy", 0, "running")],
    probes: { "proxy-0": { started: true } },
    want: { init: ["init-b#0"] },
  },
  {
    name: "a sidecar without a startup probe counts as started once running",
    pod: { initContainers: [sidecar("proxy")] },
    sandbox: ready,
    containers: [instance("proxy", 0, "running")],
    want: { start: ["app#0"] },
  },
  {
    name: "a sidecar that exits is restarted even under Never while the app runs",
    pod: { restartPolicy: "Never", initContainers: [sidecar("proxy")] },
    sandbox: ready,
    containers: [instance("proxy", 0, "exited", { exitCode: 1 }), instance("app", 0, "running")],
    want: { init: ["proxy#1"] },
  },
  {
    name: "a sidecar failing its liveness probe is restarted",
    pod: { initContainers: [sidecar("proxy")] },
    sandbox: ready,
    containers: [instance("proxy", 0, "running"), instance("app", 0, "running")],
    probes: { "proxy-0": { livenessFailed: true } },
    want: { init: ["proxy#1"], kill: ["proxy: Init container proxy failed liveness probe"] },
  },
  {
    name: "regular init containers are not run again once an app container exists",
    pod: { initContainers: [container("init-a")] },
    sandbox: ready,
    containers: [instance("app", 0, "running")],
    want: {},
  },
  // 4. App containers
  {
    name: "a running app container is kept",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 0, "running")],
    want: {},
  },
  {
    name: "an app container that exited 0 under Always restarts",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 0, "exited")],
    now: 3,
    want: { start: ["app#1"] },
  },
  {
    name: "an app container in CrashLoopBackOff is held with the back-off message",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 3, "exited", { exitCode: 1, finishedAt: 100 })],
    backedOff: [[container("app"), 10], [container("app"), 30], [container("app"), 60]],
    now: 105,
    want: { backOff: ["app: back-off 40s restarting failed container=app pod=web_default(u-1)"], waitUntil: 140 },
  },
  {
    name: "an app container is restarted once its back-off has passed",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 3, "exited", { exitCode: 1, finishedAt: 100 })],
    backedOff: [[container("app"), 10], [container("app"), 30], [container("app"), 60]],
    now: 140,
    want: { start: ["app#4"] },
  },
  {
    name: "an app container failing liveness is killed and restarted under Always",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 0, "running")],
    probes: { "app-0": { livenessFailed: true } },
    want: { start: ["app#1"], kill: ["app: Container app failed liveness probe, will be restarted"] },
  },
  {
    name: "an app container failing liveness again within its back-off is killed and held back",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 1, "running", { startedAt: 3 }), instance("app", 0, "exited", { finishedAt: 2 })],
    probes: { "app-1": { livenessFailed: true } },
    backedOff: [[container("app"), 2]],
    now: 6,
    want: {
      kill: ["app: Container app failed liveness probe, will be restarted"],
      backOff: ["app: back-off 10s restarting failed container=app pod=web_default(u-1)"],
      waitUntil: 12,
    },
  },
  {
    name: "an app container failing liveness after its back-off passed is restarted at once",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 1, "running", { startedAt: 3 }), instance("app", 0, "exited", { finishedAt: 2 })],
    probes: { "app-1": { livenessFailed: true } },
    backedOff: [[container("app"), 2]],
    now: 13,
    want: { start: ["app#2"], kill: ["app: Container app failed liveness probe, will be restarted"] },
  },
  {
    name: "an app container failing its startup probe is killed and restarted",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 0, "running")],
    probes: { "app-0": { startupFailed: true } },
    want: { start: ["app#1"], kill: ["app: Container app failed startup probe, will be restarted"] },
  },
  {
    name: "an app container failing liveness under Never is killed and the pod fails",
    pod: { restartPolicy: "Never" },
    sandbox: ready,
    containers: [instance("app", 0, "running")],
    probes: { "app-0": { livenessFailed: true } },
    want: { killPod: true, kill: ["app: Container app failed liveness probe"], podDone: "Failed" },
  },
  {
    name: "a changed spec restarts a running container even under Never",
    pod: { restartPolicy: "Never" },
    sandbox: ready,
    containers: [instance("app", 0, "running", { annotations: { [containerHashAnnotation]: "old" } })],
    want: { start: ["app#1"], kill: ["app: Container app definition changed, will be restarted"] },
  },
  {
    name: "an unchanged spec hash keeps the container",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 0, "running", { annotations: { [containerHashAnnotation]: containerHash(container("app")) } })],
    want: {},
  },
  {
    name: "an OnFailure container that failed restarts, one that succeeded does not",
    pod: { restartPolicy: "OnFailure", containers: [container("a"), container("b")] },
    sandbox: ready,
    containers: [instance("a", 0, "exited"), instance("b", 0, "exited", { exitCode: 2 })],
    now: 3,
    want: { start: ["b#1"] },
  },
  {
    name: "an unknown container is killed before it is started again",
    pod: {},
    sandbox: ready,
    containers: [instance("app", 0, "unknown")],
    want: { start: ["app#1"], kill: ['app: Container is in "CONTAINER_UNKNOWN" state, try killing it before restart'] },
  },
  // 5. Done
  {
    name: "a Never pod whose app exited 0 is done and stops its sidecars in reverse order",
    pod: { restartPolicy: "Never", initContainers: [sidecar("first"), sidecar("second")] },
    sandbox: ready,
    containers: [instance("first", 0, "running"), instance("second", 0, "running"), instance("app", 0, "exited")],
    want: { killPod: true, kill: ["second: Stopping container second", "first: Stopping container first"], podDone: "Succeeded" },
  },
  {
    name: "a Never pod with one failed app container is done and Failed",
    pod: { restartPolicy: "Never", containers: [container("a"), container("b")] },
    sandbox: ready,
    containers: [instance("a", 0, "exited"), instance("b", 0, "exited", { exitCode: 1 })],
    want: { killPod: true, podDone: "Failed" },
  },
  {
    name: "a Never pod with one app container still running is not done",
    pod: { restartPolicy: "Never", containers: [container("a"), container("b")] },
    sandbox: ready,
    containers: [instance("a", 0, "exited"), instance("b", 0, "running")],
    want: {},
  },
  {
    name: "a sidecar in back-off does not keep a finished pod alive",
    pod: { restartPolicy: "Never", initContainers: [sidecar("proxy")] },
    sandbox: ready,
    containers: [instance("proxy", 1, "exited", { exitCode: 1, finishedAt: 5 }), instance("app", 0, "exited")],
    backedOff: [[sidecar("proxy"), 3]],
    now: 6,
    want: { killPod: true, podDone: "Succeeded" },
  },
  // 1. Deletion
  {
    name: "a deleted pod stops everything and starts nothing",
    pod: { deleting: true, initContainers: [sidecar("proxy")] },
    sandbox: ready,
    containers: [instance("proxy", 0, "running"), instance("app", 0, "running")],
    want: { killPod: true, kill: ["app: Stopping container app", "proxy: Stopping container proxy"] },
  },
  {
    name: "a deleted pod whose containers have stopped is done",
    pod: { deleting: true },
    sandbox: ready,
    containers: [instance("app", 0, "exited", { exitCode: 143 })],
    want: { killPod: true, podDone: "Failed" },
  },
];

describe("computePodActions", () => {
  for (const c of cases) {
    it(c.name, () => {
      const p = pod(c.pod);
      const backoff = new CrashLoopBackOff({ clock: { now: () => at(c.now ?? 10), sleep: async () => {} } });
      for (const [spec, seconds] of c.backedOff ?? []) backoff.next(CrashLoopBackOff.key(p, spec), at(seconds));
      const observed = { containers: c.containers ?? [], ...(c.sandbox ? { sandbox: c.sandbox } : {}) };
      const probes = new Map(Object.entries(c.probes ?? {}));
      const actions = computePodActions(p, observed, at(c.now ?? 10), backoff, probes);
      assert.deepEqual(summarize(actions), c.want);
    });
  }

  it("hands the executor the back-off key and the exit time of a restart", () => {
    const p = pod();
    const actions = computePodActions(p, { sandbox: ready, containers: [instance("app", 0, "exited", { finishedAt: 2 })] }, at(3), new CrashLoopBackOff());
    assert.deepEqual(actions.containersToStart, [{ name: "app", attempt: 1, backOffKey: CrashLoopBackOff.key(p, container("app")), finishedAt: at(2) }]);
  });

  it("computes the same plan twice: planning records nothing", () => {
    const p = pod();
    const backoff = new CrashLoopBackOff();
    const observed = { sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 1 })] };
    assert.deepEqual(computePodActions(p, observed, at(3), backoff), computePodActions(p, observed, at(3), backoff));
    assert.equal(backoff.get(CrashLoopBackOff.key(p, container("app"))), 0);
  });
});
