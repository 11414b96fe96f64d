/**
 * Consumes a watch in the background and records what it delivers, so cases can wait for
 * a revision with a deadline and a description instead of sleeping.
 */
import type { Revision, Store, WatchEvent } from "../store.js";

export interface WatchRecorder {
  readonly events: WatchEvent[];
  /** Set when the watch ended with an error. */
  readonly error: unknown;
  /** Settles when the iteration is over (after stop(), an error, or the store ending it). */
  readonly ended: Promise<void>;
  /** Resolves once an event at or past `revision` arrived; rejects after `timeoutMs`. */
  waitForRevision(revision: Revision, timeoutMs?: number): Promise<void>;
  /** Aborts the watch and waits for the iteration to finish. */
  stop(): Promise<void>;
}

export function recordWatch(store: Store, prefix: string, fromRevision: Revision): WatchRecorder {
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  let error: unknown;
  let notify: (() => void) | undefined;
  const ended = (async () => {
    try {
      for await (const batch of store.watch(prefix, { fromRevision, signal: controller.signal })) {
        events.push(...batch);
        notify?.();
      }
    } catch (e) {
      error = e;
    } finally {
      notify?.();
    }
  })();
  let finished = false;
  void ended.then(() => (finished = true));
  const newest = (): Revision => events[events.length - 1]?.kv.modRevision ?? fromRevision;
  return {
    events,
    get error() {
      return error;
    },
    ended,
    async waitForRevision(revision, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (newest() < revision) {
        // The watch's own error keeps its class, so cases can assert on it.
        if (error !== undefined) throw error;
        if (finished) throw new Error(`watch of ${prefix} from ${fromRevision} ended at revision ${newest()} before ${revision}`);
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `watch of ${prefix} from ${fromRevision} reached revision ${newest()} (${events.length} events), ` +
              `not ${revision}, within ${timeoutMs}ms`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 100));
          notify = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        notify = undefined;
      }
    },
    async stop() {
      controller.abort();
      await ended;
    },
  };
}

/** Watches from `fromRevision` until `untilRevision` arrived and returns what came. */
export async function collectEvents(
  store: Store,
  prefix: string,
  fromRevision: Revision,
  untilRevision: Revision,
  timeoutMs = 10_000,
): Promise<WatchEvent[]> {
  const recorder = recordWatch(store, prefix, fromRevision);
  try {
    await recorder.waitForRevision(untilRevision, timeoutMs);
  } finally {
    await recorder.stop();
  }
  if (recorder.error !== undefined) throw recorder.error;
  return recorder.events;
}

/** A compact, comparable picture of events for assertion messages. */
export function describeEvents(events: readonly WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}${e.prevKv ? ` (was @${e.prevKv.modRevision})` : ""}`);
}
