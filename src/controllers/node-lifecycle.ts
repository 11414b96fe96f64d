/**
 * The node lifecycle controller (kube-controller-manager's `node-lifecycle-controller`,
 * pkg/controller/nodelifecycle), for Peapod:
 *
 * 1. Every monitor period, each node's health (node-health.ts): an agent that neither
 *    renewed its Lease nor posted a new Ready heartbeat for the grace period gets Ready
 *    and the pressure conditions set to Unknown ("Kubelet stopped posting node status.").
 *    When Ready stops being True, the `NodeNotReady` node event is recorded and the pods
 *    on the node are marked not Ready (mark-pods-not-ready.ts).
 * 2. On every node change, its taints (node-taints.ts): NoSchedule taints from its
 *    conditions and cordon, NoExecute not-ready/unreachable from Ready, written only on
 *    change. While no node at all is Ready (upstream "full disruption": more likely the
 *    control plane lost the network than every node died), no NoExecute taints are kept,
 *    so nothing is evicted.
 * 3. The taint eviction controller (taint-eviction-controller.ts) deletes the pods the
 *    NoExecute taints evict.
 *
 * Kept out, as Peapod has no use for them yet: eviction rate limits per zone and the
 * partial-disruption state (taints are written at once), the beta/stable label
 * reconciliation, and DaemonSet awareness.
 */
import type { KubeObject, Node, NodeCondition } from "../api/index.js";
import { systemClock, type Clock } from "../base/index.js";
import {
  EventRecorder, Informer, WorkQueue, isNotFound, leasesResource, nodesResource, objectKey, podsResource, type ApiClient,
} from "../client/index.js";
import { podConditionsNotReady } from "./mark-pods-not-ready.js";
import { assessNodeHealth, healthAfterWrite, type NodeHealth, type NodeHealthAssessment } from "./node-health.js";
import { reconcileNodeTaints } from "./node-taints.js";
import { TaintEvictionController, podNodeNameIndex, podsByNodeName, type NodeObject, type PodObject } from "./taint-eviction-controller.js";

export interface NodeLifecycleControllerOptions {
  readonly client: ApiClient;
  readonly clock?: Clock;
  /** --node-monitor-grace-period: 50 s since Kubernetes 1.32 (it was 40 s before). */
  readonly gracePeriodMs?: number;
  /** --node-startup-grace-period: for a node that never posted Ready; default 60 s. */
  readonly startupGracePeriodMs?: number;
  /** --node-monitor-period: default 5 s. */
  readonly monitorPeriodMs?: number;
  readonly log?: (message: string) => void;
}

interface ResolvedOptions {
  readonly client: ApiClient;
  readonly clock: Clock;
  readonly gracePeriodMs: number;
  readonly startupGracePeriodMs: number;
  readonly monitorPeriodMs: number;
  readonly log: (message: string) => void;
}

const nodeLeaseNamespace = "kube-node-lease";
/** A node with this label does not count when deciding whether the whole cluster is disrupted. */
const excludeDisruptionLabel = "node.kubernetes.io/exclude-disruption";
/** Upstream NodeHealthUpdateRetry. */
const statusUpdateTries = 5;

interface Lease extends KubeObject {
  spec?: { renewTime?: string };
}

export class NodeLifecycleController {
  private readonly o: ResolvedOptions;
  private readonly nodes: Informer<NodeObject>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<PodObject>;
  private readonly nodeEvents: EventRecorder;
  private readonly evictionEvents: EventRecorder;
  private readonly taintEviction: TaintEvictionController;
  /** Node names whose taints to reconcile. */
  private readonly taintQueue = new WorkQueue<string>();
  /** Pod keys newly assigned to a node, to mark not Ready if that node is not. */
  private readonly podQueue = new WorkQueue<string>();
  private readonly health = new Map<string, NodeHealth>();
  private readonly knownNodes = new Set<string>();
  /** Nodes whose pods still need marking not Ready (upstream nodesToRetry). */
  private readonly markPodsRetry = new Set<string>();
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private fullDisruption = false;

  constructor(options: NodeLifecycleControllerOptions) {
    const resolved: ResolvedOptions = {
      client: options.client,
      clock: options.clock ?? systemClock,
      gracePeriodMs: options.gracePeriodMs ?? 50_000,
      startupGracePeriodMs: options.startupGracePeriodMs ?? 60_000,
      monitorPeriodMs: options.monitorPeriodMs ?? 5_000,
      log: options.log ?? ((m) => console.error(m)),
    };
    for (const field of ["gracePeriodMs", "startupGracePeriodMs", "monitorPeriodMs"] as const) {
      if (!(resolved[field] > 0)) throw new Error(`NodeLifecycleController: ${field} must be greater than 0, not ${resolved[field]}`);
    }
    this.o = Object.freeze(resolved);
    const { client, log } = this.o;
    this.nodes = new Informer(client.resource<NodeObject>(nodesResource), { log });
    this.leases = new Informer(client.resource<Lease>(leasesResource), { namespace: nodeLeaseNamespace, log });
    this.pods = new Informer(client.resource<PodObject>(podsResource), { indexers: { [podNodeNameIndex]: podsByNodeName }, log });
    this.nodeEvents = new EventRecorder({ client, component: "node-controller", log });
    this.evictionEvents = new EventRecorder({ client, component: "taint-eviction-controller", log });
    this.taintEviction = new TaintEvictionController({ client, clock: this.o.clock, nodes: this.nodes, pods: this.pods, recorder: this.evictionEvents, log });
  }

