/**
 * The node lifecycle controller against the real API server in process, with short
 * periods (grace 1 s, monitor 100 ms) and leases renewed by the test as an agent would:
 * a node that stops renewing turns Unknown with upstream's reason and message and gets
 * the unreachable taints; posting Ready again removes them; cordoning taints; pods are
 * marked not Ready and evicted per their tolerations; with no node Ready at all nothing
 * is evicted.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import { formatMicroTime, formatTime, type Node, type Taint, type Toleration } from "../api/index.js";
import { ApiClient, eventsResource, leasesResource, nodesResource, podsResource, type ResourceClient } from "../client/index.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { NodeLifecycleController } from "./index.js";
import type { NodeObject } from "../api/index.js";


interface Cluster {
  client: ApiClient;
  nodes: ResourceClient<NodeObject>;
  pods: ResourceClient;
  /** Registers a Ready node whose lease the "agent" renews every 100 ms until `stop`. */
  addNode(name: string): Promise<{ stop(): void; resume(): void }>;
  addPod(name: string, nodeName: string, tolerations?: Toleration[]): Promise<void>;
  /** The agent posts Ready=True with a new heartbeat. */
  postReady(name: string): Promise<void>;
  node(name: string): Promise<NodeObject>;
  /** Events with this reason, as "reason: message". */
  events(reason: string): Promise<string[]>;
  startController(): Promise<NodeLifecycleController>;
}

async function cluster(t: TestContext): Promise<Cluster> {
  const renewers: ReturnType<typeof setInterval>[] = [];
  const controllers: NodeLifecycleController[] = [];
  let client: ApiClient | undefined;
  // Registered before the server's own cleanup, so everything stops before it goes away.
  t.after(async () => {
    for (const r of renewers) clearInterval(r);
    for (const c of controllers) await c.stop();
    client?.close();
  });
  const server = await startInProcessServer(t);
  client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  const c = client;
  const nodes = c.resource<NodeObject>(nodesResource);
  const pods = c.resource(podsResource);
  const leases = c.resource(leasesResource);
  const readyConditions = () => {
    const now = formatTime(new Date());
    return [
      ["MemoryPressure", "False", "KubeletHasSufficientMemory"], ["DiskPressure", "False", "KubeletHasNoDiskPressure"],
      ["PIDPressure", "False", "KubeletHasSufficientPID"], ["Ready", "True", "KubeletReady"],
    ].map(([type, status, reason]) => ({ type: type!, status: status!, reason, message: "m", lastHeartbeatTime: now, lastTransitionTime: now }));
  };
  const renew = async (name: string) => {
    const lease = await leases.get("kube-node-lease", name);
    lease["spec"] = { ...(lease["spec"] as object), renewTime: formatMicroTime(new Date()) };
    await leases.update("kube-node-lease", lease).catch(() => {});
  };
  return {
    client: c, nodes, pods,
    async addNode(name) {
      await nodes.create(undefined, { apiVersion: "v1", kind: "Node", metadata: { name }, spec: {}, status: { conditions: readyConditions() } });
      await leases.create("kube-node-lease", {
        apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace: "kube-node-lease" },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(new Date()) },
      });
      let renewing = true;
      renewers.push(setInterval(() => void (renewing && renew(name)), 100));
      return { stop: () => void (renewing = false), resume: () => void (renewing = true) };
    },
    async addPod(name, nodeName, tolerations) {
      await pods.create("default", {
        apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
        spec: { nodeName, containers: [{ name: "c", image: "busybox" }], ...(tolerations ? { tolerations } : {}) },
      });
      // What the agent would have written: the pod is Ready.
      const pod = await pods.get("default", name);
      const now = formatTime(new Date());
      pod["status"] = { ...(pod["status"] as object), phase: "Running", conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: now }] };
      await pods.updateStatus("default", pod);
    },
    async postReady(name) {
      const node = await nodes.get(undefined, name);
      await nodes.updateStatus(undefined, { ...node, status: { ...node.status, conditions: readyConditions() } });
    },
    node: (name) => nodes.get(undefined, name),
    async events(reason) {
      const list = await c.resource(eventsResource).list(undefined);
      return list.items.filter((e) => e["reason"] === reason).map((e) => `${String(e["reason"])}: ${String(e["message"])}`);
    },
    async startController() {
      const controller = new NodeLifecycleController({ client: c, gracePeriodMs: 1000, startupGracePeriodMs: 1000, monitorPeriodMs: 100, log: (m) => t.diagnostic(m) });
      controllers.push(controller);
      await controller.start();
      return controller;
    },
  };
}

