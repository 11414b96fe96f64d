/**
 * Writes core/v1 Events as the kubelet and the scheduler do (client-go tools/record):
 * name `<object name>.<unix nanos in hex>`, `source` and `reportingComponent`/
 * `reportingInstance` from the component and host, first/lastTimestamp, count 1.
 *
 * Aggregation, simplified from client-go's EventCorrelator: an event identical to one
 * written before (same source, involved object, type, reason and message) within 10
 * minutes PATCHes that Event's `count`, `lastTimestamp` and `message` instead of creating
 * another; if that Event is gone meanwhile, it is created again with the count. Kept out:
 * the aggregation of *similar* events (same reason, other messages → "combined from
 * similar events") and the spam filter's token bucket.
 *
 * Never throws and never blocks the caller: events are queued (at most 1000; beyond that
 * they are dropped and logged) and written a few at a time, in the order they came; a
 * transport failure is retried a few times, a refusal by the server (a StatusError) is
 * logged and dropped. Occurrences of the same event are written one after the other, so
 * a repeat always finds the Event it counts on. Written one at a time, the Events of a
 * burst of pods (four or five each) fell seconds behind the pods' status.
 */
import { StatusError, formatTime, type KubeObject } from "../api/index.js";
import { KeyedMutex, Limiter, systemClock, type Clock } from "../base/index.js";
import { isAlreadyExists, isNotFound } from "./api-error.js";
import { eventsResource } from "./resources.js";
import type { ApiClient, ResourceClient } from "./rest-client.js";

export interface ObjectReference {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
  /** e.g. `spec.containers{nginx}` for an event about one container. */
  readonly fieldPath?: string;
}

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  readonly client: ApiClient;
  /** `source.component`, e.g. "kubelet" or "default-scheduler". */
  readonly component: string;
  /** `source.host`: the node name for the kubelet. */
  readonly host?: string;
  readonly clock?: Clock;
  readonly log?: (message: string) => void;
}

/** client-go's defaults: the correlation window, the queue length and the cache size. */
const aggregationWindowMs = 10 * 60_000;
const maxQueuedEvents = 1000;
const maxCorrelatedEvents = 4096;
const maxTriesPerEvent = 3;
const retryDelayMs = 1000;
/** Writes in flight at once: enough to keep up with a burst of pods, few enough not to crowd the server. */
const maxConcurrentWrites = 8;

interface Occurrence {
  readonly ref: ObjectReference;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly at: Date;
}

interface Written {
  readonly name: string;
  readonly namespace: string;
  readonly firstTimestamp: string;
  count: number;
  lastSeenMs: number;
}

export class EventRecorder {
  private readonly events: ResourceClient<KubeObject>;
  private readonly clock: Clock;
  private readonly log: (message: string) => void;
  private readonly written = new Map<string, Written>();
  private readonly stopping = new AbortController();
  /** Every write queued and not yet done, for flush and stop. */
  private readonly pending = new Set<Promise<void>>();
  /** Per correlation key: the next occurrence of an event waits for the last one's write. */
  private readonly sameEvent = new KeyedMutex();
  private readonly writes = new Limiter(maxConcurrentWrites);
  private queued = 0;
  private lastNanos = 0n;

  constructor(private readonly options: EventRecorderOptions) {
    this.events = options.client.resource(eventsResource);
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? ((m) => console.error(m));
  }

  /** Records an event about the object; returns at once. */
  event(involvedObject: ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.stopping.signal.aborted) return;
    if (this.queued >= maxQueuedEvents) {
      this.log(`event dropped, too many queued: ${involvedObject.kind} ${involvedObject.name} ${type} ${reason}: ${message}`);
      return;
    }
    this.queued++;
    const occurrence: Occurrence = { ref: involvedObject, type, reason, message, at: this.clock.now() };
    const key = this.correlationKey(occurrence);
    const done: Promise<void> = this.sameEvent
      .run(key, () => this.writes.run(() => this.record(occurrence, key)))
      .catch((e: unknown) => this.log(`event recorder: ${String(e)}`))
      .finally(() => {
        this.queued--;
        this.pending.delete(done);
      });
    this.pending.add(done);
  }

  /** Resolves once every event queued so far was written (or given up). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Drops what is queued and stops accepting events. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.flush();
  }

  private async record(o: Occurrence, key: string): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const nowMs = o.at.getTime();
    const previous = this.written.get(key);
    const repeat = previous && nowMs - previous.lastSeenMs < aggregationWindowMs ? previous : undefined;
    const timestamp = formatTime(o.at);
    for (let tries = 1; ; tries++) {
      try {
        const written = repeat ? await this.patchRepeat(repeat, o, timestamp) : await this.create(o, timestamp, 1);
        written.lastSeenMs = nowMs;
        this.remember(key, written);
        return;
      } catch (e) {
        if (isAlreadyExists(e)) return;
        if (e instanceof StatusError || tries >= maxTriesPerEvent) {
          this.log(`unable to write event ${o.ref.kind} ${o.ref.namespace ?? ""}/${o.ref.name} ${o.reason}: ${e instanceof Error ? e.message : String(e)} (will not retry)`);
          return;
        }
        try {
          await this.clock.sleep(retryDelayMs * (tries === 1 ? Math.random() : 1), this.stopping.signal);
        } catch {
          return;
        }
      }
    }
  }

  private async patchRepeat(previous: Written, o: Occurrence, timestamp: string): Promise<Written> {
    const count = previous.count + 1;
    try {
      await this.events.patch(previous.namespace, previous.name, { count, lastTimestamp: timestamp, message: o.message }, "strategic");
      return { ...previous, count };
    } catch (e) {
      // The Event expired (or was deleted): write it anew, keeping the count.
      if (isNotFound(e)) return this.create(o, timestamp, count, previous.firstTimestamp);
      throw e;
    }
  }

  private async create(o: Occurrence, timestamp: string, count: number, firstTimestamp = timestamp): Promise<Written> {
    const { component, host } = this.options;
    const namespace = o.ref.namespace || "default";
    const name = `${o.ref.name}.${this.uniqueNanos(o.at).toString(16)}`;
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: { ...o.ref },
      reason: o.reason,
      message: o.message,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp,
      lastTimestamp: timestamp,
      count,
      type: o.type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? "",
    };
    await this.events.create(namespace, event);
    return { name, namespace, firstTimestamp, count, lastSeenMs: 0 };
  }

  /**
   * Unix nanoseconds of the occurrence, made unique per recorder: a Date has only
   * milliseconds, and the kubelet emits several events for one pod within one.
   */
  private uniqueNanos(at: Date): bigint {
    let nanos = BigInt(at.getTime()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return nanos;
  }

  /** As client-go's getEventKey: everything that makes two events "the same". */
  private correlationKey(o: Occurrence): string {
    const r = o.ref;
    return JSON.stringify([this.options.component, this.options.host ?? "", r.kind, r.namespace ?? "", r.name, r.fieldPath ?? "", r.uid ?? "", r.apiVersion ?? "", o.type, o.reason, o.message]);
  }

  /** An LRU of what was written, as client-go keeps 4096 entries. */
  private remember(key: string, written: Written): void {
    this.written.delete(key);
    this.written.set(key, written);
    if (this.written.size > maxCorrelatedEvents) this.written.delete(this.written.keys().next().value!);
  }
}

