/**
 * The scheduler loop, as kube-scheduler runs it (pkg/scheduler/scheduler.go, schedule_one.go,
 * eventhandlers.go): informers on nodes and on all pods; the pods this scheduler is
 * responsible for go to the SchedulingQueue; one worker decides them one at a time with
 * schedulePod, so each decision sees the resources the previous ones took.
 *
 * - Fits a node: assume the pod on that node at once (so the next decision counts it there),
 *   then bind through pods/binding in the background (the server sets spec.nodeName and
 *   PodScheduled=True) while the worker goes on to the next pod, as upstream's binding
 *   cycle does, and record a Normal `Scheduled` event. The assumption lasts until the
 *   informer shows the pod bound or gone; a failed binding forgets it and gives pods that
 *   were turned away meanwhile another chance.
 * - Fits none: a Warning `FailedScheduling` event and the PodScheduled=False condition
 *   with reason Unschedulable and the same message (written only when it changed); the pod
 *   waits for a node to be added or changed or a pod to go, and its backoff (SchedulingQueue).
 *   With no nodes at all it is retried on backoff alone (1 s doubling to 10 s).
 * - The binding is refused because the pod was bound meanwhile or is gone or going
 *   (409/404): dropped quietly, the informer will say what happened. Any other error is
 *   a SchedulerError: event and condition as above, retried after backoff.
 */
import { formatTime, type KubeObject } from "../api/index.js";
import { systemClock, type Clock } from "../base/index.js";
import {
  EventRecorder, Informer, isConflict, isNotFound, nodesResource, objectKey, podsResource,
  type ApiClient, type ObjectReference, type ResourceClient,
} from "../client/index.js";
import { podScheduledFalseCondition, type PodScheduledFalseReason } from "./pod-scheduled-condition.js";
import { schedulePod } from "./schedule-pod.js";
import { isTerminated, podsByNode, podsByNodeIndex, SchedulerCache, type NodeObject, type PodObject } from "./scheduler-cache.js";
import { SchedulingQueue, type QueuedPod } from "./scheduling-queue.js";

export const defaultSchedulerName = "default-scheduler";

export interface SchedulerOptions {
  readonly client: ApiClient;
  /** The spec.schedulerName this scheduler serves; also its event source. */
  readonly schedulerName?: "default-scheduler";
  readonly clock?: Clock;
  /** Where errors go; default console.error. */
  readonly log?: (msg: string) => void;
}

export class Scheduler {
  private readonly schedulerName: string;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly podClient: ResourceClient<PodObject>;
  private readonly nodes: Informer<NodeObject>;
  private readonly pods: Informer<PodObject>;
  private readonly cache: SchedulerCache;
  private readonly queue: SchedulingQueue;
  private readonly recorder: EventRecorder;
  private worker: Promise<void> | undefined;
  /** Bindings under way (upstream's binding cycles); stop() waits for them. */
  private readonly binding = new Set<Promise<void>>();
  private stopping = false;

  constructor(o: SchedulerOptions) {
    this.schedulerName = o.schedulerName ?? defaultSchedulerName;
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? ((m) => console.error(m));
    this.podClient = o.client.resource<PodObject>(podsResource);
    const informerOptions = { clock: this.clock, log: this.log };
    this.nodes = new Informer<NodeObject>(o.client.resource<NodeObject>(nodesResource), informerOptions);
    this.pods = new Informer<PodObject>(this.podClient, { ...informerOptions, indexers: { [podsByNodeIndex]: podsByNode } });
    this.cache = new SchedulerCache(this.nodes, this.pods);
    this.queue = new SchedulingQueue(this.clock);
    this.recorder = new EventRecorder({ client: o.client, component: this.schedulerName, clock: this.clock, log: this.log });
    this.addEventHandlers();
  }

  /** Resolves once both informers synced and the worker runs. */
  async start(): Promise<void> {
    if (this.worker) return;
    this.nodes.start();
    this.pods.start();
    await Promise.all([this.nodes.whenSynced(), this.pods.whenSynced()]);
    this.worker = this.runWorker();
  }

  /** Lets the decision under way finish, then stops everything; no timer is left behind. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.shutDown();
    await this.worker;
    await Promise.all(this.binding);
    await Promise.all([this.nodes.stop(), this.pods.stop()]);
    await this.recorder.stop();
  }

  /** Upstream's responsibleForPod plus the filters of its unscheduled-pod informer and PreEnqueue. */
  private responsibleFor(pod: PodObject): boolean {
    const spec = pod.spec ?? {};
    return !spec.nodeName && (spec.schedulerName ?? defaultSchedulerName) === this.schedulerName &&
      !pod.metadata.deletionTimestamp && !(spec.schedulingGates?.length);
  }

