/**
 * Conformance cases for watches: order, completeness, resumption, fan-out, slow
 * consumers and cancellation.
 */
import assert from "node:assert/strict";
import { WatcherTooSlowError, type Revision, type Store, type WatchEvent } from "../store.js";
import { DEFAULT_MAX_QUEUED_WATCH_EVENTS } from "../watch-queue.js";
import { bytes, inParallel, text, type StoreCase } from "./store-case.js";
import { collectEvents, describeEvents, recordWatch } from "./watch-recorder.js";

/** Writes a mix of creates, updates and deletes; returns the events a watch must report. */
async function writeHistory(store: Store, prefix: string, steps: number): Promise<WatchEvent[]> {
  const expected: WatchEvent[] = [];
  const live = new Map<string, { value: Uint8Array; createRevision: Revision; modRevision: Revision }>();
  for (let i = 0; i < steps; i++) {
    const key = `${prefix}k${i % 4}`;
    const prev = live.get(key);
    // Interleave a change outside the prefix: a watch must not report it.
    if (i % 5 === 0) await store.create(`${prefix.slice(0, -1)}-outside/${i}`, bytes("x"));
    if (!prev) {
      const kv = await store.create(key, bytes(`v${i}`));
      live.set(key, kv);
      expected.push({ type: "put", kv });
    } else if (i % 3 === 0) {
      const { revision, prevKv } = await store.delete(key, prev.modRevision);
      live.delete(key);
      expected.push({ type: "delete", kv: { key, value: new Uint8Array(0), createRevision: 0, modRevision: revision }, prevKv });
    } else {
      const kv = await store.update(key, bytes(`v${i}`), prev.modRevision);
      live.set(key, kv);
      expected.push({ type: "put", kv, prevKv: { key, ...prev } });
    }
  }
  return expected;
}

/** Events as plain data, values as text, so deepEqual compares what matters. */
function plain(events: readonly WatchEvent[]) {
  const kv = (k: WatchEvent["kv"]) => ({ key: k.key, value: text(k.value), create: k.createRevision, mod: k.modRevision });
  return events.map((e) => ({ type: e.type, kv: kv(e.kv), prevKv: e.prevKv ? kv(e.prevKv) : undefined }));
}

