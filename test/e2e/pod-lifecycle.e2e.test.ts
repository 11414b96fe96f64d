/**
 * The pod lifecycle as `kubectl get pods` shows it, with real containers on one `peapod
 * server` (embedded agent) and a local registry shared by every test of the file: a pod
 * whose two containers share an emptyDir, an init container gating the main one, a
 * crash-looping container, and pods that run to completion under `Never`/`OnFailure`.
 * The STATUS strings are the ones upstream kubectl prints for the status the agent writes
 * (pod-semantics.md D4). The tests run side by side: most of the time goes into waiting for
 * containers to sleep or crash, and each test has its own pods.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cleanupFor, type Cleanup } from "../harness/cleanup.js";
import { startPeapodNode, type Kubectl } from "../harness/peapod.js";
import { httpGet } from "../harness/ports.js";
import { startRegistry } from "../harness/registry.js";
import { waitFor } from "../harness/wait-for.js";

/** The parts of a pod's status the assertions read (kubectl's JSON). */
interface TerminatedState {
  exitCode: number;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
}
interface ContainerStatusJSON {
  name: string;
  ready: boolean;
  restartCount: number;
  state: { waiting?: { reason?: string; message?: string }; running?: { startedAt: string }; terminated?: TerminatedState };
  lastState: { terminated?: TerminatedState };
}
interface PodJSON {
  metadata: { uid: string };
  status: {
    phase: string;
    conditions?: Array<{ type: string; status: string; reason?: string }>;
    containerStatuses?: ContainerStatusJSON[];
    initContainerStatuses?: ContainerStatusJSON[];
    podIP?: string;
  };
}

interface PodRow {
  ready: string;
  status: string;
  restarts: string;
}

/** Each distinct row once, in the order first seen (a status write may repeat a row). */
function firstOfEach(rows: string[]): string[] {
  return [...new Set(rows)];
}

/** NAME READY STATUS RESTARTS AGE, RESTARTS possibly with its "(Ns ago)". */
function parseRow(line: string): (PodRow & { name: string }) | undefined {
  const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\d+(?: \([^)]*\))?)\s+\S+$/.exec(line.trim());
  return m ? { name: m[1]!, ready: m[2]!, status: m[3]!, restarts: m[4]! } : undefined;
}

