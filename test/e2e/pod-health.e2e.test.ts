/**
 * Pod health through the real kubectl, with real containers from the local registry: a
 * failing liveness probe restarts its container, a readiness probe flips READY both ways,
 * a pod that fits no node stays Pending and says why, and a graceful deletion runs the
 * preStop hook before SIGTERM. One server and registry serve every test; the pods are
 * created together, so their waits overlap.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupFor } from "../harness/cleanup.js";
import { Kubectl, startPeapod } from "../harness/peapod.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

/** The parts of a core/v1 Event the tests look at. */
interface EventSummary {
  type: string;
  reason: string;
  message: string;
  source?: { component?: string };
  involvedObject: { fieldPath?: string };
}

/** The parts of a pod's status the tests look at. */
interface PodView {
  metadata: { uid: string };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: Array<{
      name: string;
      ready: boolean;
      restartCount: number;
      state?: { waiting?: { reason: string; message?: string } };
      lastState?: { terminated?: { exitCode: number } };
    }>;
  };
}

/** A sh loop that ends at once on SIGTERM (a shell that is PID 1 ignores it otherwise). */
const sleepForever = "sleep 600 & wait";

describe("pod health: probes, a pod that fits nowhere, graceful deletion with preStop", () => {
  const cleanup = cleanupFor((fn) => after(fn));
  let k: Kubectl;
  let watch: { output: () => string };
  let markerDir: string;

  /** The rows `kubectl get pods --watch` printed for one pod. */
  const watchRows = (pod: string): string[] => watch.output().split("\n").filter((l) => l.startsWith(`${pod} `));

  /** Waits until the pod's watch rows pass `check`; on timeout the failure lists the rows. */
  const waitForRows = (pod: string, what: string, check: (rows: string[]) => boolean, timeoutMs = 10_000): Promise<true> =>
    waitFor(() => {
      if (check(watchRows(pod))) return true;
      throw new Error(`rows so far:\n${watchRows(pod).join("\n")}`);
    }, { what: `kubectl get pods --watch to show ${what}`, timeoutMs });

  const getPod = async (name: string): Promise<PodView> => JSON.parse(await k.ok(["get", "pod", name, "-o", "json"])) as PodView;

  const events = async (pod: string): Promise<EventSummary[]> =>
    (JSON.parse(await k.ok(["get", "events", "--field-selector", `involvedObject.name=${pod}`, "-o", "json"])) as { items: EventSummary[] }).items;

  before(async () => {
    const registry = await startRegistry(cleanup);
    const { reference: busybox } = await registry.push("busybox");
    const network = freeTestNetwork();
    const server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
    k = new Kubectl(server, cleanup);
    markerDir = mkdtempSync(join(tmpdir(), "peapod-prestop-"));
    cleanup.add(`remove ${markerDir}`, () => rmSync(markerDir, { recursive: true, force: true }));
    await k.waitForReadyNodes();
    watch = k.spawn(["get", "pods", "--watch"], cleanup);

    const pods = [
      // Healthy for ~3 s, then the file the liveness probe reads is gone.
      {
        name: "liveness",
        spec: {
          containers: [{
            name: "app", image: busybox,
            command: ["sh", "-c", `trap 'exit 0' TERM; touch /tmp/healthy; sleep 3; rm /tmp/healthy; ${sleepForever}`],
            livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 1, failureThreshold: 1 },
          }],
        },
      },
      // Serves /ready for 3 s, then not for 3 s, and so on.
      {
        name: "readiness",
        spec: {
          containers: [{
            name: "app", image: busybox,
            command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; httpd -p 8080 -h /www; while true; do echo ok > /www/ready; sleep 3; rm -f /www/ready; sleep 3; done"],
            readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 1 },
          }],
        },
      },
      {
        name: "no-such-node",
        spec: { nodeSelector: { "peapod.test/nowhere": "true" }, containers: [{ name: "app", image: busybox }] },
      },
      {
        name: "too-big",
        spec: { containers: [{ name: "app", image: busybox, resources: { requests: { cpu: "1000" } } }] },
      },
      // preStop and the TERM trap append to a file on the host, in the order they ran.
      {
        name: "prestop",
        spec: {
          terminationGracePeriodSeconds: 20,
          volumes: [{ name: "markers", hostPath: { path: markerDir, type: "Directory" } }],
          containers: [{
            name: "app", image: busybox,
            command: ["sh", "-c", `trap 'echo TERM >> /markers/order; exit 0' TERM; echo started >> /markers/order; ${sleepForever}`],
            volumeMounts: [{ name: "markers", mountPath: "/markers" }],
            lifecycle: { preStop: { exec: { command: ["sh", "-c", "echo preStop >> /markers/order; sleep 2"] } } },
          }],
        },
      },
    ];
    // A stream of JSON objects, one per pod, as kubectl reads them.
    const stream = pods.map((p) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: p.name }, spec: p.spec })).join("\n");
    assert.equal(await k.ok(["create", "-f", "-"], { stdin: stream }), pods.map((p) => `pod/${p.name} created\n`).join(""));
  });

  it("a failing liveness probe restarts the container, with Unhealthy and Killing events", async () => {
    const row = await waitFor(async () => {
      const out = await k.ok(["get", "pod", "liveness", "--no-headers"]);
      const restarts = /^liveness\s+\d+\/1\s+\S+\s+(\d+)/.exec(out)?.[1];
      return restarts !== undefined && Number(restarts) >= 1 && out;
    }, { what: "RESTARTS of the liveness pod to reach 1", timeoutMs: 30_000 });
    assert.match(row, /^liveness\s+\d\/1\s+(Running|CrashLoopBackOff|Completed)\s+[1-9]\d* \(\S+ ago\)/);

    const status = (await getPod("liveness")).status.containerStatuses?.[0];
    assert.ok(status && status.restartCount >= 1, JSON.stringify(status));
    // The trap exits 0 on the SIGTERM the kill sends.
    assert.equal(status.lastState?.terminated?.exitCode, 0, JSON.stringify(status));

    const evs = await events("liveness");
    const unhealthy = evs.find((e) => e.reason === "Unhealthy");
    assert.ok(unhealthy, JSON.stringify(evs));
    assert.equal(unhealthy.type, "Warning");
    assert.equal(unhealthy.source?.component, "kubelet");
    assert.equal(unhealthy.involvedObject.fieldPath, "spec.containers{app}");
    assert.equal(unhealthy.message, "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n");
    const killing = evs.find((e) => e.reason === "Killing");
    assert.ok(killing, JSON.stringify(evs));
    assert.equal(killing.type, "Normal");
    assert.equal(killing.message, "Container app failed liveness probe, will be restarted");
    assert.equal(killing.involvedObject.fieldPath, "spec.containers{app}");

    // As upstream's doBackOff, which looks at the newest exited instance while the killed one
    // still runs: the first kill has none, so no back-off is recorded; the second kill
    // records it (10 s from the first exit, long over) and restarts at once; the third comes
    // ~4 s after the second exit and waits out the 10 s.
    const backOff = await waitFor(async () => {
      const p = await getPod("liveness");
      const c = p.status.containerStatuses?.[0];
      return c?.state?.waiting?.reason === "CrashLoopBackOff" && { uid: p.metadata.uid, c };
    }, { what: "the liveness container to wait in CrashLoopBackOff", timeoutMs: 20_000 });
    assert.equal(backOff.c.restartCount, 2, "the third restart waits for the back-off");
    assert.equal(backOff.c.state?.waiting?.message, `back-off 10s restarting failed container=app pod=liveness_default(${backOff.uid})`);
    await waitForRows("liveness", "CrashLoopBackOff", (rows) => rows.some((l) => /^liveness\s+0\/1\s+CrashLoopBackOff\s+2 \(\S+ ago\)/.test(l)));
    const backOffEvent = (await events("liveness")).find((e) => e.reason === "BackOff");
    assert.equal(backOffEvent?.type, "Warning");
    assert.equal(backOffEvent?.message, `Back-off restarting failed container app in pod liveness_default(${backOff.uid})`);
  });

  it("readiness flips READY 0/1 -> 1/1 -> 0/1 without restarts; Ready and containerStatuses[].ready follow", async () => {
    await waitForRows("readiness", "0/1, 1/1, 0/1 (Running)", (rows) => {
      const ready = rows.map((l) => /^readiness\s+(\d\/1)\s+Running\s/.exec(l)?.[1]).filter((r) => r !== undefined);
      const first = ready.indexOf("0/1");
      const up = ready.indexOf("1/1", first + 1);
      return first >= 0 && up > first && ready.indexOf("0/1", up + 1) > up;
    }, 30_000);

    // The pod's Ready condition and the container's ready flag move together, both ways.
    const view = (p: PodView) => ({
      condition: p.status.conditions?.find((c) => c.type === "Ready"),
      containersReady: p.status.conditions?.find((c) => c.type === "ContainersReady")?.status,
      container: p.status.containerStatuses?.[0],
    });
    for (const want of [true, false]) {
      const seen = await waitFor(async () => {
        const v = view(await getPod("readiness"));
        return v.container?.ready === want && v;
      }, { what: `containerStatuses[0].ready ${want}`, timeoutMs: 15_000 });
      assert.equal(seen.condition?.status, want ? "True" : "False", JSON.stringify(seen));
      assert.equal(seen.containersReady, want ? "True" : "False", JSON.stringify(seen));
      if (!want) {
        assert.equal(seen.condition?.reason, "ContainersNotReady");
        assert.equal(seen.condition?.message, "containers with unready status: [app]");
      }
      assert.equal(seen.container?.restartCount, 0, "a readiness failure never restarts");
    }
    const evs = await events("readiness");
    // (A probe before httpd listens may fail otherwise: connection refused.)
    assert.ok(evs.some((e) => e.type === "Warning" && e.reason === "Unhealthy" && e.message === "Readiness probe failed: HTTP probe failed with statuscode: 404"),
      JSON.stringify(evs));
    assert.ok(!evs.some((e) => e.reason === "Killing"), "readiness failures kill nothing");
  });

  it("a pod that fits no node stays Pending: PodScheduled False/Unschedulable and a FailedScheduling event", async () => {
    const expected: Record<string, string> = {
      "no-such-node": "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
      "too-big": "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    };
    for (const [name, message] of Object.entries(expected)) {
      const condition = await waitFor(async () => (await getPod(name)).status.conditions?.find((c) => c.type === "PodScheduled"),
        { what: `the PodScheduled condition of ${name}`, timeoutMs: 15_000 });
      assert.deepEqual({ status: condition.status, reason: condition.reason, message: condition.message }, { status: "False", reason: "Unschedulable", message });
      const failed = await waitFor(async () => (await events(name)).find((e) => e.reason === "FailedScheduling"), { what: `a FailedScheduling event for ${name}` });
      assert.equal(failed.type, "Warning");
      assert.equal(failed.source?.component, "default-scheduler");
      assert.equal(failed.message, message);
      const pod = await getPod(name);
      assert.equal(pod.status.phase, "Pending");
      assert.equal(pod.spec.nodeName, undefined, "never bound");
      assert.match(await k.ok(["get", "pod", name, "--no-headers"]), new RegExp(`^${name}\\s+0/1\\s+Pending\\s+0\\s`));
      assert.ok(!(await events(name)).some((e) => e.source?.component === "kubelet"), "no node agent touched it");
    }
  });

  it("graceful deletion runs preStop, then SIGTERM, within the grace period; the object goes", async () => {
    await waitForRows("prestop", "1/1 Running", (rows) => rows.some((l) => /^prestop\s+1\/1\s+Running\s/.test(l)), 30_000);
    assert.equal(readFileSync(join(markerDir, "order"), "utf8"), "started\n");

    const began = Date.now();
    assert.equal(await k.ok(["delete", "pod", "prestop", "--wait"]), "pod \"prestop\" deleted\n");
    const tookMs = Date.now() - began;
    // The hook sleeps 2 s: delete waited for it; the trap exits at once: well before the 20 s grace.
    assert.ok(tookMs >= 2000 && tookMs < 15_000, `kubectl delete took ${tookMs} ms`);
    assert.equal(readFileSync(join(markerDir, "order"), "utf8"), "started\npreStop\nTERM\n", "preStop ran first, then SIGTERM");

    await waitForRows("prestop", "Terminating", (rows) => rows.some((l) => /^prestop\s+\d\/1\s+Terminating\s/.test(l)));
    const gone = await k.run(["get", "pod", "prestop"]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, "Error from server (NotFound): pods \"prestop\" not found\n");
    const killing = (await events("prestop")).find((e) => e.reason === "Killing");
    assert.equal(killing?.type, "Normal");
    assert.equal(killing?.message, "Stopping container app");
    assert.equal(killing?.involvedObject.fieldPath, "spec.containers{app}");
  });
});
