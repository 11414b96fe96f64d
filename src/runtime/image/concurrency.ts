/**
 * How the image store coordinates work inside one process, beyond the plain mutex of
 * base/mutex.ts: shared in-flight work so that two pulls of one manifest or blob do it once,
 * a limiter for the number of parallel downloads, and a shared/exclusive lock that keeps
 * garbage collection apart from pulls.
 */

// The limiter is base's: the event recorder bounds its writes with it too.
export { Limiter } from "../../base/index.js";

interface Shared<T> {
  key: string;
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/**
 * Work keyed by what it produces (a manifest digest, a blob digest, a chain id): a second
 * caller for the same key joins the first instead of repeating it. The work is aborted
 * only when every caller has given up, so one impatient pull never fails another.
 */
export class InFlight<T> {
  private readonly work = new Map<string, Shared<T>>();

  run(key: string, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    let shared = this.work.get(key);
    if (!shared) {
      const controller = new AbortController();
      const promise = (async () => fn(controller.signal))();
      const entry: Shared<T> = { key, promise, controller, waiters: 0 };
      this.work.set(key, entry);
      const forget = () => {
        if (this.work.get(key) === entry) this.work.delete(key);
      };
      promise.then(forget, forget);
      shared = entry;
    }
    return this.join(shared, signal);
  }

  /** Whether work for the key is under way (a joiner would share it). */
  has(key: string): boolean {
    return this.work.has(key);
  }

  private join(shared: Shared<T>, signal?: AbortSignal): Promise<T> {
    shared.waiters++;
    if (!signal) return shared.promise.finally(() => shared.waiters--);
    return new Promise<T>((resolve, reject) => {
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        shared.waiters--;
        if (shared.waiters > 0) {
          reject(signal.reason);
          return;
        }
        // Nobody wants it any more: a later caller starts afresh rather than joining an abort.
        if (this.work.get(shared.key) === shared) this.work.delete(shared.key);
        shared.controller.abort(signal.reason);
        // The last caller out waits for the work to wind down, so that nothing it started
        // (a download, an unpack) is still writing when its call returns.
        const done = () => reject(signal.reason);
        shared.promise.then(done, done);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = (fn: () => void) => {
        if (aborted) return;
        signal.removeEventListener("abort", onAbort);
        shared.waiters--;
        fn();
      };
      shared.promise.then(
        (v) => settle(() => resolve(v)),
        (e: unknown) => settle(() => reject(e)),
      );
    });
  }
}

/**
 * Many shared holders (pulls, imports, unpacks) or one exclusive holder (garbage
 * collection). A waiting exclusive holder goes before shared holders that arrive after it,
 * so a steady stream of pulls cannot starve collection.
 */
export class SharedExclusiveLock {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: Array<{ exclusive: boolean; grant: () => void }> = [];

  async withShared<T>(fn: () => Promise<T>): Promise<T> {
    if (this.exclusive || this.waiting.length > 0) await new Promise<void>((grant) => this.waiting.push({ exclusive: false, grant }));
    else this.shared++;
    try {
      return await fn();
    } finally {
      this.shared--;
      this.wake();
    }
  }

  async withExclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.exclusive || this.shared > 0 || this.waiting.length > 0) await new Promise<void>((grant) => this.waiting.push({ exclusive: true, grant }));
    else this.exclusive = true;
    try {
      return await fn();
    } finally {
      this.exclusive = false;
      this.wake();
    }
  }

  /** Grants the lock to the next waiters; the counts are taken on their behalf. */
  private wake(): void {
    while (this.waiting.length > 0 && !this.exclusive) {
      const next = this.waiting[0]!;
      if (next.exclusive) {
        if (this.shared > 0) return;
        this.waiting.shift();
        this.exclusive = true;
        next.grant();
        return;
      }
      this.waiting.shift();
      this.shared++;
      next.grant();
    }
  }
}
