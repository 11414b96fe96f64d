/**
 * The controller work queue with client-go's semantics (util/workqueue):
 * - a key added while it waits is not queued twice (`dirty`);
 * - a key added while a worker processes it is queued again only after `done(key)`, so
 *   no key is ever processed by two workers at once (`processing`);
 * - `addAfter` holds a key back (the earliest of several requested times wins);
 * - `addRateLimited` holds it back per key by the rate limiter (exponential per failure,
 *   5 ms doubling to 1000 s as client-go's default controller limiter's per-item part),
 *   `forget` resets that once the key succeeded;
 * - after `shutDown` nothing is added; `get` drains what is queued, then answers undefined.
 */
import { systemClock, type Clock } from "../base/index.js";
import { backoffDelayMs, type BackoffSettings } from "./backoff.js";

export interface RateLimiter<K> {
  /** How long to hold the key back now; counts a failure. */
  when(key: K): number;
  forget(key: K): void;
  numRequeues(key: K): number;
}

/** client-go's ItemExponentialFailureRateLimiter. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(private readonly settings: BackoffSettings = { initialMs: 5, maxMs: 1000_000 }) {}

  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return backoffDelayMs(this.settings, n);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface WorkQueueOptions<K> {
  readonly rateLimiter?: RateLimiter<K>;
  readonly clock?: Clock;
}

export class WorkQueue<K> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** Keys held back by addAfter, with the time they become ready and the way to cancel. */
  private readonly waiting = new Map<K, { readyAt: number; abort: AbortController }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private readonly rateLimiter: RateLimiter<K>;
  private readonly clock: Clock;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.rateLimiter = options.rateLimiter ?? new ItemExponentialRateLimiter<K>();
    this.clock = options.clock ?? systemClock;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** The next key, once there is one; undefined once shut down and drained. Call done(key) after. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks the key processed; if it was added meanwhile, it is queued again now. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.push(key);
  }

  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now().getTime() + delayMs;
    const held = this.waiting.get(key);
    if (held && held.readyAt <= readyAt) return;
    held?.abort.abort();
    const abort = new AbortController();
    this.waiting.set(key, { readyAt, abort });
    this.clock.sleep(delayMs, abort.signal).then(
      () => {
        this.waiting.delete(key);
        this.add(key);
      },
      () => {},
    );
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key succeeded: its next failure starts the backoff from the beginning. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Keys waiting to be got (not those in processing or held back). */
  len(): number {
    return this.queue.length;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { abort } of this.waiting.values()) abort.abort();
    this.waiting.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private push(key: K): void {
    const getter = this.getters.shift();
    if (getter) getter(this.take(key));
    else this.queue.push(key);
  }

  private take(key: K): K {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}
