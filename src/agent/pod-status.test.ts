import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { printerFor, type Pod, type PodStatus } from "../api/index.js";
import type { ContainerStatus as RuntimeContainerStatus, PodSandboxStatus } from "../runtime/index.js";
import type { ProbeResults } from "./compute-pod-actions.js";
import { computePodStatus, statusEqual, type AgentView, type ContainerWaitingReason } from "./pod-status.js";
import { at, container, instance, pod, sandbox, sidecar, type PodOptions } from "./testing/pod-fixtures.js";

const ready = sandbox();
const gone = sandbox("SANDBOX_NOTREADY");
const now = at(100);

interface Scene {
  pod?: PodOptions;
  sandbox?: PodSandboxStatus;
  containers?: RuntimeContainerStatus[];
  probes?: Record<string, ProbeResults>;
  waiting?: Record<string, ContainerWaitingReason>;
}

function statusOf(scene: Scene, p: Pod = pod(scene.pod)): PodStatus {
  const view: AgentView = {
    probes: new Map(Object.entries(scene.probes ?? {})),
    waiting: new Map(Object.entries(scene.waiting ?? {})),
    hostIPs: ["192.168.1.10"],
  };
  return computePodStatus(p, { containers: scene.containers ?? [], ...(scene.sandbox ? { sandbox: scene.sandbox } : {}) }, view, now);
}

/** READY, STATUS and RESTARTS as `kubectl get pods` shows them, from the server's printer. */
function printed(scene: Scene): { phase: string; row: string } {
  const p = pod(scene.pod);
  const status = statusOf(scene, p);
  const cells = printerFor("", "Pod").row({ ...p, status } as unknown as Record<string, unknown>, now).cells;
  return { phase: status.phase, row: `${String(cells[1])} ${String(cells[2])} ${String(cells[3])}` };
}

const crashLoop = (name: string, delay: string): ContainerWaitingReason => ({
  reason: "CrashLoopBackOff",
  message: `back-off ${delay} restarting failed container=${name} pod=web_default(u-1)`,
});
const twoInits = { initContainers: [container("init-a"), container("init-b")] };
const startupSidecar = sidecar("proxy", { startupProbe: { exec: { command: ["true"] } } });

