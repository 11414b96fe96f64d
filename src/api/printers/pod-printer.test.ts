import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "./object-fields.js";
import { podPrinter } from "./pod-printer.js";

const now = new Date("2024-05-01T12:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

// ---- builders for container statuses and pods, in the shape the kubelet writes them ----

type State = JsonObject;
const waiting = (reason: string): State => ({ waiting: { reason } });
const running = (): State => ({ running: { startedAt: ago(60) } });
const terminated = (exitCode: number, reason?: string, extra: JsonObject = {}): State => ({
  terminated: { exitCode, ...(reason === undefined ? {} : { reason }), finishedAt: ago(10), ...extra },
});

interface StatusOptions {
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  /** Seconds ago the previous run ended (lastState.terminated.finishedAt). */
  lastFinishedSecondsAgo?: number;
}

function cs(name: string, state: State, o: StatusOptions = {}): JsonObject {
  return {
    name,
    state,
    ready: o.ready ?? false,
    restartCount: o.restartCount ?? 0,
    ...(o.started === undefined ? {} : { started: o.started }),
    ...(o.lastFinishedSecondsAgo === undefined
      ? {}
      : { lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(o.lastFinishedSecondsAgo) } } }),
  };
}

const condition = (type: string, status: "True" | "False", reason?: string) => ({
  type,
  status,
  ...(reason === undefined ? {} : { reason }),
});

interface PodOptions {
  phase?: string;
  reason?: string;
  containers?: string[];
  initContainers?: string[];
  sidecars?: string[];
  initStatuses?: JsonObject[];
  statuses?: JsonObject[];
  conditions?: JsonObject[];
  deletionTimestamp?: string;
}

function pod(o: PodOptions): JsonObject {
  const sidecars = new Set(o.sidecars ?? []);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "p",
      namespace: "default",
      creationTimestamp: ago(300),
      ...(o.deletionTimestamp === undefined ? {} : { deletionTimestamp: o.deletionTimestamp }),
    },
    spec: {
      containers: (o.containers ?? ["app"]).map((name) => ({ name, image: "busybox" })),
      ...(o.initContainers === undefined
        ? {}
        : {
            initContainers: o.initContainers.map((name) => ({
              name,
              image: "busybox",
              ...(sidecars.has(name) ? { restartPolicy: "Always" } : {}),
            })),
          }),
    },
    status: {
      phase: o.phase ?? "Running",
      ...(o.reason === undefined ? {} : { reason: o.reason }),
      ...(o.conditions === undefined ? {} : { conditions: o.conditions }),
      ...(o.initStatuses === undefined ? {} : { initContainerStatuses: o.initStatuses }),
      ...(o.statuses === undefined ? {} : { containerStatuses: o.statuses }),
    },
  };
}

/** READY, STATUS, RESTARTS as kubectl shows them. */
function shown(p: JsonObject): [unknown, unknown, unknown] {
  const { cells } = podPrinter.row(p, now);
  return [cells[1], cells[2], cells[3]];
}

const initialized = condition("Initialized", "True");
const notInitialized = condition("Initialized", "False", "ContainersNotInitialized");
const readyTrue = condition("Ready", "True");

