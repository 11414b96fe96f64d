/**
 * One source of committed changes, many watchers. Each watcher owns a bounded WatchQueue;
 * publishing only appends to queues, so it costs the same whether a watcher keeps up or
 * not. A watcher that falls too far behind is ended with WatcherTooSlowError and removed
 * (kine pkg/broadcaster: a subscriber whose channel is full is dropped, not waited for).
 */
import type { Revision, WatchEvent } from "./store.js";
import { WatchQueue } from "./watch-queue.js";

export interface WatchFanoutOptions {
  readonly maxQueuedEvents: number;
}

interface Subscriber {
  readonly prefix: string;
  readonly queue: WatchQueue;
}

export class WatchFanout {
  readonly #maxQueuedEvents: number;
  readonly #subscribers = new Set<Subscriber>();

  constructor(options: WatchFanoutOptions) {
    this.#maxQueuedEvents = options.maxQueuedEvents;
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * Receives every later published event under `prefix` whose revision is greater than
   * `afterRevision`. The caller must have delivered everything up to `afterRevision`
   * itself, in the same synchronous step, for the hand-over to have no gap.
   */
  subscribe(prefix: string, afterRevision: Revision): WatchQueue {
    const subscriber: Subscriber = {
      prefix,
      queue: new WatchQueue({
        maxQueuedEvents: this.#maxQueuedEvents,
        fromRevision: afterRevision,
        onClose: () => this.#subscribers.delete(subscriber),
      }),
    };
    this.#subscribers.add(subscriber);
    return subscriber.queue;
  }

  /** Events in revision order, all newer than anything published before. */
  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    for (const subscriber of this.#subscribers) {
      const { prefix, queue } = subscriber;
      const after = queue.lastQueuedRevision;
      let matching: WatchEvent[] | undefined;
      for (const event of events) {
        if (event.kv.modRevision > after && event.kv.key.startsWith(prefix)) {
          (matching ??= []).push(event);
        }
      }
      if (matching) queue.push(matching);
    }
  }

  /** Ends every watcher, with `error` if given. */
  close(error?: unknown): void {
    for (const subscriber of [...this.#subscribers]) subscriber.queue.end(error);
    this.#subscribers.clear();
  }
}
