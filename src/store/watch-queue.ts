/**
 * The queue between one watch's producer (the store's commit path, or an etcd watch
 * stream) and its consumer. Pushing never waits: when the consumer falls more than
 * `maxQueuedEvents` behind, the queue drops what it holds and ends the watch with
 * WatcherTooSlowError, so one stalled consumer never holds up the writers or the other
 * watchers (the lesson of kine's pkg/broadcaster/broadcaster.go). The consumer resumes
 * from the last revision it was handed.
 */
import { WatcherTooSlowError, type Revision, type WatchEvent } from "./store.js";

/** What a watcher may queue before it counts as too slow (kine drops at a full channel). */
export const DEFAULT_MAX_QUEUED_WATCH_EVENTS = 10_000;

interface Waiter {
  resolve(result: IteratorResult<readonly WatchEvent[]>): void;
  reject(error: unknown): void;
}

export interface WatchQueueOptions {
  readonly maxQueuedEvents: number;
  /** The revision the watch started after; reported if it is too slow before any delivery. */
  readonly fromRevision: Revision;
  /** Called once when the queue ends for any reason, to release the producer. */
  readonly onClose?: () => void;
}

export class WatchQueue implements AsyncIterableIterator<readonly WatchEvent[]> {
  readonly #maxQueuedEvents: number;
  readonly #onClose: (() => void) | undefined;
  #batches: (readonly WatchEvent[])[] = [];
  #queuedEvents = 0;
  #lastDelivered: Revision;
  #lastQueued: Revision;
  #closed = false;
  #error: unknown = undefined;
  #waiter: Waiter | undefined;

  constructor(options: WatchQueueOptions) {
    if (!Number.isInteger(options.maxQueuedEvents) || options.maxQueuedEvents < 1) {
      throw new RangeError("maxQueuedEvents must be an integer greater than 0");
    }
    this.#maxQueuedEvents = options.maxQueuedEvents;
    this.#onClose = options.onClose;
    this.#lastDelivered = options.fromRevision;
    this.#lastQueued = options.fromRevision;
  }

  /** The revision of the newest event accepted (or the starting revision). */
  get lastQueuedRevision(): Revision {
    return this.#lastQueued;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a batch; returns false once the queue is closed (also when it just overflowed). */
  push(events: readonly WatchEvent[]): boolean {
    if (this.#closed) return false;
    if (events.length === 0) return true;
    this.#lastQueued = events[events.length - 1]!.kv.modRevision;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.#lastDelivered = this.#lastQueued;
      waiter.resolve({ done: false, value: events });
      return true;
    }
    this.#queuedEvents += events.length;
    if (this.#queuedEvents > this.#maxQueuedEvents) {
      this.end(new WatcherTooSlowError(this.#lastDelivered));
      return false;
    }
    this.#batches.push(events);
    return true;
  }

  /**
   * Ends the watch: without an error the consumer finishes after the queued batches,
   * with one it gets the error instead of what is still queued.
   */
  end(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) {
      this.#error = error;
      this.#batches = [];
      this.#queuedEvents = 0;
    }
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      if (error !== undefined) {
        this.#error = undefined;
        waiter.reject(error);
      } else {
        waiter.resolve({ done: true, value: undefined });
      }
    }
    this.#onClose?.();
  }

  next(): Promise<IteratorResult<readonly WatchEvent[]>> {
    if (this.#batches.length > 0) {
      // Hand over everything queued at once: batches carry no meaning beyond order.
      const batches = this.#batches;
      this.#batches = [];
      this.#queuedEvents = 0;
      const value = batches.length === 1 ? batches[0]! : batches.flat();
      this.#lastDelivered = value[value.length - 1]!.kv.modRevision;
      return Promise.resolve({ done: false, value });
    }
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    if (this.#waiter) return Promise.reject(new Error("WatchQueue.next called while another call is pending"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** The consumer stopped iterating (break, return, throw in a for-await body). */
  return(): Promise<IteratorResult<readonly WatchEvent[]>> {
    this.#batches = [];
    this.#queuedEvents = 0;
    this.#error = undefined;
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
