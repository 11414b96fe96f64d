/**
 * One watch on pods and one on events in a namespace, turned into a timeline per pod: when
 * the client sent its POST, when the watch first saw the pod, saw it bound, saw the agent's
 * first status, saw every container running, saw it Ready, saw it deleted; and when each
 * kubelet-style Event (Scheduled, Pulled, Created, Started) arrived. All times are
 * `performance.now()` of this process at the moment the watch event was decoded, so every
 * span is measured on one clock.
 *
 * The Kubernetes SLI counts from `metadata.creationTimestamp`, which the API gives in whole
 * seconds; the client's send time of the POST is used instead (it is earlier by the
 * request's trip, so the numbers are, if anything, pessimistic).
 */
import type { PodObject, PodStatus } from "../src/api/index.js";
import { eventsResource, podsResource, type ApiClient, type WatchStream } from "../src/client/index.js";

/** Milestones the pod watch observes, in the order a pod normally passes them. */
export const podMilestones = ["added", "bound", "agentStatus", "running", "ready", "deleted"] as const;
export type PodMilestone = (typeof podMilestones)[number];

/** The kubelet's and scheduler's Events whose arrival is recorded. */
export const eventReasons = ["Scheduled", "Pulled", "Created", "Started"] as const;
export type EventReason = (typeof eventReasons)[number];

export interface PodTimeline {
  /** Just before the POST left. */
  sent: number;
  /** When the POST was answered. */
  created?: number;
  /** Just before the DELETE left. */
  deleteSent?: number;
  readonly seen: Partial<Record<PodMilestone, number>>;
  readonly events: Partial<Record<EventReason, number>>;
  /** The pod's conditions as last seen, to say where a pod that never started is stuck. */
  lastConditions?: unknown;
}

interface Waiter {
  readonly name: string;
  readonly milestone: PodMilestone;
  readonly resolve: (at: number) => void;
}

interface CoreEvent {
  metadata: { name?: string };
  involvedObject?: { kind?: string; name?: string };
  reason?: string;
}

export class PodTimelines {
  readonly pods = new Map<string, PodTimeline>();
  private readonly waiters = new Set<Waiter>();
  private readonly streams: WatchStream[] = [];
  private failure: unknown;

  private constructor(private readonly client: ApiClient, private readonly namespace: string) {}

  /** Starts both watches from the current resource versions, so nothing created later is missed. */
  static async start(client: ApiClient, namespace: string): Promise<PodTimelines> {
    const t = new PodTimelines(client, namespace);
    await Promise.all([t.follow(podsResource, (e, at) => t.onPod(e.type, e.object as PodObject, at)),
      t.follow(eventsResource, (e, at) => t.onEvent(e.object as CoreEvent, at))]);
    return t;
  }

  /** Registers a pod about to be created (its send time is taken here). */
  track(name: string): PodTimeline {
    const timeline: PodTimeline = { sent: performance.now(), seen: {}, events: {} };
    this.pods.set(name, timeline);
    return timeline;
  }

  /** Resolves at the time the milestone was seen (at once if it already was). */
  until(name: string, milestone: PodMilestone, timeoutMs = 60_000): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const seen = this.pods.get(name)?.seen[milestone];
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const t = this.pods.get(name);
        reject(new Error(`pod ${name}: not ${milestone} after ${timeoutMs} ms (seen: ${JSON.stringify(t?.seen)}, conditions: ${JSON.stringify(t?.lastConditions)})`));
      }, timeoutMs);
      const waiter: Waiter = { name, milestone, resolve: (at) => { clearTimeout(timer); resolve(at); } };
      this.waiters.add(waiter);
    });
  }

  close(): void {
    for (const s of this.streams) s.close();
  }

  private async follow(resource: typeof podsResource, onEvent: (e: { type: string; object: unknown }, at: number) => void): Promise<void> {
    const rc = this.client.resource(resource);
    const list = await rc.list(this.namespace, { limit: 1 });
    const stream = rc.watch(this.namespace, { resourceVersion: list.metadata.resourceVersion! });
    this.streams.push(stream);
    void (async () => {
      try {
        for await (const e of stream) onEvent(e, performance.now());
      } catch (e) {
        this.failure = e;
        console.error(`bench: ${resource.plural} watch failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    })();
  }

  private onPod(type: string, pod: PodObject, at: number): void {
    const timeline = this.pods.get(pod.metadata.name ?? "");
    if (!timeline) return;
    const status = (pod.status ?? {}) as Partial<PodStatus>;
    const statuses = status.containerStatuses ?? [];
    const reached: Record<PodMilestone, boolean> = {
      added: true,
      bound: Boolean(pod.spec?.nodeName),
      agentStatus: statuses.length > 0,
      running: statuses.length === (pod.spec?.containers?.length ?? 0) && statuses.every((s) => s.state?.running && s.started !== false),
      ready: (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      deleted: type === "DELETED",
    };
    timeline.lastConditions = status.conditions;
    for (const m of podMilestones) {
      if (reached[m] && timeline.seen[m] === undefined) timeline.seen[m] = at;
    }
    for (const w of this.waiters) {
      if (w.name !== pod.metadata.name) continue;
      const when = timeline.seen[w.milestone];
      if (when !== undefined) {
        this.waiters.delete(w);
        w.resolve(when);
      }
    }
  }

  private onEvent(event: CoreEvent, at: number): void {
    if (event.involvedObject?.kind !== "Pod") return;
    const timeline = this.pods.get(event.involvedObject.name ?? "");
    const reason = event.reason as EventReason | undefined;
    if (!timeline || !reason || !eventReasons.includes(reason)) return;
    timeline.events[reason] ??= at;
  }
}
