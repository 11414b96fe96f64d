/**
 * The taint eviction controller (upstream pkg/controller/tainteviction, component
 * `taint-eviction-controller`): deletes the pods that may not stay on a node with NoExecute
 * taints, at once or after their tolerationSeconds (taint-eviction.ts decides which).
 *
 * Driven by the shared node and pod informers: a change of a node's NoExecute taints
 * re-plans every pod on it, a change of a pod's node or tolerations re-plans that pod.
 * A planned eviction keeps its start when re-planned, so a pod's clock is not reset by
 * unrelated updates; it is cancelled (with an event) when the taints go or become
 * tolerated forever. An eviction records `TaintManagerEviction` "Marking for deletion
 * Pod NS/NAME", adds the `DisruptionTarget` condition and deletes the pod with its own
 * grace period. Once done, the pod is not evicted again until its plan is cancelled.
 */
import { formatTime, type Taint } from "../api/index.js";
import type { Clock } from "../base/index.js";
import { isNotFound, objectKey, podsResource, type ApiClient, type EventRecorder, type Informer } from "../client/index.js";
import { evictionDelayMs, noExecuteTaints } from "./taint-eviction.js";
import type { PodObject, NodeObject } from "../api/index.js";
export type { PodObject, NodeObject };


/** The pod informer's index of pods by spec.nodeName (upstream "spec.nodeName" indexer). */
export const podNodeNameIndex = "spec.nodeName";
export const podsByNodeName = (pod: PodObject): readonly string[] => (pod.spec?.nodeName ? [pod.spec.nodeName] : []);

export interface TaintEvictionControllerOptions {
  readonly client: ApiClient;
  readonly clock: Clock;
  readonly nodes: Informer<NodeObject>;
  /** Must have the podNodeNameIndex indexer. */
  readonly pods: Informer<PodObject>;
  /** Events as component `taint-eviction-controller`. */
  readonly recorder: EventRecorder;
  readonly log: (message: string) => void;
}

type Eviction =
  | { readonly state: "scheduled"; readonly createdAt: number; readonly fireAt: number; readonly abort: AbortController }
  | { readonly state: "done" };

/** Upstream retries a failed deletion a few times, 10 ms apart. */
const deleteTries = 5;
const deleteRetryMs = 10;