export const watchCases: StoreCase[] = [
  {
    title: "a watch from the current revision reports later puts and deletes with their previous values",
    async run({ store, prefix }) {
      const from = await store.currentRevision();
      const recorder = recordWatch(store, prefix, from);
      try {
        const expected = await writeHistory(store, prefix, 8);
        await recorder.waitForRevision(expected[expected.length - 1]!.kv.modRevision);
        assert.deepEqual(plain(recorder.events), plain(expected));
      } finally {
        await recorder.stop();
      }
      assert.equal(recorder.error, undefined);
    },
  },
  {
    title: "a watch resumed from any earlier revision replays exactly the later changes, in order, once each",
    timeoutMs: 60_000,
    async run({ store, prefix }) {
      const start = await store.currentRevision();
      const expected = await writeHistory(store, prefix, 24);
      const end = expected[expected.length - 1]!.kv.modRevision;
      for (let from = start; from < end; from++) {
        const events = await collectEvents(store, prefix, from, end);
        assert.deepEqual(plain(events), plain(expected.filter((e) => e.kv.modRevision > from)), `from revision ${from}`);
      }
    },
  },
  {
    title: "watches started from an old revision while writes go on miss nothing and repeat nothing",
    timeoutMs: 60_000,
    async run({ store, prefix }) {
      const start = await store.currentRevision();
      const total = 300;
      const recorders: ReturnType<typeof recordWatch>[] = [];
      try {
        const writes = inParallel(total, 8, async (i) => {
          // Join while the writer is at different points of its run.
          if (i % 60 === 0) recorders.push(recordWatch(store, prefix, start));
          return store.create(`${prefix}${String(i).padStart(4, "0")}`, bytes(`${i}`));
        });
        const created = await writes;
        const last = Math.max(...created.map((kv) => kv.modRevision));
        for (const recorder of recorders) {
          await recorder.waitForRevision(last);
          const revisions = recorder.events.map((e) => e.kv.modRevision);
          assert.equal(recorder.events.length, total, "one event per write");
          assert.ok(revisions.every((r, i) => i === 0 || r > revisions[i - 1]!), "strictly increasing revisions");
          assert.deepEqual(new Set(recorder.events.map((e) => e.kv.key)), new Set(created.map((kv) => kv.key)));
        }
      } finally {
        await Promise.all(recorders.map((r) => r.stop()));
      }
    },
  },
  {
    title: "a watch from a future revision reports only changes after it",
    async run({ store, prefix }) {
      const now = await store.currentRevision();
      const recorder = recordWatch(store, prefix, now + 2);
      try {
        await store.create(`${prefix}1`, bytes("1"));
        await store.create(`${prefix}2`, bytes("2"));
        const third = await store.create(`${prefix}3`, bytes("3"));
        await recorder.waitForRevision(third.modRevision);
        assert.deepEqual(describeEvents(recorder.events), [`put ${prefix}3@${third.modRevision}`]);
      } finally {
        await recorder.stop();
      }
    },
  },
  {
    title: "100 concurrent watchers each receive every event",
    timeoutMs: 60_000,
    async run({ store, prefix }) {
      const from = await store.currentRevision();
      const recorders = Array.from({ length: 100 }, () => recordWatch(store, prefix, from));
      try {
        const created = await inParallel(50, 5, (i) => store.create(`${prefix}${i}`, bytes(`${i}`)));
        const last = Math.max(...created.map((kv) => kv.modRevision));
        const expected = created.map((kv) => kv.modRevision).sort((a, b) => a - b);
        for (const recorder of recorders) {
          await recorder.waitForRevision(last);
          assert.deepEqual(recorder.events.map((e) => e.kv.modRevision), expected);
        }
      } finally {
        await Promise.all(recorders.map((r) => r.stop()));
      }
    },
  },
  {
    title: "a watcher that stops reading holds up neither writes nor other watchers, and is ended as too slow",
    timeoutMs: 120_000,
    async run({ t, store, prefix, maxQueuedWatchEvents = DEFAULT_MAX_QUEUED_WATCH_EVENTS }) {
      const from = await store.currentRevision();
      const slow = store.watch(prefix, { fromRevision: from, signal: AbortSignal.timeout(100_000) })[Symbol.asyncIterator]();
      const fast = recordWatch(store, prefix, from);
      try {
        const first = await store.create(`${prefix}first`, bytes("x"));
        const pending = slow.next();
        const firstBatch = await pending;
        assert.equal(firstBatch.done, false);
        // From here on the slow watcher reads nothing while far more events than it may
        // queue are written; the fast one must see each of them promptly.
        const total = maxQueuedWatchEvents + 200;
        let worstLagMs = 0;
        const created = await inParallel(total, 16, async (i) => {
          const kv = await store.create(`${prefix}${String(i).padStart(6, "0")}`, bytes("v"));
          if (i % 100 === 99) {
            const startedAt = Date.now();
            await fast.waitForRevision(kv.modRevision, 5_000);
            worstLagMs = Math.max(worstLagMs, Date.now() - startedAt);
          }
          return kv;
        });
        const last = Math.max(...created.map((kv) => kv.modRevision));
        await fast.waitForRevision(last, 10_000);
        assert.equal(fast.events.length, total + 1);
        assert.ok(worstLagMs < 5_000, `the fast watcher lagged ${worstLagMs}ms`);

        // The slow watcher either was ended as too slow, or (where a backend can hold
        // everything) still delivers every event without a gap.
        const rest: WatchEvent[] = [];
        let ending: unknown;
        try {
          for (let r = await slow.next(); !r.done; r = await slow.next()) {
            rest.push(...r.value);
            if (rest[rest.length - 1]!.kv.modRevision >= last) break;
          }
        } catch (error) {
          ending = error;
        }
        t.diagnostic(
          `fast watcher's worst lag ${worstLagMs}ms; slow watcher ${ending === undefined ? "delivered every event" : `ended: ${String(ending)}`}`,
        );
        if (ending !== undefined) {
          assert.ok(ending instanceof WatcherTooSlowError, `expected WatcherTooSlowError, got ${String(ending)}`);
          const resumeAt = ending.lastRevision;
          assert.ok(resumeAt >= first.modRevision && resumeAt < last, `resume revision ${resumeAt}`);
          const seen = [...firstBatch.value, ...rest];
          assert.equal(seen[seen.length - 1]!.kv.modRevision, resumeAt, "lastRevision is the last event handed out");
        } else {
          assert.equal(firstBatch.value.length + rest.length, total + 1);
        }
      } finally {
        await slow.return?.();
        await fast.stop();
      }
    },
  },
  {
    title: "aborting the signal ends a watch without an error",
    async run({ store, prefix }) {
      const controller = new AbortController();
      const from = await store.currentRevision();
      const seen: WatchEvent[] = [];
      const consuming = (async () => {
        for await (const batch of store.watch(prefix, { fromRevision: from, signal: controller.signal })) {
          seen.push(...batch);
        }
      })();
      const kv = await store.create(`${prefix}a`, bytes("a"));
      while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(seen[0]!.kv.modRevision, kv.modRevision);
      // The consumer is now waiting for the next batch; aborting must end that wait.
      const abortedAt = Date.now();
      controller.abort();
      await consuming;
      assert.ok(Date.now() - abortedAt < 2_000, "the watch ended promptly");

      const already = AbortSignal.abort();
      const none: WatchEvent[] = [];
      for await (const batch of store.watch(prefix, { fromRevision: 0, signal: already })) none.push(...batch);
      assert.deepEqual(none, []);

      // Breaking out of the loop is another way to stop; writes go on unaffected.
      for await (const batch of store.watch(prefix, { fromRevision: from, signal: new AbortController().signal })) {
        assert.equal(batch[0]!.kv.modRevision, kv.modRevision);
        break;
      }
      await store.create(`${prefix}b`, bytes("b"));
    },
  },
];
