/**
 * The pods waiting for a scheduling decision, with kube-scheduler's retry rules
 * (pkg/scheduler/backend/queue/scheduling_queue.go), reduced to one WorkQueue of pod keys:
 *
 * - a new pod is tried at once (activeQ);
 * - a pod that failed waits out its backoff: 1 s doubling per attempt up to 10 s
 *   (podInitialBackoffDuration, podMaxBackoffDuration), counted from the failure;
 * - an unschedulable pod is then only tried again when the cluster changed in a way that
 *   may help it (moveAllToActiveOrBackoffQueue: a node added or changed, a pod gone), or
 *   after 5 minutes regardless (podMaxInUnschedulablePodsDuration);
 * - a pod no filter rejected (an API error, or no nodes at all) is retried after its
 *   backoff alone, as upstream requeues a pod without rejector plugins;
 * - a cluster change that came while a pod was being decided counts for it too
 *   (moveRequestCycle): that decision may have missed the change, so it retries after backoff.
 *
 * The WorkQueue keeps the earliest of several requested times per key, so a cluster change
 * brings an unschedulable pod's retry forward from 5 minutes to the end of its backoff.
 */
import { backoffDelayMs, WorkQueue, type BackoffSettings } from "../client/index.js";
import { systemClock, type Clock } from "../base/index.js";

export const podBackoff: BackoffSettings = { initialMs: 1000, maxMs: 10_000 };
export const podMaxInUnschedulablePodsMs = 5 * 60_000;

interface Failure {
  attempts: number;
  backoffUntilMs: number;
  /** Waiting for a cluster change (unschedulablePods), not just for its backoff. */
  unschedulable: boolean;
}

/** A key handed to the worker, with the cycle it is decided in. */
export interface QueuedPod {
  readonly key: string;
  readonly cycle: number;
}

export class SchedulingQueue {
  private readonly queue: WorkQueue<string>;
  private readonly clock: Clock;
  private readonly failures = new Map<string, Failure>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
    this.queue = new WorkQueue<string>({ clock });
  }

  /** A pod to schedule appeared or changed: tried now, or once its backoff ends if it failed before. */
  add(key: string): void {
    this.queue.addAfter(key, this.backoffLeftMs(key));
  }

  /** The next pod to decide; undefined once shut down. Call done(key) after. */
  async pop(): Promise<QueuedPod | undefined> {
    const key = await this.queue.get();
    return key === undefined ? undefined : { key, cycle: ++this.schedulingCycle };
  }

  done(key: string): void {
    this.queue.done(key);
  }

  /** The decision for the pod failed; `unschedulable` when filters rejected it on every node. */
  failed(pod: QueuedPod, unschedulable: boolean): void {
    const attempts = (this.failures.get(pod.key)?.attempts ?? 0) + 1;
    const backoffMs = backoffDelayMs(podBackoff, attempts - 1);
    const missedChange = this.moveRequestCycle >= pod.cycle;
    const waitsForChange = unschedulable && !missedChange;
    this.failures.set(pod.key, { attempts, backoffUntilMs: this.nowMs() + backoffMs, unschedulable: waitsForChange });
    this.queue.addAfter(pod.key, waitsForChange ? podMaxInUnschedulablePodsMs : backoffMs);
  }

  /** The pod was bound or is gone: its attempts start over should it ever come back. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** The cluster changed in a way that may make unschedulable pods fit. */
  moveAllToActiveOrBackoff(): void {
    this.moveRequestCycle = this.schedulingCycle;
    for (const [key, failure] of this.failures) {
      if (!failure.unschedulable) continue;
      failure.unschedulable = false;
      this.queue.addAfter(key, this.backoffLeftMs(key));
    }
  }

  /** Pods ready to be popped now (not those waiting out a backoff or for a change). */
  len(): number {
    return this.queue.len();
  }

  /** Ends every wait; pop() answers undefined once what is queued is taken. */
  shutDown(): void {
    this.queue.shutDown();
  }

  private backoffLeftMs(key: string): number {
    const failure = this.failures.get(key);
    return failure ? Math.max(0, failure.backoffUntilMs - this.nowMs()) : 0;
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}
