/**
 * Mutual exclusion between async sections inside one process. A read-modify-write that
 * awaits in the middle (a file rewritten from what was read, a state transition checked
 * then persisted) must not interleave with another one on the same thing.
 */

/** Runs critical sections one at a time, in call order; a failed section does not block the next. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Runs sections one at a time per key, in call order; sections of different keys run at
 * once. A container's or sandbox's state changes come from callers and from watchers at
 * once; serializing them per object keeps each transition a read-check-write that nothing
 * interleaves with, without making one object wait for another.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(section, section);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