describe("pod STATUS, READY and RESTARTS", () => {
  it("a pod nobody has scheduled yet shows Pending 0/1", () => {
    assert.deepEqual(shown(pod({ phase: "Pending" })), ["0/1", "Pending", "0"]);
  });

  it("N1: a plain pod goes ContainerCreating 0/1, then Running 1/1", () => {
    const creating = pod({ phase: "Pending", statuses: [cs("app", waiting("ContainerCreating"))] });
    assert.deepEqual(shown(creating), ["0/1", "ContainerCreating", "0"]);
    const up = pod({ conditions: [initialized, readyTrue], statuses: [cs("app", running(), { ready: true })] });
    assert.deepEqual(shown(up), ["1/1", "Running", "0"]);
  });

  it("N2: two init containers show Init:0/2, Init:1/2, PodInitializing, then Running", () => {
    const base = { phase: "Pending", initContainers: ["i1", "i2"], conditions: [notInitialized] };
    const first = pod({
      ...base,
      initStatuses: [cs("i1", running()), cs("i2", waiting("PodInitializing"))],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(first), ["0/1", "Init:0/2", "0"]);
    const second = pod({
      ...base,
      initStatuses: [cs("i1", terminated(0, "Completed")), cs("i2", running())],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(second), ["0/1", "Init:1/2", "0"]);
    const done = pod({
      ...base,
      conditions: [initialized],
      initStatuses: [cs("i1", terminated(0, "Completed")), cs("i2", terminated(0, "Completed"))],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(done), ["0/1", "PodInitializing", "0"]);
    const up = pod({
      ...base,
      phase: "Running",
      conditions: [initialized, readyTrue],
      initStatuses: [cs("i1", terminated(0, "Completed")), cs("i2", terminated(0, "Completed"))],
      statuses: [cs("app", running(), { ready: true })],
    });
    assert.deepEqual(shown(up), ["1/1", "Running", "0"]);
  });

  it("N3: a crash-looping container shows Error, then CrashLoopBackOff with the time of the last exit", () => {
    const exited = pod({ statuses: [cs("app", terminated(1, "Error"))] });
    assert.deepEqual(shown(exited), ["0/1", "Error", "0"]);
    const restarted = pod({
      statuses: [cs("app", running(), { ready: true, restartCount: 1, lastFinishedSecondsAgo: 2 })],
    });
    assert.deepEqual(shown(restarted), ["1/1", "Running", "1 (2s ago)"]);
    const backingOff = pod({
      statuses: [cs("app", waiting("CrashLoopBackOff"), { restartCount: 1, lastFinishedSecondsAgo: 5 })],
    });
    assert.deepEqual(shown(backingOff), ["0/1", "CrashLoopBackOff", "1 (5s ago)"]);
  });

  it("N4: a container that exits 0 under Never shows Completed and a Succeeded row condition", () => {
    const p = pod({
      phase: "Succeeded",
      conditions: [condition("Initialized", "True"), condition("Ready", "False", "PodCompleted")],
      statuses: [cs("app", terminated(0, "Completed"))],
    });
    assert.deepEqual(shown(p), ["0/1", "Completed", "0"]);
    assert.deepEqual(podPrinter.row(p, now).conditions, [
      { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
    ]);
  });

  it("N4: under Always, the restarted container of a Completed pod shows CrashLoopBackOff", () => {
    const p = pod({
      statuses: [cs("app", waiting("CrashLoopBackOff"), { restartCount: 2, lastFinishedSecondsAgo: 30 })],
    });
    assert.deepEqual(shown(p), ["0/1", "CrashLoopBackOff", "2 (30s ago)"]);
  });

  it("N5: exit 1 under Never shows Error and a Failed row condition", () => {
    const p = pod({ phase: "Failed", statuses: [cs("app", terminated(1, "Error"))] });
    assert.deepEqual(shown(p), ["0/1", "Error", "0"]);
    assert.deepEqual(podPrinter.row(p, now).conditions, [
      { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
    ]);
  });

  it("a running pod carries no row condition", () => {
    assert.equal(podPrinter.row(pod({ statuses: [cs("app", running(), { ready: true })] }), now).conditions, undefined);
  });

  it("N6/N7: image and configuration waiting reasons show as they are", () => {
    for (const reason of [
      "ErrImagePull",
      "ImagePullBackOff",
      "InvalidImageName",
      "CreateContainerConfigError",
      "CreateContainerError",
      "RunContainerError",
    ]) {
      assert.deepEqual(shown(pod({ phase: "Pending", statuses: [cs("app", waiting(reason))] })), ["0/1", reason, "0"]);
    }
  });

  it("N8: a running container failing its readiness probe shows Running 0/1", () => {
    const p = pod({ conditions: [initialized, condition("Ready", "False")], statuses: [cs("app", running())] });
    assert.deepEqual(shown(p), ["0/1", "Running", "0"]);
  });

  it("N9: liveness restarts are counted and dated", () => {
    const p = pod({ statuses: [cs("app", running(), { ready: false, restartCount: 3, lastFinishedSecondsAgo: 125 })] });
    assert.deepEqual(shown(p), ["0/1", "Running", "3 (2m5s ago)"]);
  });

  it("a container killed for memory shows OOMKilled", () => {
    assert.deepEqual(shown(pod({ phase: "Failed", statuses: [cs("app", terminated(137, "OOMKilled"))] })), [
      "0/1",
      "OOMKilled",
      "0",
    ]);
  });

  it("a terminated container without a reason shows ExitCode:N, or Signal:N when killed by a signal", () => {
    assert.deepEqual(shown(pod({ statuses: [cs("app", terminated(3))] }))[1], "ExitCode:3");
    assert.deepEqual(shown(pod({ statuses: [cs("app", terminated(137, undefined, { signal: 9 }))] }))[1], "Signal:9");
  });

  it("with several containers, the first container's state wins (reverse walk)", () => {
    const p = pod({
      containers: ["a", "b"],
      statuses: [cs("a", waiting("CrashLoopBackOff")), cs("b", terminated(1, "Error"))],
    });
    assert.deepEqual(shown(p), ["0/2", "CrashLoopBackOff", "0"]);
  });

  it("N10: a running pod being deleted shows Terminating, and Error once it has failed", () => {
    const deleting = pod({
      deletionTimestamp: ago(-25),
      conditions: [initialized, readyTrue],
      statuses: [cs("app", running(), { ready: true })],
    });
    assert.deepEqual(shown(deleting), ["1/1", "Terminating", "0"]);
    const killed = pod({
      phase: "Failed",
      deletionTimestamp: ago(1),
      statuses: [cs("app", terminated(137, "Error"))],
    });
    assert.deepEqual(shown(killed), ["0/1", "Error", "0"]);
  });

  it("a Succeeded pod being deleted keeps Completed, not Terminating", () => {
    const p = pod({ phase: "Succeeded", deletionTimestamp: ago(1), statuses: [cs("app", terminated(0, "Completed"))] });
    assert.deepEqual(shown(p), ["0/1", "Completed", "0"]);
  });

  it("a pod on a lost node being deleted shows Unknown", () => {
    const p = pod({ reason: "NodeLost", deletionTimestamp: ago(1), statuses: [cs("app", running(), { ready: true })] });
    assert.deepEqual(shown(p), ["1/1", "Unknown", "0"]);
  });

  it("status.reason replaces the phase (Evicted)", () => {
    assert.deepEqual(shown(pod({ phase: "Failed", reason: "Evicted" })), ["0/1", "Evicted", "0"]);
  });

  it("a pod held by scheduling gates shows SchedulingGated", () => {
    const p = pod({ phase: "Pending", conditions: [condition("PodScheduled", "False", "SchedulingGated")] });
    assert.deepEqual(shown(p), ["0/1", "SchedulingGated", "0"]);
  });

  it("Completed beside a container still serving shows Running when the pod is Ready, else NotReady", () => {
    const statuses = [cs("a", terminated(0, "Completed")), cs("b", running(), { ready: true })];
    const ready = pod({ containers: ["a", "b"], conditions: [initialized, readyTrue], statuses });
    assert.deepEqual(shown(ready), ["1/2", "Running", "0"]);
    const notReady = pod({ containers: ["a", "b"], conditions: [initialized, condition("Ready", "False")], statuses });
    assert.deepEqual(shown(notReady), ["1/2", "NotReady", "0"]);
  });

  it("N12: an init container failing under Never shows Init:Error while the app still waits", () => {
    const p = pod({
      phase: "Failed",
      initContainers: ["init"],
      conditions: [notInitialized],
      initStatuses: [cs("init", terminated(1, "Error"))],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(p), ["0/1", "Init:Error", "0"]);
  });

  it("init container failures show Init:<reason>, Init:ExitCode:N and Init:Signal:N", () => {
    const withInit = (state: State, restartCount = 0) =>
      pod({
        phase: "Pending",
        initContainers: ["init"],
        conditions: [notInitialized],
        initStatuses: [cs("init", state, { restartCount, lastFinishedSecondsAgo: 40 })],
        statuses: [cs("app", waiting("PodInitializing"))],
      });
    assert.deepEqual(shown(withInit(waiting("CrashLoopBackOff"), 2)), ["0/1", "Init:CrashLoopBackOff", "2 (40s ago)"]);
    assert.deepEqual(shown(withInit(waiting("ErrImagePull")))[1], "Init:ErrImagePull");
    assert.deepEqual(shown(withInit(terminated(2)))[1], "Init:ExitCode:2");
    assert.deepEqual(shown(withInit(terminated(143, undefined, { signal: 15 })))[1], "Init:Signal:15");
    assert.deepEqual(shown(withInit(terminated(137, "OOMKilled")))[1], "Init:OOMKilled");
  });

  it("restarts of regular init containers stop counting once the pod is initialized", () => {
    const initializing = pod({
      phase: "Pending",
      initContainers: ["i1", "i2"],
      conditions: [notInitialized],
      initStatuses: [
        cs("i1", terminated(0, "Completed"), { restartCount: 2, lastFinishedSecondsAgo: 90 }),
        cs("i2", running(), { restartCount: 1, lastFinishedSecondsAgo: 20 }),
      ],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(initializing), ["0/1", "Init:1/2", "3 (20s ago)"]);
    const up = pod({
      initContainers: ["i1"],
      conditions: [initialized, readyTrue],
      initStatuses: [cs("i1", terminated(0, "Completed"), { restartCount: 2, lastFinishedSecondsAgo: 90 })],
      statuses: [cs("app", running(), { ready: true, restartCount: 1, lastFinishedSecondsAgo: 600 })],
    });
    assert.deepEqual(shown(up), ["1/1", "Running", "1 (10m ago)"]);
  });

  it("restarts show no age when no previous termination time is known", () => {
    assert.deepEqual(shown(pod({ statuses: [cs("app", running(), { ready: true, restartCount: 4 })] }))[2], "4");
  });
});

describe("pods with sidecars (init containers with restartPolicy Always)", () => {
  // pod-semantics F7 says Init:0/3 here, but upstream divides by len(spec.initContainers),
  // which holds only the two sidecars: Init:0/2.
  it("F7: one app and two sidecars count 0/3 during Init:0/2, then 3/3 Running", () => {
    const base = { initContainers: ["s1", "s2"], sidecars: ["s1", "s2"] };
    const starting = pod({
      ...base,
      phase: "Pending",
      conditions: [notInitialized],
      initStatuses: [cs("s1", waiting("PodInitializing"), { started: false }), cs("s2", waiting("PodInitializing"))],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(starting), ["0/3", "Init:0/2", "0"]);
    const up = pod({
      ...base,
      conditions: [initialized, readyTrue],
      initStatuses: [
        cs("s1", running(), { started: true, ready: true }),
        cs("s2", running(), { started: true, ready: true }),
      ],
      statuses: [cs("app", running(), { ready: true })],
    });
    assert.deepEqual(shown(up), ["3/3", "Running", "0"]);
  });

  it("N11: a Job-style pod with a sidecar goes Init:0/1 0/2, Running 2/2, then Completed 0/2", () => {
    const base = { initContainers: ["proxy"], sidecars: ["proxy"] };
    const starting = pod({
      ...base,
      phase: "Pending",
      conditions: [notInitialized],
      initStatuses: [cs("proxy", running(), { started: false })],
      statuses: [cs("app", waiting("PodInitializing"))],
    });
    assert.deepEqual(shown(starting), ["0/2", "Init:0/1", "0"]);
    const up = pod({
      ...base,
      conditions: [initialized, readyTrue],
      initStatuses: [cs("proxy", running(), { started: true, ready: true })],
      statuses: [cs("app", running(), { ready: true })],
    });
    assert.deepEqual(shown(up), ["2/2", "Running", "0"]);
    // D10: the sidecar was stopped with SIGTERM (143); Initialized stays True, so the app decides.
    const done = pod({
      ...base,
      phase: "Succeeded",
      conditions: [condition("Initialized", "True", "PodCompleted"), condition("Ready", "False", "PodCompleted")],
      initStatuses: [cs("proxy", terminated(143, "Error"), { started: false })],
      statuses: [cs("app", terminated(0, "Completed"))],
    });
    assert.deepEqual(shown(done), ["0/2", "Completed", "0"]);
  });

  it("D10: a sidecar crash-looping after initialization shows Init:CrashLoopBackOff with the app still ready", () => {
    const p = pod({
      initContainers: ["proxy"],
      sidecars: ["proxy"],
      conditions: [initialized, condition("Ready", "False")],
      initStatuses: [
        cs("proxy", waiting("CrashLoopBackOff"), { started: false, restartCount: 3, lastFinishedSecondsAgo: 8 }),
      ],
      statuses: [cs("app", running(), { ready: true })],
    });
    assert.deepEqual(shown(p), ["1/2", "Init:CrashLoopBackOff", "3 (8s ago)"]);
  });

  it("a sidecar's restarts keep counting after initialization", () => {
    const p = pod({
      initContainers: ["setup", "proxy"],
      sidecars: ["proxy"],
      conditions: [initialized, readyTrue],
      initStatuses: [
        cs("setup", terminated(0, "Completed"), { restartCount: 5, lastFinishedSecondsAgo: 3000 }),
        cs("proxy", running(), { started: true, ready: true, restartCount: 2, lastFinishedSecondsAgo: 70 }),
      ],
      statuses: [cs("app", running(), { ready: true })],
    });
    assert.deepEqual(shown(p), ["2/2", "Running", "2 (70s ago)"]);
  });
});

describe("pod wide columns and odd input", () => {
  it("shows IP, node, nominated node and readiness gates, <none> when unset", () => {
    const p = pod({ conditions: [condition("example.com/gate-a", "True"), condition("example.com/gate-b", "False")] });
    const spec = p["spec"] as JsonObject;
    spec["nodeName"] = "node-1";
    spec["readinessGates"] = [{ conditionType: "example.com/gate-a" }, { conditionType: "example.com/gate-b" }];
    (p["status"] as JsonObject)["podIPs"] = [{ ip: "10.88.0.5" }, { ip: "fd00::5" }];
    assert.deepEqual(podPrinter.row(p, now).cells.slice(4), ["5m", "10.88.0.5", "node-1", "<none>", "1/2"]);
    assert.deepEqual(podPrinter.row(pod({}), now).cells.slice(5), ["<none>", "<none>", "<none>", "<none>"]);
  });

  it("prefers status.podIP over podIPs, as the v1 conversion does", () => {
    const p = pod({});
    (p["status"] as JsonObject)["podIP"] = "10.0.0.9";
    (p["status"] as JsonObject)["podIPs"] = [{ ip: "10.0.0.1" }];
    assert.equal(podPrinter.row(p, now).cells[5], "10.0.0.9");
  });

  it("a pod without status prints an empty STATUS and an unknown AGE instead of failing", () => {
    const bare = { metadata: { name: "bare" }, spec: { containers: [{ name: "c" }] } };
    assert.deepEqual(podPrinter.row(bare, now).cells, [
      "bare",
      "0/1",
      "",
      "0",
      "<unknown>",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });

  it("malformed fields are ignored rather than thrown on", () => {
    const odd = { metadata: "x", spec: { containers: 5, initContainers: [null] }, status: { containerStatuses: [7, {}] } };
    assert.equal(podPrinter.row(odd, now).cells.length, podPrinter.columns.length);
  });

  it("has the nine upstream columns, four of them wide", () => {
    assert.deepEqual(
      podPrinter.columns.map((c) => [c.name, c.priority]),
      [
        ["Name", 0],
        ["Ready", 0],
        ["Status", 0],
        ["Restarts", 0],
        ["Age", 0],
        ["IP", 1],
        ["Node", 1],
        ["Nominated Node", 1],
        ["Readiness Gates", 1],
      ],
    );
    assert.equal(podPrinter.columns[0]?.format, "name");
  });
});
