/**
 * Bounded concurrency inside one process: parallel downloads of a pull, Event writes of a
 * recorder. More at once would crowd what they talk to; one at a time falls behind.
 */

/** Runs at most `limit` tasks at once; the rest wait in call order. */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