// The timelines of pod-semantics section N, one row per status write: phase, then READY STATUS RESTARTS.
const timelines: { name: string; scene: Scene; phase: string; row: string }[] = [
  // N1
  { name: "N1 a plain pod before its container exists", scene: {}, phase: "Pending", row: "0/1 ContainerCreating 0" },
  { name: "N1 a plain pod being created", scene: { sandbox: ready }, phase: "Pending", row: "0/1 ContainerCreating 0" },
  { name: "N1 a plain pod running", scene: { sandbox: ready, containers: [instance("app", 0, "running")] }, phase: "Running", row: "1/1 Running 0" },
  // N2
  { name: "N2 the first of two init containers runs", scene: { pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "running")] }, phase: "Pending", row: "0/1 Init:0/2 0" },
  {
    name: "N2 the second init container runs",
    scene: { pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "exited"), instance("init-b", 0, "running")] },
    phase: "Pending",
    row: "0/1 Init:1/2 0",
  },
  {
    name: "N2 init done, the app container not yet created",
    scene: { pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "exited"), instance("init-b", 0, "exited")] },
    phase: "Pending",
    row: "0/1 PodInitializing 0",
  },
  {
    name: "N2 the app container runs after init",
    scene: { pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "exited"), instance("init-b", 0, "exited"), instance("app", 0, "running")] },
    phase: "Running",
    row: "1/1 Running 0",
  },
  // N3
  { name: "N3 the first crash shows Error", scene: { sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 1, finishedAt: 2 })] }, phase: "Running", row: "0/1 Error 0" },
  {
    name: "N3 restarted at once, with one restart",
    scene: { sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 1, finishedAt: 2 }), instance("app", 1, "running", { startedAt: 3 })] },
    phase: "Running",
    row: "1/1 Running 1 (98s ago)",
  },
  {
    name: "N3 the second crash is held in CrashLoopBackOff",
    scene: {
      sandbox: ready,
      containers: [instance("app", 0, "exited", { exitCode: 1, finishedAt: 2 }), instance("app", 1, "exited", { exitCode: 1, startedAt: 3, finishedAt: 95 })],
      waiting: { app: crashLoop("app", "10s") },
    },
    phase: "Running",
    row: "0/1 CrashLoopBackOff 1 (5s ago)",
  },
  // N4, N5
  { name: "N4 exit 0 under Never is Completed", scene: { pod: { restartPolicy: "Never" }, sandbox: gone, containers: [instance("app", 0, "exited")] }, phase: "Succeeded", row: "0/1 Completed 0" },
  { name: "N4 exit 0 under OnFailure is Completed", scene: { pod: { restartPolicy: "OnFailure" }, sandbox: gone, containers: [instance("app", 0, "exited")] }, phase: "Succeeded", row: "0/1 Completed 0" },
  { name: "N4 exit 0 under Always shows Completed first", scene: { sandbox: ready, containers: [instance("app", 0, "exited")] }, phase: "Running", row: "0/1 Completed 0" },
  {
    name: "N4 exit 0 under Always then goes into CrashLoopBackOff",
    scene: { sandbox: ready, containers: [instance("app", 0, "exited"), instance("app", 1, "exited", { finishedAt: 90 })], waiting: { app: crashLoop("app", "10s") } },
    phase: "Running",
    row: "0/1 CrashLoopBackOff 1 (10s ago)",
  },
  { name: "N5 exit 1 under Never is Error and Failed", scene: { pod: { restartPolicy: "Never" }, sandbox: gone, containers: [instance("app", 0, "exited", { exitCode: 1 })] }, phase: "Failed", row: "0/1 Error 0" },
  { name: "an OOM kill shows OOMKilled", scene: { sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 137, reason: "OOMKilled" })] }, phase: "Running", row: "0/1 OOMKilled 0" },
  // N6, N7
  {
    name: "N6 a failed pull shows ErrImagePull",
    scene: { sandbox: ready, waiting: { app: { reason: "ErrImagePull", message: "pull access denied" } } },
    phase: "Pending",
    row: "0/1 ErrImagePull 0",
  },
  {
    name: "N6 a pull in back-off shows ImagePullBackOff",
    scene: { sandbox: ready, waiting: { app: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } } },
    phase: "Pending",
    row: "0/1 ImagePullBackOff 0",
  },
  {
    name: "N7 a missing secret shows CreateContainerConfigError",
    scene: { sandbox: ready, waiting: { app: { reason: "CreateContainerConfigError", message: 'secret "s" not found' } } },
    phase: "Pending",
    row: "0/1 CreateContainerConfigError 0",
  },
  // N8
  {
    name: "N8 a failing readiness probe leaves the pod Running but not ready",
    scene: { pod: { containers: [container("app", { readinessProbe: { exec: { command: ["false"] } } })] }, sandbox: ready, containers: [instance("app", 0, "running")], probes: { "app-0": { ready: false } } },
    phase: "Running",
    row: "0/1 Running 0",
  },
  // Init failures
  {
    name: "an init container that exited 1 shows Init:Error",
    scene: { pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "exited", { exitCode: 1 })] },
    phase: "Pending",
    row: "0/1 Init:Error 0",
  },
  {
    name: "an init container in back-off shows Init:CrashLoopBackOff",
    scene: { pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "exited", { exitCode: 1 }), instance("init-a", 1, "exited", { exitCode: 1, finishedAt: 90 })], waiting: { "init-a": crashLoop("init-a", "10s") } },
    phase: "Pending",
    row: "0/1 Init:CrashLoopBackOff 1 (10s ago)",
  },
  {
    name: "an init container whose pull fails shows Init:ErrImagePull",
    scene: { pod: twoInits, sandbox: ready, waiting: { "init-a": { reason: "ErrImagePull", message: "not found" } } },
    phase: "Pending",
    row: "0/1 Init:ErrImagePull 0",
  },
  {
    name: "N12 an init failure under Never fails the pod with Init:Error",
    scene: { pod: { restartPolicy: "Never", ...twoInits }, sandbox: gone, containers: [instance("init-a", 0, "exited", { exitCode: 1 })] },
    phase: "Failed",
    row: "0/1 Init:Error 0",
  },
  // N11 sidecars
  { name: "N11 a sidecar not yet started holds init", scene: { pod: { restartPolicy: "Never", initContainers: [startupSidecar] }, sandbox: ready, containers: [instance("proxy", 0, "running")] }, phase: "Pending", row: "0/2 Init:0/1 0" },
  {
    name: "N11 a started sidecar beside the running app",
    scene: { pod: { restartPolicy: "Never", initContainers: [startupSidecar] }, sandbox: ready, containers: [instance("proxy", 0, "running"), instance("app", 0, "running")], probes: { "proxy-0": { started: true } } },
    phase: "Running",
    row: "2/2 Running 0",
  },
  {
    name: "N11 the app exited 0 and the sidecar is still being stopped",
    scene: { pod: { restartPolicy: "Never", initContainers: [startupSidecar] }, sandbox: ready, containers: [instance("proxy", 0, "running"), instance("app", 0, "exited")], probes: { "proxy-0": { started: true } } },
    phase: "Running",
    row: "1/2 Completed 0",
  },
  {
    name: "N11 the Job-style pod completes although its sidecar was killed with 143",
    scene: { pod: { restartPolicy: "Never", initContainers: [startupSidecar] }, sandbox: gone, containers: [instance("proxy", 0, "exited", { exitCode: 143 }), instance("app", 0, "exited")] },
    phase: "Succeeded",
    row: "0/2 Completed 0",
  },
  {
    name: "a sidecar crash-looping after init shows Init:CrashLoopBackOff beside the ready app",
    scene: {
      pod: { initContainers: [sidecar("proxy")] },
      sandbox: ready,
      containers: [instance("proxy", 0, "exited", { exitCode: 1, finishedAt: 90 }), instance("app", 0, "running")],
      waiting: { proxy: crashLoop("proxy", "10s") },
    },
    phase: "Running",
    row: "1/2 Init:CrashLoopBackOff 0",
  },
];