  private addEventHandlers(): void {
    this.nodes
      .on("add", () => this.queue.moveAllToActiveOrBackoff())
      .on("update", (oldNode, newNode) => {
        if (nodeSchedulingPropertiesChanged(oldNode, newNode)) this.queue.moveAllToActiveOrBackoff();
      });
    this.pods
      .on("add", (pod) => {
        const key = objectKey(pod);
        if (pod.spec?.nodeName) this.cache.forget(key);
        else if (this.responsibleFor(pod)) this.queue.add(key);
      })
      .on("update", (oldPod, newPod) => {
        const key = objectKey(newPod);
        if (newPod.spec?.nodeName) {
          this.cache.forget(key);
          this.queue.forget(key);
          // A pod that finished gives its node's resources back.
          if (!isTerminated(oldPod) && isTerminated(newPod)) this.queue.moveAllToActiveOrBackoff();
        } else if (this.responsibleFor(newPod) && (!this.responsibleFor(oldPod) || podChanged(oldPod, newPod))) {
          this.queue.add(key);
        }
      })
      .on("delete", (pod) => {
        const key = objectKey(pod);
        this.cache.forget(key);
        this.queue.forget(key);
        this.queue.moveAllToActiveOrBackoff();
      });
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const queued = await this.queue.pop();
      if (!queued || this.stopping) return;
      try {
        await this.scheduleOne(queued);
      } catch (e) {
        this.log(`scheduler: ${queued.key}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      } finally {
        this.queue.done(queued.key);
      }
    }
  }

  private async scheduleOne(queued: QueuedPod): Promise<void> {
    const pod = this.pods.get(queued.key);
    // Gone, bound, gated or deleting since it was queued; or bound by us and not yet shown so.
    if (!pod || !this.responsibleFor(pod) || this.cache.isAssumed(queued.key)) return;
    const result = schedulePod(pod, this.cache.nodeInfos());
    if ("nodeName" in result) {
      this.cache.assume(pod, result.nodeName);
      const binding = this.bind(pod, queued, result.nodeName)
        .catch((e: unknown) => this.log(`scheduler: binding ${queued.key}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`))
        .finally(() => this.binding.delete(binding));
      this.binding.add(binding);
    }
    // Rejected by no filter (no nodes at all): like an error, retried on backoff alone.
    else await this.handleFailure(pod, queued, "Unschedulable", result.message, Object.keys(result.reasons).length > 0);
  }

  /** The binding cycle of a pod already assumed on the node. */
  private async bind(pod: PodObject, queued: QueuedPod, nodeName: string): Promise<void> {
    const { namespace = "", name = "", uid } = pod.metadata;
    try {
      await this.podClient.bind(namespace, name, { target: { kind: "Node", name: nodeName }, metadata: uid ? { uid } : {} });
    } catch (e) {
      // The resources it held on the node are free again: pods turned away meanwhile may fit.
      this.cache.forget(queued.key);
      this.queue.moveAllToActiveOrBackoff();
      if (isConflict(e) || isNotFound(e)) return;
      const cause = e instanceof Error ? e.message : String(e);
      await this.handleFailure(pod, queued, "SchedulerError", `binding rejected: running Bind plugin "DefaultBinder": ${cause}`, false);
      return;
    }
    this.queue.forget(queued.key);
    this.recorder.event(podReference(pod), "Normal", "Scheduled", `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  /**
   * Upstream handleSchedulingFailure: requeue, event, then the condition. `rejectedByFilters`:
   * some filter said no, so only a cluster change can help (see SchedulingQueue).
   */
  private async handleFailure(pod: PodObject, queued: QueuedPod, reason: PodScheduledFalseReason, message: string, rejectedByFilters: boolean): Promise<void> {
    this.queue.failed(queued, rejectedByFilters);
    this.recorder.event(podReference(pod), "Warning", "FailedScheduling", message);
    const condition = podScheduledFalseCondition(pod, reason, message, formatTime(this.clock.now()));
    if (!condition) return;
    try {
      await this.podClient.patchStatus(pod.metadata.namespace, pod.metadata.name ?? "", { status: { conditions: [condition] } }, "strategic");
    } catch (e) {
      if (!isNotFound(e)) this.log(`scheduler: updating the PodScheduled condition of ${queued.key}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function podReference(pod: KubeObject): ObjectReference {
  const { namespace, name = "", uid, resourceVersion } = pod.metadata;
  return { kind: "Pod", apiVersion: "v1", name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}), ...(resourceVersion ? { resourceVersion } : {}) };
}

/** Upstream isPodUpdated: a change other than status and bookkeeping may change the decision. */
function podChanged(oldPod: PodObject, newPod: PodObject): boolean {
  const strip = (p: PodObject): unknown => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...metadata } = p.metadata;
    return { ...p, metadata, status: undefined };
  };
  return JSON.stringify(strip(oldPod)) !== JSON.stringify(strip(newPod));
}

/**
 * Upstream's node update event filter (nodeSchedulingPropertiesChange): only what a filter
 * reads, so the agent's status heartbeats do not retry every unschedulable pod.
 */
function nodeSchedulingPropertiesChanged(oldNode: NodeObject, newNode: NodeObject): boolean {
  const props = (n: NodeObject): string => JSON.stringify([
    n.spec?.unschedulable ?? false, n.spec?.taints ?? [], n.metadata.labels ?? {}, n.metadata.annotations ?? {},
    n.status?.allocatable ?? {}, (n.status?.conditions ?? []).map((c) => [c.type, c.status]),
  ]);
  return props(oldNode) !== props(newNode);
}