export class TaintEvictionController {
  /** NoExecute taints per node, as last seen. */
  private readonly taintedNodes = new Map<string, Taint[]>();
  /** By pod key `namespace/name`. */
  private readonly evictions = new Map<string, Eviction>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: TaintEvictionControllerOptions) {}

  /** Registers with the informers; call before they start so the initial list is seen. */
  start(): void {
    this.o.nodes
      .on("add", (node) => this.nodeUpdated(undefined, node))
      .on("update", (old, node) => this.nodeUpdated(old, node))
      .on("delete", (node) => this.taintedNodes.delete(node.metadata.name ?? ""));
    this.o.pods
      .on("add", (pod) => this.podUpdated(undefined, pod))
      .on("update", (old, pod) => this.podUpdated(old, pod))
      .on("delete", (pod) => this.cancel(objectKey(pod)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const eviction of this.evictions.values()) if (eviction.state === "scheduled") eviction.abort.abort();
    this.evictions.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private nodeUpdated(old: NodeObject | undefined, node: NodeObject): void {
    const taints = noExecuteTaints(node.spec?.taints);
    if (old && JSON.stringify(noExecuteTaints(old.spec?.taints)) === JSON.stringify(taints)) return;
    const name = node.metadata.name ?? "";
    if (taints.length === 0) this.taintedNodes.delete(name);
    else this.taintedNodes.set(name, taints);
    const now = this.o.clock.now().getTime();
    for (const pod of this.o.pods.byIndex(podNodeNameIndex, name)) {
      if (taints.length === 0) this.cancel(objectKey(pod));
      else this.plan(pod, taints, now);
    }
  }

  private podUpdated(old: PodObject | undefined, pod: PodObject): void {
    if (old && old.spec?.nodeName === pod.spec?.nodeName && JSON.stringify(old.spec?.tolerations ?? []) === JSON.stringify(pod.spec?.tolerations ?? [])) return;
    const taints = this.taintedNodes.get(pod.spec?.nodeName ?? "");
    if (taints) this.plan(pod, taints, this.o.clock.now().getTime());
  }

  /** Upstream processPodOnNode. */
  private plan(pod: PodObject, taints: readonly Taint[], now: number): void {
    const key = objectKey(pod);
    // A pod already being deleted is on its way out; deleting it again would change nothing.
    if (pod.metadata.deletionTimestamp) return;
    const delay = evictionDelayMs(taints, pod.spec?.tolerations);
    if (delay === undefined) {
      this.cancel(key);
      return;
    }
    if (delay === 0) {
      this.cancel(key);
      this.schedule(key, now, now);
      return;
    }
    const existing = this.evictions.get(key);
    let createdAt = now;
    if (existing?.state === "scheduled") {
      // Planned in an earlier pass: that plan stands (upstream compares createdAt+delay
      // with now+delay); one from this very instant is replaced, keeping its start.
      createdAt = existing.createdAt;
      if (createdAt < now) return;
      this.cancel(key);
    }
    this.schedule(key, createdAt, now + delay);
  }

  /** Upstream TimedWorkerQueue.AddWork: nothing if the pod has a plan or was evicted already. */
  private schedule(key: string, createdAt: number, fireAt: number): void {
    if (this.stopped || this.evictions.has(key)) return;
    const abort = new AbortController();
    this.evictions.set(key, { state: "scheduled", createdAt, fireAt, abort });
    const wait = Math.max(0, fireAt - this.o.clock.now().getTime());
    const work = this.o.clock.sleep(wait, abort.signal).then(
      () => this.evict(key),
      () => {},
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Upstream cancelWorkWithEvent: an event only when a planned eviction is called off. */
  private cancel(key: string): void {
    const eviction = this.evictions.get(key);
    if (!eviction) return;
    this.evictions.delete(key);
    if (eviction.state !== "scheduled") return;
    eviction.abort.abort();
    this.event(key, `Cancelling deletion of Pod ${key}`);
  }

  private async evict(key: string): Promise<void> {
    this.event(key, `Marking for deletion Pod ${key}`);
    let lastError: unknown;
    for (let tries = 0; tries < deleteTries && !this.stopped; tries++) {
      try {
        await this.addConditionAndDeletePod(key);
        this.evictions.set(key, { state: "done" });
        return;
      } catch (e) {
        lastError = e;
        // A short pause between attempts, not a deadline: real time even under a test clock.
        await new Promise((r) => setTimeout(r, deleteRetryMs));
      }
    }
    this.evictions.delete(key);
    if (lastError) this.o.log(`taint eviction of pod ${key} failed: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  private async addConditionAndDeletePod(key: string): Promise<void> {
    const [namespace, name] = key.split("/") as [string, string];
    const pods = this.o.client.resource<PodObject>(podsResource);
    try {
      const pod = await pods.get(namespace, name);
      const conditions = (pod.status?.["conditions"] ?? []) as { type?: string; status?: string; reason?: string }[];
      const target = conditions.find((c) => c.type === "DisruptionTarget");
      if (target?.status !== "True" || target.reason !== "DeletionByTaintManager") {
        const condition = {
          type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint",
          lastProbeTime: null, lastTransitionTime: target?.status === "True" ? (target as { lastTransitionTime?: string }).lastTransitionTime : formatTime(this.o.clock.now()),
        };
        await pods.patchStatus(namespace, name, { metadata: { uid: pod.metadata.uid }, status: { conditions: [condition] } }, "strategic");
      }
      await pods.delete(namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private event(key: string, message: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    this.o.recorder.event({ apiVersion: "v1", kind: "Pod", namespace, name }, "Normal", "TaintManagerEviction", message);
  }
}
