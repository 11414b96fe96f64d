import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WatcherTooSlowError, type WatchEvent } from "./store.js";
import { WatchFanout } from "./watch-fanout.js";

function put(key: string, revision: number): WatchEvent {
  return { type: "put", kv: { key, value: new Uint8Array(0), createRevision: revision, modRevision: revision } };
}

describe("watch fan-out", () => {
  it("delivers each published event under a watcher's prefix once, in order", async () => {
    const fanout = new WatchFanout({ maxQueuedEvents: 100 });
    const pods = fanout.subscribe("/pods/", 0);
    const all = fanout.subscribe("", 0);
    fanout.publish([put("/pods/a", 1), put("/nodes/n", 2)]);
    fanout.publish([put("/pods/b", 3)]);
    const podBatch = await pods.next();
    assert.deepEqual(podBatch.done ? [] : podBatch.value.map((e) => e.kv.key), ["/pods/a", "/pods/b"]);
    const allBatch = await all.next();
    assert.deepEqual(allBatch.done ? [] : allBatch.value.map((e) => e.kv.modRevision), [1, 2, 3]);
  });

  it("skips events at or before the revision a watcher subscribed after", async () => {
    const fanout = new WatchFanout({ maxQueuedEvents: 100 });
    const queue = fanout.subscribe("/", 5);
    fanout.publish([put("/a", 5), put("/b", 6)]);
    const batch = await queue.next();
    assert.deepEqual(batch.done ? [] : batch.value.map((e) => e.kv.modRevision), [6]);
  });

  it("ends a watcher that falls too far behind without holding up the others", async () => {
    const fanout = new WatchFanout({ maxQueuedEvents: 10 });
    const slow = fanout.subscribe("/", 0);
    const fast = fanout.subscribe("/", 0);
    fanout.publish([put("/a", 1)]);
    assert.equal((await slow.next()).done, false);
    assert.equal((await fast.next()).done, false);
    for (let revision = 2; revision <= 30; revision++) {
      fanout.publish([put("/a", revision)]);
      const batch = await fast.next();
      assert.deepEqual(batch.done ? [] : batch.value.map((e) => e.kv.modRevision), [revision]);
    }
    assert.equal(fanout.size, 1, "the slow watcher was removed");
    const error = await slow.next().catch((e: unknown) => e);
    assert.ok(error instanceof WatcherTooSlowError);
    assert.equal(error.lastRevision, 1, "it may resume after the last event it was handed");
    assert.equal((await slow.next()).done, true);
  });

  it("releases a watcher whose consumer stopped iterating", async () => {
    const fanout = new WatchFanout({ maxQueuedEvents: 10 });
    const queue = fanout.subscribe("/", 0);
    await queue.return();
    assert.equal(fanout.size, 0);
    fanout.publish([put("/a", 1)]);
    assert.equal((await queue.next()).done, true);
  });

  it("wakes a waiting consumer when the watch is ended", async () => {
    const fanout = new WatchFanout({ maxQueuedEvents: 10 });
    const queue = fanout.subscribe("/", 0);
    const waiting = queue.next();
    queue.end();
    assert.equal((await waiting).done, true);
    const other = fanout.subscribe("/", 0);
    const failing = other.next();
    fanout.close(new Error("closed"));
    await assert.rejects(failing, /closed/);
  });
});
