/**
 * The scheduler loop against the real API server in process: FailedScheduling and the
 * PodScheduled=False condition when nothing fits, binding (and the Scheduled event) once a
 * node fits, resources accounted across back-to-back decisions, retries when a pod goes,
 * and a stop that leaves no timer behind.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { KubeObject, Node, PodCondition } from "../api/index.js";
import { systemClock, type Clock } from "../base/index.js";
import { ApiClient, eventsResource, nodesResource, podsResource, type ResourceClient } from "../client/index.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { Scheduler } from "./index.js";
import type { PodObject } from "../api/index.js";


interface Setup {
  pods: ResourceClient<PodObject>;
  nodes: ResourceClient<Node & KubeObject>;
  events: ResourceClient;
  scheduler: Scheduler;
  /** Sleeps begun on the scheduler's clock and not yet ended (its only timers). */
  pendingSleeps: () => number;
}

/** Everything up but the scheduler, which starts on `start()` so a test can prepare objects first. */
async function setup(t: TestContext): Promise<Setup & { start: () => Promise<void> }> {
  let scheduler: Scheduler | undefined;
  let client: ApiClient | undefined;
  // Registered before the server's own cleanup, so the scheduler stops before it goes away.
  t.after(async () => {
    await scheduler?.stop();
    client?.close();
  });
  const server = await startInProcessServer(t);
  client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  let pending = 0;
  const clock: Clock = {
    now: () => systemClock.now(),
    sleep: (ms, signal) => {
      pending++;
      return systemClock.sleep(ms, signal).finally(() => pending--);
    },
  };
  scheduler = new Scheduler({ client, clock, log: (m) => t.diagnostic(m) });
  const s = scheduler;
  return {
    pods: client.resource<PodObject>(podsResource),
    nodes: client.resource<Node & KubeObject>(nodesResource),
    events: client.resource(eventsResource),
    scheduler: s,
    pendingSleeps: () => pending,
    start: () => s.start(),
  };
}

function node(name: string, allocatable: Record<string, string> = { cpu: "4", memory: "8Gi", pods: "110" }, labels: Record<string, string> = {}): Node & KubeObject {
  return {
    apiVersion: "v1", kind: "Node", metadata: { name, labels },
    status: { capacity: allocatable, allocatable, conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }] },
  };
}

