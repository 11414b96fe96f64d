/**
 * A watch on the SQLite store: first the log from `fromRevision` on, page by page as the
 * consumer pulls, then the live fan-out. This process is the only writer and
 * better-sqlite3 is synchronous, so the last log page and the subscription happen in one
 * tick with no commit in between: no event is missed and none is delivered twice.
 */
import { CompactedError, type Revision, type WatchEvent, type WatchOptions } from "../store.js";
import type { WatchQueue } from "../watch-queue.js";

/** What a watch needs from the store; each call is synchronous. */
export interface SqliteWatchSource {
  currentRevision(): Revision;
  compactedRevision(): Revision;
  /** Throws if the store was closed. */
  checkOpen(): void;
  /** Up to `limit` changes under `prefix` after `afterRevision`, in revision order. */
  readLogEvents(prefix: string, afterRevision: Revision, limit: number): WatchEvent[];
  subscribe(prefix: string, afterRevision: Revision): WatchQueue;
}

/** Log rows read per step of a replay; the consumer pulls the next page when ready. */
const REPLAY_PAGE_SIZE = 1000;

export async function* watchSqlite(
  source: SqliteWatchSource,
  prefix: string,
  options: WatchOptions,
): AsyncGenerator<readonly WatchEvent[], void, undefined> {
  const { signal, fromRevision } = options;
  let queue: WatchQueue | undefined;
  const onAbort = (): void => queue?.end();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    let after = fromRevision;
    for (;;) {
      if (signal.aborted) return;
      source.checkOpen();
      // Checked before every page: a compaction between two pages may have removed
      // rows this watch has not read yet.
      const compacted = source.compactedRevision();
      if (after < compacted) throw new CompactedError(fromRevision, compacted);
      const events = source.readLogEvents(prefix, after, REPLAY_PAGE_SIZE);
      if (events.length === REPLAY_PAGE_SIZE) {
        after = events[events.length - 1]!.kv.modRevision;
        yield events;
        continue;
      }
      // Caught up: everything committed so far was read, so subscribe in this tick.
      queue = source.subscribe(prefix, Math.max(after, source.currentRevision()));
      if (events.length > 0) yield events;
      yield* queue;
      return;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    queue?.end();
  }
}
