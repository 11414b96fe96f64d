/**
 * Forgets old history, as kube-apiserver's compactor does for etcd (default interval
 * 5 minutes): each tick compacts up to the revision seen at the previous tick, so a
 * watch can always resume from a resourceVersion up to one interval old and older
 * ones get 410 Gone.
 */
import type { Clock } from "../base/index.js";
import type { Store } from "../store/index.js";

export const compactionIntervalMs = 5 * 60_000;

export class Compactor {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly intervalMs = compactionIntervalMs) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let previous = 0;
    while (!this.abort.signal.aborted) {
      try {
        await this.clock.sleep(this.intervalMs, this.abort.signal);
      } catch {
        return;
      }
      try {
        if (previous > 0) await this.store.compact(previous);
        previous = await this.store.currentRevision();
      } catch (e) {
        console.error("peapod: compaction failed:", e);
      }
    }
  }
}
