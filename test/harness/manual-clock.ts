/**
 * A Clock that moves only when the test says (one copy for every test that drives time):
 * sleepers wake once advance() passes their deadline, an aborted sleep rejects with the
 * signal's reason and stops counting as sleeping.
 */
import type { Clock } from "../../src/base/index.js";

export class ManualClock implements Clock {
  private ms: number;
  private sleepers: { at: number; resolve: () => void }[] = [];

  constructor(start = "2026-01-01T00:00:00Z") {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { at: this.ms + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Sleeps begun and not yet ended. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves time on, wakes the due sleepers and lets their continuations run. */
  async advance(ms: number): Promise<void> {
    this.ms += ms;
    const due = this.sleepers.filter((s) => s.at <= this.ms);
    this.sleepers = this.sleepers.filter((s) => s.at > this.ms);
    for (const s of due) s.resolve();
    await new Promise((r) => setImmediate(r));
  }
}