const ready = (node: Node) => node.status?.conditions?.find((c) => c.type === "Ready");
const taintsOf = (node: Node): string[] => (node.spec?.taints ?? []).map((t: Taint) => `${t.key}:${t.effect}`).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a node that stops renewing turns Unknown with the unreachable taints, and Ready again clears them", async (t) => {
  const c = await cluster(t);
  const lost = await c.addNode("lost");
  await c.addNode("healthy");
  await c.startController();

  t.diagnostic("a renewing node stays Ready, untainted, past the grace period");
  await sleep(1500);
  assert.equal(ready(await c.node("lost"))?.status, "True");
  assert.deepEqual(taintsOf(await c.node("lost")), []);

  t.diagnostic("stop renewing: after the grace period every condition is Unknown");
  const readyBefore = ready(await c.node("lost"))!;
  lost.stop();
  const node = await waitFor(async () => {
    const n = await c.node("lost");
    return ready(n)?.status === "Unknown" && taintsOf(n).length === 2 ? n : undefined;
  }, { what: "node lost Unknown and tainted", timeoutMs: 5000 });
  for (const condition of node.status!.conditions!) {
    assert.equal(condition.status, "Unknown", condition.type);
    assert.equal(condition.reason, "NodeStatusUnknown");
    assert.equal(condition.message, "Kubelet stopped posting node status.");
    assert.equal(condition.lastHeartbeatTime, readyBefore.lastHeartbeatTime, "the heartbeat is kept");
  }
  assert.deepEqual(taintsOf(node), ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
  assert.ok(node.spec!.taints!.every((taint) => taint.timeAdded), "taints carry timeAdded");
  assert.equal(ready(await c.node("healthy"))?.status, "True");
  assert.deepEqual(taintsOf(await c.node("healthy")), []);

  t.diagnostic("the agent comes back and posts Ready: the taints go");
  lost.resume();
  await c.postReady("lost");
  await waitFor(async () => taintsOf(await c.node("lost")).length === 0 || undefined, { what: "taints removed", timeoutMs: 5000 });
  assert.equal(ready(await c.node("lost"))?.status, "True");
  await waitFor(async () => (await c.events("NodeNotReady")).includes("NodeNotReady: Node lost status is now: NodeNotReady") || undefined, { what: "the NodeNotReady node event", timeoutMs: 5000 });
});

test("cordoning a node taints it unschedulable; uncordoning removes the taint", async (t) => {
  const c = await cluster(t);
  await c.addNode("n1");
  await c.startController();
  const node = await c.node("n1");
  await c.nodes.update(undefined, { ...node, spec: { ...node.spec, unschedulable: true } });
  await waitFor(async () => taintsOf(await c.node("n1")).join() === "node.kubernetes.io/unschedulable:NoSchedule" || undefined, { what: "the unschedulable taint", timeoutMs: 5000 });
  const cordoned = await c.node("n1");
  await c.nodes.update(undefined, { ...cordoned, spec: { ...cordoned.spec, unschedulable: false } });
  await waitFor(async () => taintsOf(await c.node("n1")).length === 0 || undefined, { what: "the taint removed", timeoutMs: 5000 });
});