  /** Resolves once the caches are filled and the loops run. */
  async start(): Promise<void> {
    this.nodes.on("add", (n) => this.taintQueue.add(nodeName(n))).on("update", (_, n) => this.taintQueue.add(nodeName(n)));
    this.pods
      .on("add", (p) => this.podAssigned(undefined, p))
      .on("update", (old, p) => this.podAssigned(old, p));
    this.taintEviction.start();
    await Promise.all([this.nodes.start().whenSynced(), this.leases.start().whenSynced(), this.pods.start().whenSynced()]);
    this.loops.push(this.monitorLoop(), this.work(this.taintQueue, (name) => this.syncNodeTaints(name)), this.work(this.podQueue, (key) => this.syncPod(key)));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.taintQueue.shutDown();
    this.podQueue.shutDown();
    await this.taintEviction.stop();
    await Promise.allSettled(this.loops);
    await Promise.all([this.nodes.stop(), this.leases.stop(), this.pods.stop()]);
    await Promise.all([this.nodeEvents.stop(), this.evictionEvents.stop()]);
  }

  private async monitorLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.monitorNodeHealth();
      } catch (e) {
        this.o.log(`node lifecycle controller: monitoring node health: ${message(e)}`);
      }
      try {
        await this.o.clock.sleep(this.o.monitorPeriodMs, this.stopping.signal);
      } catch {
        return;
      }
    }
  }

  private async work<K>(queue: WorkQueue<K>, sync: (key: K) => Promise<void>): Promise<void> {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (e) {
        this.o.log(`node lifecycle controller: ${String(key)}: ${message(e)}; will retry`);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  }

  /** Upstream monitorNodeHealth: plan every node first, then act. */
  private async monitorNodeHealth(): Promise<void> {
    const now = this.o.clock.now();
    const nodes = this.nodes.list();
    this.noteAddedAndRemoved(nodes);
    const plans = nodes.map((node) => ({ node, assessment: this.assess(node, now) }));
    for (const { node, assessment } of plans) this.health.set(nodeName(node), assessment.health);
    this.updateDisruption(plans, now);
    for (const { node, assessment } of plans) {
      if (this.stopping.signal.aborted) return;
      try {
        await this.act(node, assessment, now);
      } catch (e) {
        this.o.log(`node lifecycle controller: node ${nodeName(node)}: ${message(e)}`);
      }
    }
  }

  private assess(node: NodeObject, now: Date, saved = this.health.get(nodeName(node))): NodeHealthAssessment {
    const lease = this.leases.get(`${nodeLeaseNamespace}/${nodeName(node)}`);
    return assessNodeHealth({
      node, leaseRenewTime: lease?.spec?.renewTime, saved, now, gracePeriodMs: this.o.gracePeriodMs, startupGracePeriodMs: this.o.startupGracePeriodMs,
    });
  }

  private noteAddedAndRemoved(nodes: readonly NodeObject[]): void {
    const present = new Set(nodes.map(nodeName));
    for (const node of nodes) {
      if (this.knownNodes.has(nodeName(node))) continue;
      this.knownNodes.add(nodeName(node));
      this.nodeEvent(node, "RegisteredNode", `Node ${nodeName(node)} event: Registered Node ${nodeName(node)} in Controller`);
    }
    for (const name of this.knownNodes) {
      if (present.has(name)) continue;
      this.knownNodes.delete(name);
      this.health.delete(name);
      this.markPodsRetry.delete(name);
      this.nodeEvent({ metadata: { name } }, "RemovingNode", `Node ${name} event: Removing Node ${name} from Controller`);
    }
  }

  /**
   * Full disruption (upstream handleDisruption, all zones as one): no counted node is Ready.
   * Decided before any write, so the taint worker never sees a Ready=Unknown node without
   * knowing whether NoExecute taints are allowed.
   */
  private updateDisruption(plans: readonly { node: NodeObject; assessment: NodeHealthAssessment }[], now: Date): void {
    const counted = plans.filter(({ node }) => !(excludeDisruptionLabel in (node.metadata.labels ?? {})));
    const full = counted.length > 0 && counted.every(({ assessment }) => assessment.currentReady?.status !== "True");
    if (full === this.fullDisruption) return;
    this.fullDisruption = full;
    if (full) {
      this.o.log("node lifecycle controller: no node is Ready: entering full disruption mode, NoExecute taints are removed and no pod is evicted");
    } else {
      this.o.log("node lifecycle controller: some nodes are Ready: leaving full disruption mode");
      // Every node gets a fresh grace period, as upstream does on leaving the mode.
      for (const [name, health] of this.health) this.health.set(name, { ...health, probeTimestamp: now.getTime(), readyTransitionTimestamp: now.getTime() });
    }
    for (const { node } of plans) this.taintQueue.add(nodeName(node));
  }

  private async act(cached: NodeObject, first: NodeHealthAssessment, now: Date): Promise<void> {
    const name = nodeName(cached);
    let node = cached;
    let assessment = first;
    // On a failed write, the node is read again and judged again from the same memory
    // (upstream retries tryUpdateNodeHealth with a fresh Get): a heartbeat that arrived
    // meanwhile then cancels the write.
    const saved = first.health;
    for (let tries = 1; assessment.conditionsToWrite; tries++) {
      try {
        await this.writeConditions(node, assessment.conditionsToWrite);
        this.health.set(name, healthAfterWrite(assessment.health, assessment.conditionsToWrite, now));
        break;
      } catch (e) {
        if (isNotFound(e) || tries >= statusUpdateTries) throw e;
        node = await this.o.client.resource<NodeObject>(nodesResource).get(undefined, name);
        assessment = this.assess(node, now, saved);
        this.health.set(name, assessment.health);
      }
    }
    const { observedReady, currentReady } = assessment;
    if (!currentReady) return;
    const becameNotReady = currentReady.status !== "True" && observedReady.status === "True";
    if (becameNotReady) this.nodeEvent(node, "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
    if (becameNotReady || (this.markPodsRetry.has(name) && observedReady.status !== "True")) {
      try {
        await this.markPodsNotReady(name, now);
      } catch (e) {
        this.markPodsRetry.add(name);
        throw e;
      }
    }
    this.markPodsRetry.delete(name);
  }

  private async writeConditions(node: NodeObject, conditions: NodeCondition[]): Promise<void> {
    const nodes = this.o.client.resource<NodeObject>(nodesResource);
    await nodes.updateStatus(undefined, { ...node, status: { ...node.status, conditions } });
  }

  /** Upstream MarkPodsNotReady: every pod on the node; fails if any update failed (then retried next pass). */
  private async markPodsNotReady(name: string, now: Date): Promise<void> {
    const failures: string[] = [];
    for (const pod of this.pods.byIndex(podNodeNameIndex, name)) {
      try {
        await this.markPodNotReady(pod, now);
      } catch (e) {
        failures.push(`${objectKey(pod)}: ${message(e)}`);
      }
    }
    if (failures.length) throw new Error(`unable to mark all pods NotReady on node ${name}: ${failures.join("; ")}`);
  }

  private async markPodNotReady(pod: PodObject, now: Date): Promise<void> {
    const conditions = podConditionsNotReady(pod, now);
    if (!conditions) return;
    try {
      await this.o.client.resource<PodObject>(podsResource).updateStatus(undefined, { ...pod, status: { ...pod.status, conditions } });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const { namespace, name, uid } = pod.metadata;
    this.nodeEvents.event({ apiVersion: "v1", kind: "Pod", namespace, name: name ?? "", uid }, "Warning", "NodeNotReady", "Node is not ready");
  }

  /** Upstream podUpdated/processPod: a pod placed on a node that is not Ready is marked not Ready at once. */
  private podAssigned(old: PodObject | undefined, pod: PodObject): void {
    const node = pod.spec?.nodeName;
    if (node && node !== old?.spec?.nodeName) this.podQueue.add(objectKey(pod));
  }

  private async syncPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const node = pod?.spec?.nodeName;
    if (!pod || !node) return;
    const ready = this.health.get(node)?.readyCondition;
    if (!ready || !this.nodes.get(node)) return;
    if (ready.status !== "True") await this.markPodNotReady(pod, this.o.clock.now());
  }

  private async syncNodeTaints(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const taints = reconcileNodeTaints(node, { noExecute: !this.fullDisruption }, this.o.clock.now());
    if (!taints) return;
    // A PUT from the cache: if the node moved on meanwhile it fails with a Conflict, and the
    // retry works from the newer node the informer brings.
    await this.o.client.resource<NodeObject>(nodesResource).update(undefined, { ...node, spec: { ...node.spec, taints } });
  }

  private nodeEvent(node: Node, reason: string, text: string): void {
    const name = node.metadata?.name ?? "";
    this.nodeEvents.event({ apiVersion: "v1", kind: "Node", name, ...(node.metadata?.uid ? { uid: node.metadata.uid } : {}) }, "Normal", reason, text);
  }
}

function nodeName(node: Node): string {
  return node.metadata?.name ?? "";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