describe("computePodStatus through the pod printer (kubectl get pods)", () => {
  for (const t of timelines) {
    it(`${t.name}: ${t.phase} ${t.row}`, () => {
      assert.deepEqual(printed(t.scene), { phase: t.phase, row: t.row });
    });
  }
});

const conditionOf = (s: PodStatus, type: string) => {
  const c = s.conditions.find((x) => x.type === type);
  assert.ok(c, `condition ${type}`);
  return { status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
};

describe("computePodStatus conditions", () => {
  it("a running pod has every condition True, in the kubelet's order", () => {
    const s = statusOf({ sandbox: ready, containers: [instance("app", 0, "running")] });
    assert.deepEqual(
      s.conditions.map((c) => `${c.type}=${c.status}`),
      ["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"],
    );
    for (const c of s.conditions) assert.equal(c.lastTransitionTime, "2026-01-01T00:01:40Z");
    assert.equal(s.conditions[0]!.lastProbeTime, null);
  });

  it("during init, Initialized names the incomplete init containers", () => {
    const s = statusOf({ pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "running")] });
    assert.deepEqual(conditionOf(s, "Initialized"), { status: "False", reason: "ContainersNotInitialized", message: "containers with incomplete status: [init-a init-b]" });
    assert.deepEqual(conditionOf(s, "Ready"), { status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" });
  });

  it("unready containers are listed in spec order with sidecars first", () => {
    const s = statusOf({ pod: { initContainers: [sidecar("proxy")], containers: [container("b"), container("a")] }, sandbox: ready, containers: [instance("proxy", 0, "running")] });
    assert.deepEqual(conditionOf(s, "ContainersReady"), { status: "False", reason: "ContainersNotReady", message: "containers with unready status: [a b]" });
  });

  it("a Succeeded pod has PodCompleted reasons and PodReadyToStartContainers False", () => {
    const s = statusOf({ pod: { restartPolicy: "Never", ...twoInits }, sandbox: gone, containers: [instance("init-a", 0, "exited"), instance("init-b", 0, "exited"), instance("app", 0, "exited")] });
    assert.deepEqual(conditionOf(s, "PodReadyToStartContainers"), { status: "False" });
    assert.deepEqual(conditionOf(s, "Initialized"), { status: "True", reason: "PodCompleted" });
    assert.deepEqual(conditionOf(s, "ContainersReady"), { status: "False", reason: "PodCompleted" });
    assert.deepEqual(conditionOf(s, "Ready"), { status: "False", reason: "PodCompleted" });
  });

  it("a Succeeded pod without init containers is Initialized with reason PodCompleted too", () => {
    const s = statusOf({ pod: { restartPolicy: "Never" }, sandbox: gone, containers: [instance("app", 0, "exited")] });
    assert.deepEqual(conditionOf(s, "Initialized"), { status: "True", reason: "PodCompleted" });
  });

  it("a Failed pod has PodFailed reasons", () => {
    const s = statusOf({ pod: { restartPolicy: "Never" }, sandbox: gone, containers: [instance("app", 0, "exited", { exitCode: 1 })] });
    assert.deepEqual(conditionOf(s, "ContainersReady"), { status: "False", reason: "PodFailed" });
    assert.deepEqual(conditionOf(s, "Ready"), { status: "False", reason: "PodFailed" });
  });

  it("a restarting sidecar does not undo Initialized once the app has started", () => {
    const s = statusOf({ pod: { initContainers: [sidecar("proxy")] }, sandbox: ready, containers: [instance("proxy", 0, "exited", { exitCode: 1 }), instance("app", 0, "running")] });
    assert.deepEqual(conditionOf(s, "Initialized"), { status: "True" });
  });

  it("readiness gates that are missing or False keep the pod unready", () => {
    const scene: Scene = { pod: { readinessGates: ["example.com/a", "example.com/b"] }, sandbox: ready, containers: [instance("app", 0, "running")] };
    const p = pod(scene.pod);
    p.status = { conditions: [{ type: "example.com/b", status: "False", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" }] };
    const s = statusOf(scene, p);
    assert.deepEqual(conditionOf(s, "Ready"), {
      status: "False",
      reason: "ReadinessGatesNotReady",
      message: 'corresponding condition of pod readiness gate "example.com/a" does not exist., the status of pod readiness gate "example.com/b" is not "True", but False',
    });
    // The gate's own condition is kept, before the kubelet's.
    assert.equal(s.conditions[0]!.type, "example.com/b");
  });

  it("keeps lastTransitionTime and startTime while nothing flips, so statusEqual skips the write", () => {
    const scene: Scene = { sandbox: ready, containers: [instance("app", 0, "running")] };
    const first = statusOf(scene);
    const p = pod({ status: first as unknown as Record<string, unknown> });
    const view: AgentView = { hostIPs: ["192.168.1.10"] };
    const later = computePodStatus(p, { sandbox: ready, containers: scene.containers! }, view, at(500));
    assert.ok(statusEqual(first, later));
    assert.equal(later.startTime, first.startTime);
    // A readiness flip changes Ready and ContainersReady only.
    const unready = computePodStatus(pod({ containers: [container("app", { readinessProbe: { exec: { command: ["x"] } } })], status: first as unknown as Record<string, unknown> }), { sandbox: ready, containers: scene.containers! }, view, at(500));
    assert.ok(!statusEqual(first, unready));
    assert.equal(unready.conditions.find((c) => c.type === "Ready")!.lastTransitionTime, "2026-01-01T00:08:20Z");
    assert.equal(unready.conditions.find((c) => c.type === "Initialized")!.lastTransitionTime, "2026-01-01T00:01:40Z");
  });
});

describe("computePodStatus fields", () => {
  it("reports each container as the kubelet does", () => {
    const s = statusOf({ sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 2, startedAt: 1, finishedAt: 2 }), instance("app", 1, "running", { startedAt: 3 })] });
    assert.deepEqual(s.containerStatuses, [
      {
        name: "app",
        state: { running: { startedAt: "2026-01-01T00:00:03Z" } },
        lastState: {
          terminated: { exitCode: 2, reason: "Error", startedAt: "2026-01-01T00:00:01Z", finishedAt: "2026-01-01T00:00:02Z", containerID: "peapod://app-0" },
        },
        ready: true,
        restartCount: 1,
        image: "busybox:app",
        imageID: "sha256:app",
        containerID: "peapod://app-1",
        started: true,
      },
    ]);
    assert.equal(s.podIP, "10.88.0.5");
    assert.deepEqual(s.podIPs, [{ ip: "10.88.0.5" }]);
    assert.equal(s.hostIP, "192.168.1.10");
    assert.deepEqual(s.hostIPs, [{ ip: "192.168.1.10" }]);
    assert.equal(s.startTime, "2026-01-01T00:01:40Z");
    assert.equal(s.qosClass, "BestEffort");
    assert.equal(s.initContainerStatuses, undefined);
  });

  it("sorts containerStatuses by name and keeps initContainerStatuses in spec order", () => {
    const s = statusOf({ pod: { initContainers: [container("z-init"), container("a-init")], containers: [container("web"), container("db")] }, sandbox: ready });
    assert.deepEqual(s.containerStatuses.map((c) => c.name), ["db", "web"]);
    assert.deepEqual(s.initContainerStatuses!.map((c) => c.name), ["z-init", "a-init"]);
    assert.deepEqual(s.initContainerStatuses![0]!.state, { waiting: { reason: "PodInitializing" } });
  });

  it("a finished init container is ready with reason Completed", () => {
    const s = statusOf({ pod: twoInits, sandbox: ready, containers: [instance("init-a", 0, "exited")] });
    const a = s.initContainerStatuses![0]!;
    assert.equal(a.ready, true);
    assert.equal(a.state.terminated?.reason, "Completed");
  });

  it("a container with a startup probe is not started until it passes", () => {
    const scene: Scene = { pod: { containers: [container("app", { startupProbe: { exec: { command: ["x"] } } })] }, sandbox: ready, containers: [instance("app", 0, "running")] };
    assert.deepEqual(
      [statusOf(scene).containerStatuses[0]!.started, statusOf(scene).containerStatuses[0]!.ready],
      [false, false],
    );
    const passed = statusOf({ ...scene, probes: { "app-0": { started: true } } }).containerStatuses[0]!;
    assert.deepEqual([passed.started, passed.ready], [true, true]);
  });

  it("keeps the pod IPs after the sandbox is torn down", () => {
    const first = statusOf({ sandbox: ready, containers: [instance("app", 0, "running")] });
    const p = pod({ restartPolicy: "Never", status: first as unknown as Record<string, unknown> });
    const s = computePodStatus(p, { sandbox: gone, containers: [instance("app", 0, "exited")] }, {}, now);
    assert.equal(s.podIP, "10.88.0.5");
    assert.equal(s.phase, "Succeeded");
  });

  it("terminal phases are sticky", () => {
    const p = pod({ restartPolicy: "Never", status: { phase: "Failed", conditions: [] } });
    const s = computePodStatus(p, { sandbox: ready, containers: [instance("app", 0, "running")] }, {}, now);
    assert.equal(s.phase, "Failed");
  });

  it("a pod failure decided by the agent sets phase, reason and message", () => {
    const s = computePodStatus(pod(), { sandbox: ready, containers: [instance("app", 0, "running")] }, { podFailure: { reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" } }, now);
    assert.deepEqual([s.phase, s.reason, s.message], ["Failed", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"]);
  });

  it("a deleted Always pod whose container exited on SIGTERM ends Failed, one that exited 0 Succeeded", () => {
    const p = pod({ deleting: true });
    assert.equal(computePodStatus(p, { sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 143 })] }, {}, now).phase, "Failed");
    assert.equal(computePodStatus(p, { sandbox: ready, containers: [instance("app", 0, "exited")] }, {}, now).phase, "Succeeded");
  });

  it("no waiting reason is shown for a container that will not be restarted", () => {
    const s = statusOf({ pod: { restartPolicy: "Never" }, sandbox: ready, containers: [instance("app", 0, "exited", { exitCode: 1 })], waiting: { app: crashLoop("app", "10s") } });
    assert.equal(s.containerStatuses[0]!.state.terminated?.reason, "Error");
  });
});

describe("computePodStatus when the runtime forgot a container", () => {
  it("keeps a terminated status after the finished pod's containers were removed", () => {
    const first = statusOf({ pod: { restartPolicy: "Never" }, sandbox: gone, containers: [instance("app", 0, "exited", { exitCode: 3 })] });
    const p = pod({ restartPolicy: "Never", status: first as unknown as Record<string, unknown> });
    const s = computePodStatus(p, { containers: [] }, { hostIPs: ["192.168.1.10"] }, at(200));
    assert.deepEqual(s.containerStatuses, first.containerStatuses);
    assert.equal(s.phase, "Failed");
    assert.ok(statusEqual(first, s));
  });

  it("a running container that vanished counts as stopped with ContainerStatusUnknown (C10)", () => {
    const first = statusOf({ sandbox: ready, containers: [instance("app", 0, "running")] });
    const p = pod({ status: first as unknown as Record<string, unknown> });
    const s = computePodStatus(p, { sandbox: ready, containers: [] }, {}, at(200));
    const app = s.containerStatuses[0]!;
    assert.deepEqual(app.state, { waiting: { reason: "ContainerCreating" } });
    assert.equal(app.lastState.terminated?.reason, "ContainerStatusUnknown");
    assert.equal(app.lastState.terminated?.exitCode, 137);
    assert.equal(app.restartCount, 1);
    assert.equal(s.phase, "Running");
  });
});