test("pods on an unreachable node are marked not Ready and evicted per their tolerations", async (t) => {
  const c = await cluster(t);
  const lost = await c.addNode("lost");
  await c.addNode("healthy");
  await c.addPod("defaults", "lost");
  await c.addPod("at-once", "lost", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 }]);
  await c.addPod("one-second", "lost", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 }]);
  await c.addPod("forever", "lost", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }]);
  await c.startController();
  const terminating = async (name: string): Promise<boolean> => {
    try {
      return Boolean((await c.pods.get("default", name)).metadata.deletionTimestamp);
    } catch {
      return true; // gone
    }
  };

  lost.stop();
  await waitFor(async () => taintsOf(await c.node("lost")).includes("node.kubernetes.io/unreachable:NoExecute") || undefined, { what: "the NoExecute taint", timeoutMs: 5000 });
  const tainted = Date.now();
  t.diagnostic("a pod that does not tolerate the taint for long goes at once");
  await waitFor(() => terminating("at-once") || undefined, { what: "pod at-once deleted", timeoutMs: 2000 });
  const atOnce = await c.pods.get("default", "at-once");
  const target = ((atOnce["status"] as { conditions: { type: string; status: string; reason?: string }[] }).conditions).find((x) => x.type === "DisruptionTarget");
  assert.deepEqual({ status: target?.status, reason: target?.reason }, { status: "True", reason: "DeletionByTaintManager" });

  t.diagnostic("tolerationSeconds=1: deleted after about a second");
  assert.equal(await terminating("one-second"), false);
  await waitFor(() => terminating("one-second") || undefined, { what: "pod one-second deleted", timeoutMs: 3000 });
  assert.ok(Date.now() - tainted >= 800, `one-second went after ${Date.now() - tainted} ms`);

  t.diagnostic("the API server's default 300 s and a toleration without seconds: the pods stay, not Ready");
  assert.equal(await terminating("defaults"), false);
  assert.equal(await terminating("forever"), false);
  for (const name of ["defaults", "forever"]) {
    const pod = await c.pods.get("default", name);
    const conditions = (pod["status"] as { conditions: { type: string; status: string }[] }).conditions;
    assert.equal(conditions.find((x) => x.type === "Ready")?.status, "False", name);
  }
  await waitFor(async () => {
    const events = await c.events("TaintManagerEviction");
    return events.includes("TaintManagerEviction: Marking for deletion Pod default/one-second") || undefined;
  }, { what: "the TaintManagerEviction event", timeoutMs: 5000 });
  assert.ok((await c.events("NodeNotReady")).includes("NodeNotReady: Node is not ready"));
});

test("a NoExecute taint of the user's evicts the pods that do not tolerate it at once", async (t) => {
  const c = await cluster(t);
  await c.addNode("n1");
  await c.addPod("p", "n1");
  await c.startController();
  const node = await c.node("n1");
  await c.nodes.update(undefined, { ...node, spec: { ...node.spec, taints: [{ key: "example.com/drain", effect: "NoExecute" }] } });
  await waitFor(async () => Boolean((await c.pods.get("default", "p")).metadata.deletionTimestamp) || undefined, { what: "pod p deleted", timeoutMs: 3000 });
});

test("with no node Ready at all (full disruption), no NoExecute taint is added and nothing is evicted", async (t) => {
  const c = await cluster(t);
  const only = await c.addNode("only");
  await c.addPod("p", "only", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 }]);
  await c.startController();
  only.stop();
  await waitFor(async () => ready(await c.node("only"))?.status === "Unknown" || undefined, { what: "node only Unknown", timeoutMs: 5000 });
  await waitFor(async () => taintsOf(await c.node("only")).join() === "node.kubernetes.io/unreachable:NoSchedule" || undefined, { what: "the NoSchedule taint", timeoutMs: 5000 });
  await sleep(500);
  assert.deepEqual(taintsOf(await c.node("only")), ["node.kubernetes.io/unreachable:NoSchedule"]);
  assert.equal((await c.pods.get("default", "p")).metadata.deletionTimestamp, undefined);
});