function pod(name: string, cpu?: string, spec: PodObject["spec"] = {}): PodObject {
  return {
    apiVersion: "v1", kind: "Pod", metadata: { name },
    spec: { containers: [{ name: "app", image: "busybox", ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...spec },
  };
}

function podScheduled(p: PodObject): PodCondition | undefined {
  const conditions = (p.status?.["conditions"] ?? []) as PodCondition[];
  return conditions.find((c) => c.type === "PodScheduled");
}

async function createNode(s: Setup, n: Node & KubeObject): Promise<void> {
  await s.nodes.create(undefined, n);
  // Node status is only written through the status subresource, as the agent does.
  await s.nodes.patchStatus(undefined, n.metadata.name!, { status: n.status }, "merge");
}

const waitForCondition = (s: Setup, name: string, want: (c: PodCondition) => boolean, what: string): Promise<PodCondition> =>
  waitFor(async () => {
    const c = podScheduled(await s.pods.get("default", name));
    return c && want(c) ? c : undefined;
  }, { what, timeoutMs: 15_000 });

const waitForUnschedulable = (s: Setup, name: string, message: string): Promise<PodCondition> =>
  waitForCondition(s, name, (c) => c.status === "False" && c.reason === "Unschedulable" && c.message === message, `${name} Unschedulable: ${message}`);

const waitForBound = (s: Setup, name: string): Promise<PodObject> =>
  waitFor(async () => {
    const p = await s.pods.get("default", name);
    return p.spec?.nodeName ? p : undefined;
  }, { what: `${name} bound`, timeoutMs: 15_000 });

/** The events about the pod with the reason, once there is one. */
const waitForEvent = (s: Setup, podName: string, reason: string): Promise<KubeObject> =>
  waitFor(async () => (await s.events.list("default")).items.find((e) => {
    const involved = e["involvedObject"] as { name?: string };
    return involved.name === podName && e["reason"] === reason;
  }), { what: `a ${reason} event about ${podName}`, timeoutMs: 15_000 });

const noNodes = "no nodes available to schedule pods";

test("a pod with no nodes is Unschedulable with FailedScheduling; a Ready node appearing gets it bound with a Scheduled event", async (t) => {
  const s = await setup(t);
  await s.start();
  await s.pods.create("default", pod("web", "100m"));

  const condition = await waitForUnschedulable(s, "web", noNodes);
  assert.ok(condition.lastTransitionTime, "the condition says when it became False");
  const failed = await waitForEvent(s, "web", "FailedScheduling");
  assert.equal(failed["type"], "Warning");
  assert.equal(failed["message"], noNodes);
  assert.deepEqual(failed["source"], { component: "default-scheduler" });
  assert.equal(failed["reportingComponent"], "default-scheduler");
  assert.equal((failed["involvedObject"] as { kind: string }).kind, "Pod");

  await createNode(s, node("node-1"));
  const bound = await waitForBound(s, "web");
  assert.equal(bound.spec?.nodeName, "node-1");
  // The binding subresource marks the pod scheduled, in the same write.
  assert.equal(podScheduled(bound)?.status, "True");
  const scheduled = await waitForEvent(s, "web", "Scheduled");
  assert.equal(scheduled["type"], "Normal");
  assert.equal(scheduled["message"], "Successfully assigned default/web to node-1");
  assert.deepEqual(scheduled["source"], { component: "default-scheduler" });
});

test("a pod whose nodeSelector matches no node says so, and binds once a node gets the label", async (t) => {
  const s = await setup(t);
  await createNode(s, node("node-1"));
  await s.start();
  await s.pods.create("default", pod("db", undefined, { nodeSelector: { disk: "ssd" } }));
  const message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. " +
    "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
  await waitForUnschedulable(s, "db", message);
  assert.equal((await waitForEvent(s, "db", "FailedScheduling"))["message"], message);

  await s.nodes.patch(undefined, "node-1", { metadata: { labels: { disk: "ssd" } } }, "merge");
  assert.equal((await waitForBound(s, "db")).spec?.nodeName, "node-1");
});

test("two pods that together exceed the node's cpu: the second stays Pending with Insufficient cpu until the first is deleted", async (t) => {
  const s = await setup(t);
  await createNode(s, node("node-1", { cpu: "1", memory: "1Gi", pods: "110" }));
  // Both are there when the scheduler starts, so the second is decided right after the
  // first is bound, before the informer can show that binding: only the assumed pod
  // keeps the node from looking free.
  await s.pods.create("default", pod("first", "600m"));
  await s.pods.create("default", pod("second", "600m"));
  await s.start();

  assert.equal((await waitForBound(s, "first")).spec?.nodeName, "node-1");
  const message = "0/1 nodes are available: 1 Insufficient cpu. " +
    "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
  await waitForUnschedulable(s, "second", message);
  assert.equal((await s.pods.get("default", "second")).spec?.nodeName, undefined);
  assert.equal((await waitForEvent(s, "second", "FailedScheduling"))["message"], message);

  await s.pods.delete("default", "first", { gracePeriodSeconds: 0 });
  assert.equal((await waitForBound(s, "second")).spec?.nodeName, "node-1");
  await waitForEvent(s, "second", "Scheduled");
});

test("a burst fills the node's pod slots exactly: bindings run beside the decisions and no pod is counted twice", async (t) => {
  const s = await setup(t);
  const slots = 12;
  await createNode(s, node("node-1", { cpu: "4", memory: "8Gi", pods: String(slots) }));
  // A pod bound and deleted first, so the informer's view and the assumed pods both change
  // under the burst that follows (the order in which they catch up varies from run to run).
  await s.start();
  await s.pods.create("default", pod("warm"));
  await waitForBound(s, "warm");
  await s.pods.delete("default", "warm", { gracePeriodSeconds: 0 });
  await waitFor(async () => (await s.pods.list("default")).items.length === 0 || undefined, { what: "warm gone" });

  await Promise.all(Array.from({ length: slots + 1 }, (_, i) => s.pods.create("default", pod(`p${i}`))));
  const bound = await waitFor(async () => {
    const items = (await s.pods.list("default")).items.filter((p) => p.spec?.nodeName);
    return items.length === slots ? items : undefined;
  }, { what: `${slots} pods bound`, timeoutMs: 15_000 });
  const left = (await s.pods.list("default")).items.find((p) => !p.spec?.nodeName);
  assert.ok(left, "one pod is left over");
  await waitForUnschedulable(s, left.metadata.name!, "0/1 nodes are available: 1 Too many pods. " +
    "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
  assert.equal(bound.length, slots);

  // Any one bound pod going makes room for the one left over.
  await s.pods.delete("default", bound[0]!.metadata.name!, { gracePeriodSeconds: 0 });
  await waitForBound(s, left.metadata.name!);
});

test("a pod for another scheduler, or with scheduling gates, is left alone", async (t) => {
  const s = await setup(t);
  await createNode(s, node("node-1"));
  await s.start();
  await s.pods.create("default", pod("other", undefined, { schedulerName: "my-scheduler" }));
  await s.pods.create("default", pod("gated", undefined, { schedulingGates: [{ name: "example.com/wait" }] }));
  await s.pods.create("default", pod("marker"));
  // The one worker decides in order; once the last pod is bound the others were seen.
  await waitForBound(s, "marker");
  await waitForEvent(s, "marker", "Scheduled");
  const other = await s.pods.get("default", "other");
  assert.equal(other.spec?.nodeName, undefined);
  assert.equal(podScheduled(other), undefined);
  const gated = await s.pods.get("default", "gated");
  assert.equal(gated.spec?.nodeName, undefined);
  assert.notEqual(podScheduled(gated)?.reason, "Unschedulable", "the scheduler wrote nothing about it");

  // Lifting the gate queues the pod.
  await s.pods.patch("default", "gated", { spec: { schedulingGates: null } }, "merge");
  assert.equal((await waitForBound(s, "gated")).spec?.nodeName, "node-1");
});

test("a pod that stays unschedulable is retried on backoff, not in a loop: the event counts up, the condition is written once", async (t) => {
  const s = await setup(t);
  await s.start();
  const started = Date.now();
  await s.pods.create("default", pod("lonely"));
  const first = await waitForUnschedulable(s, "lonely", noNodes);
  const rv = (await s.pods.get("default", "lonely")).metadata.resourceVersion;
  // The second try comes after the 1 s backoff; the identical event is folded into one.
  const again = await waitFor(async () => {
    const events = (await s.events.list("default")).items.filter((e) => e["reason"] === "FailedScheduling");
    return events.length === 1 && (events[0]!["count"] as number) >= 2 ? events[0]! : undefined;
  }, { what: "a second FailedScheduling, folded into the first event", timeoutMs: 15_000 });
  assert.ok(Date.now() - started >= 1000, "no retry before the backoff ended");
  assert.ok((again["count"] as number) <= 3, `a few tries, not a loop: count ${String(again["count"])}`);
  const now = await s.pods.get("default", "lonely");
  assert.equal(now.metadata.resourceVersion, rv, "the unchanged condition was not written again");
  assert.equal(podScheduled(now)?.lastTransitionTime, first.lastTransitionTime);
});

test("stop() ends the worker, the informers and every backoff timer", async (t) => {
  const s = await setup(t);
  await s.start();
  await s.pods.create("default", pod("waiting"));
  await waitForUnschedulable(s, "waiting", noNodes);
  assert.ok(s.pendingSleeps() > 0, "the unschedulable pod waits on a timer");
  await s.scheduler.stop();
  assert.equal(s.pendingSleeps(), 0);
});