describe("pod lifecycle through kubectl", { concurrency: true }, () => {
  const cleanup: Cleanup = cleanupFor((fn) => after(fn));
  let k: Kubectl;
  let image: string;
  let watch: { output: () => string };

  before(async () => {
    const registry = await startRegistry(cleanup);
    image = (await registry.push("busybox")).reference;
    ({ k } = await startPeapodNode(cleanup));
    // One watch for every test: each reads the rows of its own pods.
    watch = k.spawn(["get", "pods", "--watch"], cleanup);
  });

  /** Creates a pod with kubectl from its spec. */
  async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
    const manifest = JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
    assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), `pod/${name} created\n`);
  }

  async function podJSON(name: string): Promise<PodJSON> {
    return JSON.parse(await k.ok(["get", "pod", name, "-o", "json"])) as PodJSON;
  }

  /** The `kubectl get pod` row: READY, STATUS, RESTARTS (with its "(Ns ago)" suffix, if any). */
  async function podRow(name: string): Promise<PodRow> {
    const line = await k.ok(["get", "pod", name, "--no-headers"]);
    const row = parseRow(line);
    assert.ok(row?.name === name, `a row of ${name}: ${line}`);
    return { ready: row.ready, status: row.status, restarts: row.restarts };
  }

  /** The watch rows of one pod, as `READY STATUS RESTARTS`. */
  function watchRows(name: string): string[] {
    return watch
      .output()
      .split("\n")
      .map(parseRow)
      .filter((r) => r?.name === name)
      .map((r) => `${r!.ready} ${r!.status} ${r!.restarts}`);
  }

  /** A condition's status and reason (undefined when it has none). */
  function condition(pod: PodJSON, type: string): { status: string | undefined; reason: string | undefined } {
    const c = pod.status.conditions?.find((x) => x.type === type);
    return { status: c?.status, reason: c?.reason };
  }

  test("two containers share an emptyDir: one rewrites the page every second, the other serves it", async () => {
    const name = "shared-dir";
    await createPod(name, {
      volumes: [{ name: "www", emptyDir: {} }],
      containers: [
        {
          name: "writer",
          image,
          command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo \"$i $(date)\" > /www/.next && mv /www/.next /www/index.html; sleep 1; done"],
          volumeMounts: [{ name: "www", mountPath: "/www" }],
        },
        {
          name: "server",
          image,
          command: ["httpd", "-f", "-p", "8080", "-h", "/srv"],
          volumeMounts: [{ name: "www", mountPath: "/srv" }],
        },
      ],
    });
    await waitFor(() => watchRows(name).includes("2/2 Running 0") || undefined, { what: `the watch to show ${name} 2/2 Running`, timeoutMs: 30_000 });
    // As kubectl shows it on Kubernetes: Pending, ContainerCreating, then Running.
    assert.deepEqual(firstOfEach(watchRows(name)), ["0/2 Pending 0", "0/2 ContainerCreating 0", "2/2 Running 0"]);
    assert.deepEqual(await podRow(name), { ready: "2/2", status: "Running", restarts: "0" });

    const { podIP } = (await podJSON(name)).status;
    assert.ok(podIP, "a pod IP");
    const url = `http://${podIP}:8080/`;
    const first = await waitFor(async () => {
      const page = await httpGet(url);
      return /^\d+ /.test(page) && page;
    }, { what: `the page on ${url}`, timeoutMs: 10_000 });
    const second = await waitFor(async () => {
      const page = await httpGet(url);
      return page !== first && page;
    }, { what: `the page on ${url} to change from ${first.trim()}`, timeoutMs: 10_000, intervalMs: 250 });
    assert.ok(Number.parseInt(second, 10) > Number.parseInt(first, 10), `the counter went up: ${first.trim()} then ${second.trim()}`);
  });

  test("an init container gates the main one: Init:0/1, then Running, the main container starting after it", async () => {
    const name = "init-gate";
    await createPod(name, {
      volumes: [{ name: "www", emptyDir: {} }],
      initContainers: [
        {
          name: "prepare",
          image,
          command: ["sh", "-c", "sleep 3; echo prepared by the init container > /www/index.html"],
          volumeMounts: [{ name: "www", mountPath: "/www" }],
        },
      ],
      containers: [
        { name: "server", image, command: ["httpd", "-f", "-p", "8080", "-h", "/srv"], volumeMounts: [{ name: "www", mountPath: "/srv" }] },
      ],
    });
    await waitFor(() => watchRows(name).includes("1/1 Running 0") || undefined, { what: `the watch to show ${name} 1/1 Running`, timeoutMs: 30_000 });
    // Init:0/1 while the init container runs, PodInitializing once it is done and before
    // the main container runs, then Running (pod-semantics N2).
    assert.deepEqual(firstOfEach(watchRows(name)), ["0/1 Pending 0", "0/1 Init:0/1 0", "0/1 PodInitializing 0", "1/1 Running 0"]);

    const pod = await podJSON(name);
    const prepare = pod.status.initContainerStatuses?.[0];
    const server = pod.status.containerStatuses?.[0];
    assert.equal(prepare?.state.terminated?.reason, "Completed");
    assert.equal(prepare?.state.terminated?.exitCode, 0);
    assert.equal(prepare?.ready, true);
    const finishedAt = Date.parse(prepare?.state.terminated?.finishedAt ?? "");
    const startedAt = Date.parse(server?.state.running?.startedAt ?? "");
    assert.ok(startedAt >= finishedAt, `main started ${server?.state.running?.startedAt}, init finished ${prepare?.state.terminated?.finishedAt}`);
    assert.equal(condition(pod, "Initialized")?.status, "True");
    assert.equal(await httpGet(`http://${pod.status.podIP}:8080/`), "prepared by the init container\n");
  });

  test("a crashing container reaches CrashLoopBackOff with the upstream back-off, restart count and last exit", async () => {
    const name = "crash-loop";
    await createPod(name, { restartPolicy: "Always", containers: [{ name: "app", image, command: ["sh", "-c", "exit 3"] }] });

    /** The row and the object once the container waits in back-off after its `restarts`-th restart. */
    const backingOff = (restarts: number) =>
      waitFor(async () => {
        const before = await podJSON(name);
        const row = await podRow(name);
        const pod = await podJSON(name);
        // Read in one state: the container did not restart between the two reads.
        const same = before.status.containerStatuses?.[0]?.restartCount === pod.status.containerStatuses?.[0]?.restartCount;
        return same && row.status === "CrashLoopBackOff" && row.restarts.startsWith(`${restarts} `) && { row, pod };
      }, { what: `${name} in CrashLoopBackOff after ${restarts} restarts`, timeoutMs: 30_000, intervalMs: 250 });

    // The first restart is immediate; after the second exit the agent waits 10 s, then 20 s.
    const first = await backingOff(1);
    assert.equal(first.row.ready, "0/1");
    assert.match(first.row.restarts, /^1 \(\d+s ago\)$/);
    assert.equal(first.pod.status.phase, "Running");
    const uid = first.pod.metadata.uid;
    const app = first.pod.status.containerStatuses?.[0];
    assert.ok(app);
    assert.equal(app.restartCount, 1);
    assert.equal(app.ready, false);
    assert.deepEqual(app.state.waiting, { reason: "CrashLoopBackOff", message: `back-off 10s restarting failed container=app pod=${name}_default(${uid})` });
    assert.equal(app.lastState.terminated?.exitCode, 3);
    assert.equal(app.lastState.terminated?.reason, "Error");

    const second = await backingOff(2);
    const again = second.pod.status.containerStatuses?.[0];
    assert.ok(again);
    assert.equal(again.restartCount, 2);
    assert.deepEqual(again.state.waiting, { reason: "CrashLoopBackOff", message: `back-off 20s restarting failed container=app pod=${name}_default(${uid})` });
    assert.equal(again.lastState.terminated?.exitCode, 3);
    // The wait was the 10 s step, counted from the previous exit (timestamps have whole
    // seconds; a busy machine may restart late, but not as late as the next step).
    const waited = Date.parse(again.lastState.terminated?.startedAt ?? "") - Date.parse(app.lastState.terminated?.finishedAt ?? "");
    assert.ok(waited >= 10_000 && waited < 20_000, `restarted ${waited} ms after the previous exit`);

    const describe = await k.ok(["describe", "pod", name]);
    assert.match(describe, new RegExp(`Warning\\s+BackOff\\s+.*Back-off restarting failed container app in pod ${name}_default\\(${uid}\\)`));
    // The watch saw it too: no back-off before the first restart (no CrashLoopBackOff with
    // RESTARTS 0), RESTARTS counting up.
    const rows = watchRows(name);
    for (const row of rows) assert.match(row, /^(0\/1 (Pending|ContainerCreating|Error|CrashLoopBackOff)|1\/1 Running) \d+( \(\d+s ago\))?$/);
    const backOffs = rows.filter((r) => r.startsWith("0/1 CrashLoopBackOff")).map((r) => r.split(" ")[2]);
    assert.deepEqual([...new Set(backOffs)], ["1", "2"], JSON.stringify(rows));
  });

  test("restartPolicy Never and OnFailure: a pod that exits 0 is Completed/Succeeded, one that exits 1 is Error/Failed", async () => {
    const cases = [
      { name: "never-ok", restartPolicy: "Never", exit: 0, status: "Completed", phase: "Succeeded", terminated: "Completed", readyReason: "PodCompleted" },
      { name: "never-fail", restartPolicy: "Never", exit: 1, status: "Error", phase: "Failed", terminated: "Error", readyReason: "PodFailed" },
      { name: "onfailure-ok", restartPolicy: "OnFailure", exit: 0, status: "Completed", phase: "Succeeded", terminated: "Completed", readyReason: "PodCompleted" },
    ];
    await Promise.all(cases.map((c) => createPod(c.name, { restartPolicy: c.restartPolicy, containers: [{ name: "app", image, command: ["sh", "-c", `exit ${c.exit}`] }] })));
    await Promise.all(
      cases.map(async (c) => {
        // The terminal phase is reported first; the sandbox is torn down after it, so
        // PodReadyToStartContainers turns False a moment later (as on the kubelet).
        const pod = await waitFor(async () => {
          const pod = await podJSON(c.name);
          return pod.status.phase === c.phase && condition(pod, "PodReadyToStartContainers").status === "False" && pod;
        }, { what: `${c.name} to reach ${c.phase} with its sandbox gone`, timeoutMs: 30_000 });
        assert.deepEqual(await podRow(c.name), { ready: "0/1", status: c.status, restarts: "0" }, c.name);
        const app = pod.status.containerStatuses?.[0];
        assert.equal(app?.restartCount, 0, c.name);
        assert.equal(app?.state.terminated?.exitCode, c.exit, c.name);
        assert.equal(app?.state.terminated?.reason, c.terminated, c.name);
        assert.deepEqual(condition(pod, "Ready"), { status: "False", reason: c.readyReason }, c.name);
        assert.deepEqual(condition(pod, "ContainersReady"), { status: "False", reason: c.readyReason }, c.name);
        // Initialized stays True, with reason PodCompleted once Succeeded.
        assert.deepEqual(condition(pod, "Initialized"), { status: "True", reason: c.phase === "Succeeded" ? "PodCompleted" : undefined }, c.name);
      }),
    );
  });
});
