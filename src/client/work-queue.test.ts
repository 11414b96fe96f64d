/** WorkQueue and its rate limiter: client-go's workqueue semantics, step by step. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelayMs, ItemExponentialRateLimiter, WorkQueue } from "./index.js";
import { ManualClock } from "../../test/harness/manual-clock.js";

/** Every key got now without waiting (each marked processing until done). */
async function drain<K>(q: WorkQueue<K>): Promise<K[]> {
  const out: K[] = [];
  while (q.len() > 0) out.push((await q.get())!);
  return out;
}


type Step = ["add" | "done", string] | ["get", string[]];

const cases: { name: string; steps: Step[] }[] = [
  { name: "a key added twice while queued is queued once", steps: [["add", "a"], ["add", "b"], ["add", "a"], ["get", ["a", "b"]]] },
  { name: "a key added while processing waits for done, then comes back once", steps: [
    ["add", "a"], ["get", ["a"]], ["add", "a"], ["add", "a"], ["get", []], ["done", "a"], ["get", ["a"]],
  ] },
  { name: "done without a new add does not requeue", steps: [["add", "a"], ["get", ["a"]], ["done", "a"], ["get", []]] },
  { name: "order is first added, first out", steps: [["add", "c"], ["add", "a"], ["add", "b"], ["get", ["c", "a", "b"]]] },
];

for (const c of cases) {
  test(`work queue: ${c.name}`, async () => {
    const q = new WorkQueue<string>();
    for (const step of c.steps) {
      if (step[0] === "add") q.add(step[1]);
      else if (step[0] === "done") q.done(step[1]);
      else assert.deepEqual(await drain(q), step[1]);
    }
    q.shutDown();
  });
}

test("work queue: get waits for an add, and shutDown wakes waiters with undefined after draining", async () => {
  const q = new WorkQueue<string>();
  const waiting = q.get();
  q.add("a");
  assert.equal(await waiting, "a");
  q.add("b");
  const idle = q.get();
  assert.equal(await idle, "b");
  const blocked = q.get();
  q.add("c");
  assert.equal(await blocked, "c");
  q.add("d");
  q.shutDown();
  assert.equal(await q.get(), "d", "what was queued is still handed out");
  assert.equal(await q.get(), undefined);
  q.add("e");
  assert.equal(q.len(), 0, "nothing is added after shutDown");
  const q2 = new WorkQueue<string>();
  const parked = q2.get();
  q2.shutDown();
  assert.equal(await parked, undefined);
});


test("work queue: addAfter holds a key back, the earliest time wins, and shutDown cancels", async () => {
  const clock = new ManualClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter("a", 40);
  q.addAfter("a", 200);
  q.addAfter("b", 0);
  assert.deepEqual(await drain(q), ["b"]);
  await clock.advance(39);
  assert.equal(q.len(), 0);
  await clock.advance(1);
  assert.deepEqual(await drain(q), ["a"]);
  await clock.advance(200);
  assert.equal(q.len(), 0, "the later request was merged into the earlier one");
  q.addAfter("c", 30);
  q.shutDown();
  await clock.advance(60);
  assert.equal(q.len(), 0);
});

test("work queue: addRateLimited backs off per key until forget", async () => {
  const clock = new ManualClock();
  const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter({ initialMs: 20, maxMs: 1000 }) });
  q.addRateLimited("a"); // 20 ms
  assert.equal(q.numRequeues("a"), 1);
  await clock.advance(20);
  assert.equal(await q.get(), "a");
  q.done("a");
  q.addRateLimited("a"); // 40 ms
  await clock.advance(39);
  assert.equal(q.len(), 0, "the second failure waits longer");
  await clock.advance(1);
  assert.equal(await q.get(), "a");
  q.done("a");
  q.forget("a");
  assert.equal(q.numRequeues("a"), 0);
  q.addRateLimited("a");
  await clock.advance(20);
  assert.equal(q.len(), 1, "after forget the backoff starts over");
  q.shutDown();
});

test("backoff: doubling from initial, capped, jitter within bounds", () => {
  const defaults = { initialMs: 5, maxMs: 1000_000 };
  const table: [number, number][] = [[0, 5], [1, 10], [2, 20], [10, 5120], [30, 1000_000], [5000, 1000_000]];
  for (const [failures, want] of table) assert.equal(backoffDelayMs(defaults, failures), want, `after ${failures} failures`);
  const jittered = { initialMs: 200, maxMs: 30_000, jitter: 1 };
  assert.equal(backoffDelayMs(jittered, 0, () => 0), 200);
  assert.equal(backoffDelayMs(jittered, 0, () => 0.5), 300);
  assert.equal(backoffDelayMs(jittered, 10, () => 0.9), 30_000);
  const limiter = new ItemExponentialRateLimiter<string>();
  assert.deepEqual([limiter.when("a"), limiter.when("a"), limiter.when("b"), limiter.when("a")], [5, 10, 5, 20]);
});
