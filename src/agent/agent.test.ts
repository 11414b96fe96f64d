/**
 * The node agent end to end: the real API server in process, a real registry with the test
 * images and a real LocalRuntime (runc, conmon, CNI). Pods are bound by spec.nodeName, so no
 * scheduler is involved; each case says what a user of kubectl would see.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { ContainerStatus, PodCondition, PodStatus } from "../api/index.js";
import { ApiClient, configMapsResource, eventsResource, podsResource } from "../client/index.js";
import { busyboxIndexHtml } from "../../test/fixtures/images/busybox.js";
import { cleanupFor } from "../../test/harness/cleanup.js";
import { pushAll, startRegistry } from "../../test/harness/registry.js";
import { openTestRuntime, podSandboxConfig, type TestRuntime } from "../../test/harness/runtime.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { NodeAgent } from "./index.js";
import { podUidLabel } from "./pod-sandbox-config.js";
import { httpGet } from "../../test/harness/ports.js";
import type { PodObject } from "../api/index.js";

const nodeName = "agent-test-node";


const statusOf = (pod: PodObject): Partial<PodStatus> => (pod.status ?? {}) as Partial<PodStatus>;
const conditionOf = (pod: PodObject, type: string): PodCondition | undefined => statusOf(pod).conditions?.find((c) => c.type === type);
const containerOf = (pod: PodObject, name: string): ContainerStatus | undefined => statusOf(pod).containerStatuses?.find((c) => c.name === name);

describe("the node agent runs pods on the runtime", () => {
  const suite = cleanupFor(after);
  let client: ApiClient;
  let rt: TestRuntime;
  let agent: NodeAgent;
  let dataDir: string;
  let hooksDir: string;
  let images: { busybox: string; httpd: string };
  const logs: string[] = [];

  const pods = () => client.resource<PodObject>(podsResource);

  function newAgent(): NodeAgent {
    return new NodeAgent({ client, runtime: rt.runtime, nodeName, dataDir, podCIDR: rt.network.podCIDR, log: (m) => logs.push(m) });
  }

  before(async () => {
    const server = await startInProcessServer({ after: (fn) => suite.add("stop the API server", fn) });
    client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
    suite.add("close the client", () => client.close());
    const registry = await startRegistry(suite);
    const pushed = await pushAll(registry);
    images = { busybox: pushed.busybox.reference, httpd: pushed.httpd.reference };
    rt = await openTestRuntime(suite);
    dataDir = mkdtempSync(join(tmpdir(), "peapod-agent-"));
    suite.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    hooksDir = mkdtempSync(join(tmpdir(), "peapod-agent-hooks-"));
    suite.add(`remove ${hooksDir}`, () => rmSync(hooksDir, { recursive: true, force: true }));
    agent = newAgent();
    // Stopped before the runtime is reset (the ledger runs in reverse).
    suite.add("stop the agent", () => agent.stop());
    await agent.start();
  });

  after(() => {
    if (logs.length > 0) console.error(`agent log:\n${logs.join("\n")}`);
  });

  async function createPod(name: string, spec: Record<string, unknown>): Promise<PodObject> {
    return pods().create("default", { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { nodeName, ...spec } } as PodObject);
  }

  async function waitForPod(name: string, what: string, check: (pod: PodObject) => boolean, timeoutMs = 30_000): Promise<PodObject> {
    let last: PodObject | undefined;
    try {
      return await waitFor(
        async () => {
          last = await pods().get("default", name);
          return check(last) ? last : undefined;
        },
        { what: `pod ${name}: ${what}`, timeoutMs, intervalMs: 200 },
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last?.status, null, 1)}`);
    }
  }

  async function eventsFor(uid: string): Promise<{ reason: string; message: string; type: string; fieldPath?: string }[]> {
    const list = await client.resource(eventsResource).list("default");
    return list.items
      .filter((e) => (e["involvedObject"] as { uid?: string }).uid === uid)
      .map((e) => ({
        reason: e["reason"] as string,
        message: e["message"] as string,
        type: e["type"] as string,
        fieldPath: (e["involvedObject"] as { fieldPath?: string }).fieldPath,
      }));
  }

  test("an httpd pod runs, becomes Ready and serves its page on the pod IP", async () => {
    const created = await createPod("web", {
      volumes: [{ name: "hooks", hostPath: { path: hooksDir, type: "Directory" } }],
      containers: [
        {
          name: "web",
          image: images.httpd,
          ports: [{ containerPort: 80 }],
          readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 1 },
          // Leaves a mark on the host when the pod is deleted (the last case checks it).
          lifecycle: { preStop: { exec: { command: ["sh", "-c", "echo bye > /hooks/prestop"] } } },
          volumeMounts: [{ name: "hooks", mountPath: "/hooks" }],
        },
      ],
    });
    const pod = await waitForPod("web", "Running and Ready", (p) => statusOf(p).phase === "Running" && conditionOf(p, "Ready")?.status === "True");
    const status = statusOf(pod);
    assert.ok(status.podIP, "podIP is set");
    assert.deepEqual(status.podIPs, [{ ip: status.podIP }]);
    assert.ok(status.hostIP);
    assert.equal(status.qosClass, "BestEffort");
    const web = containerOf(pod, "web")!;
    assert.ok(web.state.running?.startedAt, "running");
    assert.equal(web.ready, true);
    assert.equal(web.started, true);
    assert.equal(web.restartCount, 0);
    assert.match(web.containerID ?? "", /^peapod:\/\//);
    assert.match(web.imageID, /^sha256:/);
    assert.equal(await httpGet(`http://${status.podIP}:80/`), busyboxIndexHtml);

    const events = await waitFor(
      async () => {
        const evs = await eventsFor(created.metadata.uid!);
        return ["Pulling", "Pulled", "Created", "Started"].every((r) => evs.some((e) => e.reason === r)) ? evs : undefined;
      },
      { what: "Pulling, Pulled, Created and Started events" },
    );
    const by = (reason: string) => events.find((e) => e.reason === reason)!;
    assert.equal(by("Pulling").message, `Pulling image "${images.httpd}"`);
    assert.match(by("Pulled").message, /^Successfully pulled image ".+" in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\.$/);
    assert.equal(by("Created").message, "Created container web");
    assert.equal(by("Started").message, "Started container web");
    for (const r of ["Pulling", "Pulled", "Created", "Started"]) assert.equal(by(r).fieldPath, "spec.containers{web}");
  });

  test("a container that keeps exiting 1 under restartPolicy Always goes CrashLoopBackOff", async () => {
    await createPod("crash", { containers: [{ name: "crash", image: images.busybox, command: ["sh", "-c", "exit 1"] }] });
    const pod = await waitForPod("crash", "CrashLoopBackOff", (p) => containerOf(p, "crash")?.state.waiting?.reason === "CrashLoopBackOff", 40_000);
    const crash = containerOf(pod, "crash")!;
    assert.ok(crash.restartCount >= 1, `restartCount ${crash.restartCount}`);
    assert.equal(crash.lastState.terminated?.exitCode, 1);
    assert.equal(crash.lastState.terminated?.reason, "Error");
    assert.match(crash.state.waiting?.message ?? "", /^back-off \d+s restarting failed container=crash pod=crash_default\(/);
    assert.equal(statusOf(pod).phase, "Running");
    const events = await eventsFor(pod.metadata.uid!);
    assert.ok(events.some((e) => e.reason === "BackOff" && e.type === "Warning" && e.message.startsWith("Back-off restarting failed container crash in pod crash_default(")));
    // Force-deleted: the object goes at once, and the agent still removes what ran.
    await pods().delete("default", "crash", { gracePeriodSeconds: 0 });
    await waitFor(async () => (await rt.runtime.listPodSandboxes({ labelSelector: { [podUidLabel]: pod.metadata.uid! } })).length === 0, {
      what: "the force-deleted pod's sandbox removed",
    });
  });

  test("a container that exits 0 under restartPolicy Never makes the pod Succeeded", async () => {
    await createPod("once", { restartPolicy: "Never", containers: [{ name: "once", image: images.busybox, command: ["sh", "-c", "echo done"] }] });
    const pod = await waitForPod("once", "Succeeded", (p) => statusOf(p).phase === "Succeeded");
    const once = containerOf(pod, "once")!;
    assert.equal(once.state.terminated?.exitCode, 0);
    assert.equal(once.state.terminated?.reason, "Completed");
    assert.equal(once.restartCount, 0);
    assert.equal(conditionOf(pod, "Ready")?.status, "False");
    assert.equal(conditionOf(pod, "Ready")?.reason, "PodCompleted");
    // Kept (for logs) until the pod is deleted; its sandbox is stopped.
    const containers = await rt.runtime.listContainers({ labelSelector: { [podUidLabel]: pod.metadata.uid! } });
    assert.equal(containers.length, 1);
    await pods().delete("default", "once");
    await waitFor(async () => (await pods().list("default")).items.every((p) => p.metadata.name !== "once"), { what: "pod once deleted" });
  });

  test("init containers run to completion in order, a sidecar keeps running beside the app", async () => {
    await createPod("init", {
      volumes: [{ name: "work", emptyDir: {} }],
      initContainers: [
        { name: "first", image: images.busybox, command: ["sh", "-c", "echo first >> /work/order"], volumeMounts: [{ name: "work", mountPath: "/work" }] },
        { name: "sidecar", image: images.busybox, restartPolicy: "Always", command: ["sleep", "3600"] },
        { name: "second", image: images.busybox, command: ["sh", "-c", "echo second >> /work/order"], volumeMounts: [{ name: "work", mountPath: "/work" }] },
      ],
      containers: [{ name: "app", image: images.busybox, command: ["sleep", "3600"], volumeMounts: [{ name: "work", mountPath: "/work" }] }],
      terminationGracePeriodSeconds: 1,
    });
    const pod = await waitForPod("init", "Running and Ready", (p) => statusOf(p).phase === "Running" && conditionOf(p, "Ready")?.status === "True");
    const inits = statusOf(pod).initContainerStatuses!;
    assert.deepEqual(inits.map((c) => c.name), ["first", "sidecar", "second"]);
    assert.equal(inits[0]!.state.terminated?.reason, "Completed");
    assert.equal(inits[2]!.state.terminated?.reason, "Completed");
    assert.ok(inits[1]!.state.running, "the sidecar runs");
    assert.equal(inits[1]!.started, true);
    assert.equal(conditionOf(pod, "Initialized")?.status, "True");
    const id = containerOf(pod, "app")!.containerID!.replace("peapod://", "");
    const order = await rt.runtime.execSync(id, ["cat", "/work/order"], 5);
    assert.equal(order.stdout.toString(), "first\nsecond\n");
    await pods().delete("default", "init", { gracePeriodSeconds: 1 });
    await waitFor(async () => (await pods().list("default")).items.every((p) => p.metadata.name !== "init"), { what: "pod init deleted", timeoutMs: 20_000 });
  });

  test("a configMap volume and env reach the container", async () => {
    await client.resource(configMapsResource).create("default", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "site", namespace: "default" },
      data: { "index.html": "from a configMap\n", greeting: "hello" },
    });
    await createPod("site", {
      volumes: [{ name: "www", configMap: { name: "site" } }],
      containers: [
        {
          name: "web",
          image: images.httpd,
          volumeMounts: [{ name: "www", mountPath: "/var/www" }],
          env: [{ name: "GREETING", valueFrom: { configMapKeyRef: { name: "site", key: "greeting" } } }],
        },
      ],
    });
    const pod = await waitForPod("site", "Running", (p) => containerOf(p, "web")?.state.running !== undefined);
    assert.equal(await httpGet(`http://${statusOf(pod).podIP}:80/`), "from a configMap\n");
    const id = containerOf(pod, "web")!.containerID!.replace("peapod://", "");
    const env = await rt.runtime.execSync(id, ["sh", "-c", "echo $GREETING"], 5);
    assert.equal(env.stdout.toString(), "hello\n");
    await pods().delete("default", "site", { gracePeriodSeconds: 0 });
  });

  test("a missing secret in env is CreateContainerConfigError", async () => {
    const created = await createPod("nosecret", {
      containers: [{ name: "app", image: images.busybox, command: ["sleep", "3600"], env: [{ name: "X", valueFrom: { secretKeyRef: { name: "nope", key: "k" } } }] }],
    });
    const pod = await waitForPod("nosecret", "CreateContainerConfigError", (p) => containerOf(p, "app")?.state.waiting?.reason === "CreateContainerConfigError");
    assert.equal(containerOf(pod, "app")!.state.waiting?.message, 'secret "nope" not found');
    assert.equal(statusOf(pod).phase, "Pending");
    const events = await waitFor(async () => {
      const evs = await eventsFor(created.metadata.uid!);
      return evs.some((e) => e.reason === "Failed") ? evs : undefined;
    }, { what: "a Failed event" });
    assert.ok(events.some((e) => e.type === "Warning" && e.reason === "Failed" && e.message === 'Error: secret "nope" not found'));
    await pods().delete("default", "nosecret", { gracePeriodSeconds: 0 });
  });

  test("an image the registry does not have is ErrImagePull, then ImagePullBackOff", async () => {
    const image = images.busybox.replace("peapod-test/busybox:1", "peapod-test/missing:1");
    const created = await createPod("noimage", { containers: [{ name: "app", image }] });
    const pulled = await waitForPod("noimage", "ErrImagePull", (p) => containerOf(p, "app")?.state.waiting?.reason === "ErrImagePull");
    assert.equal(statusOf(pulled).phase, "Pending");
    await waitForPod("noimage", "ImagePullBackOff", (p) => containerOf(p, "app")?.state.waiting?.reason === "ImagePullBackOff", 40_000);
    const events = await eventsFor(created.metadata.uid!);
    assert.ok(events.some((e) => e.reason === "Failed" && e.message.startsWith(`Failed to pull image "${image}": `)));
    assert.ok(events.some((e) => e.reason === "Failed" && e.message === "Error: ErrImagePull"));
    assert.ok(events.some((e) => e.reason === "BackOff" && e.message === `Back-off pulling image "${image}"`));
    assert.ok(events.some((e) => e.reason === "Failed" && e.message === "Error: ImagePullBackOff"));
    await pods().delete("default", "noimage", { gracePeriodSeconds: 0 });
  });

  test("a failing liveness probe restarts the container", async () => {
    const created = await createPod("live", {
      terminationGracePeriodSeconds: 2,
      containers: [{ name: "live", image: images.httpd, livenessProbe: { httpGet: { path: "/", port: 81 }, periodSeconds: 1, failureThreshold: 1 } }],
    });
    const pod = await waitForPod("live", "restarted", (p) => (containerOf(p, "live")?.restartCount ?? 0) >= 1, 30_000);
    assert.equal(containerOf(pod, "live")!.lastState.terminated !== undefined, true);
    const events = await eventsFor(created.metadata.uid!);
    assert.ok(events.some((e) => e.reason === "Unhealthy" && e.type === "Warning" && e.message.startsWith("Liveness probe failed: ")));
    assert.ok(events.some((e) => e.reason === "Killing" && e.message === "Container live failed liveness probe, will be restarted"));
    await pods().delete("default", "live", { gracePeriodSeconds: 0 });
  });

  test("a failing postStart hook kills the container", async () => {
    const created = await createPod("hook", {
      terminationGracePeriodSeconds: 2,
      containers: [{ name: "app", image: images.httpd, lifecycle: { postStart: { exec: { command: ["sh", "-c", "exit 3"] } } } }],
    });
    const events = await waitFor(async () => {
      const evs = await eventsFor(created.metadata.uid!);
      return evs.some((e) => e.reason === "FailedPostStartHook") && evs.some((e) => e.reason === "Killing") ? evs : undefined;
    }, { what: "FailedPostStartHook and Killing events", timeoutMs: 20_000 });
    assert.match(events.find((e) => e.reason === "FailedPostStartHook")!.message, /^Exec lifecycle hook \(\[sh -c exit 3\]\) for Container "app" in Pod "hook_default\(.*\)" failed - error: /);
    assert.equal(events.find((e) => e.reason === "Killing")!.message, "FailedPostStartHook");
    await waitForPod("hook", "restarted or waiting", (p) => (containerOf(p, "app")?.restartCount ?? 0) >= 1 || containerOf(p, "app")?.state.waiting?.reason === "PostStartHookError");
    await pods().delete("default", "hook", { gracePeriodSeconds: 0 });
  });

  test("a pod past its activeDeadlineSeconds fails with DeadlineExceeded", async () => {
    await createPod("deadline", {
      activeDeadlineSeconds: 2,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: "app", image: images.busybox, command: ["sleep", "3600"] }],
    });
    const pod = await waitForPod("deadline", "Failed", (p) => statusOf(p).phase === "Failed", 20_000);
    assert.equal(statusOf(pod).reason, "DeadlineExceeded");
    assert.equal(statusOf(pod).message, "Pod was active on the node longer than the specified deadline");
    assert.ok(containerOf(pod, "app")!.state.terminated, "the container was stopped");
    await pods().delete("default", "deadline");
    await waitFor(async () => (await pods().list("default")).items.every((p) => p.metadata.name !== "deadline"), { what: "pod deadline deleted" });
  });

  test("a restarted agent adopts the running pod and removes orphaned sandboxes", async () => {
    const before = await pods().get("default", "web");
    const uid = before.metadata.uid!;
    const oldID = containerOf(before, "web")!.containerID;
    await agent.stop();
    const orphan = await rt.runtime.runPodSandbox(podSandboxConfig("orphan", (c) => (c.labels[podUidLabel] = "no-such-pod")));
    agent = newAgent();
    await agent.start();
    assert.deepEqual(await rt.runtime.listPodSandboxes({ id: orphan }), [], "the orphaned sandbox is removed");
    // Give the new agent's first sync of the pod time to run (nothing in the API changes when it adopts).
    await new Promise((r) => setTimeout(r, 3000));
    const after = await pods().get("default", "web");
    const web = containerOf(after, "web")!;
    assert.equal(web.containerID, oldID, "same container");
    assert.equal(web.restartCount, 0);
    assert.equal(statusOf(after).phase, "Running");
    const instances = await rt.runtime.listContainers({ labelSelector: { [podUidLabel]: uid } });
    assert.deepEqual(instances.map((c) => [c.metadata.attempt, c.state]), [[0, "CONTAINER_RUNNING"]]);
    const created = (await eventsFor(uid)).filter((e) => e.reason === "Created");
    assert.equal(created.length, 1, "no container was created again");
  });

  test("deleting a pod stops its containers, removes its sandbox, then the object", async () => {
    const pod = await pods().get("default", "web");
    const uid = pod.metadata.uid!;
    await pods().delete("default", "web", { gracePeriodSeconds: 2 });
    await waitFor(async () => (await pods().list("default")).items.every((p) => p.metadata.uid !== uid), { what: "pod web gone from the API", timeoutMs: 20_000 });
    assert.deepEqual(await rt.runtime.listPodSandboxes({ labelSelector: { [podUidLabel]: uid } }), []);
    assert.deepEqual(await rt.runtime.listContainers({ labelSelector: { [podUidLabel]: uid } }), []);
    const killing = (await eventsFor(uid)).filter((e) => e.reason === "Killing");
    assert.deepEqual(killing.map((e) => e.message), ["Stopping container web"]);
    assert.equal(readFileSync(join(hooksDir, "prestop"), "utf8"), "bye\n", "the preStop hook ran");
  });
});
