/**
 * SchedulingQueue on a manual clock: new pods at once, failures after backoff (1 s doubling
 * to 10 s), unschedulable pods only on a cluster change (or after 5 minutes), and a change
 * seen during a decision counting for that decision.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../test/harness/manual-clock.js";
import { SchedulingQueue, type QueuedPod } from "./scheduling-queue.js";

/** What pop() hands out right now, without waiting (each marked done). */
async function ready(q: SchedulingQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) out.push((await popNow(q)).key);
  return out;
}

async function popNow(q: SchedulingQueue): Promise<QueuedPod> {
  const next = await q.pop();
  assert.ok(next);
  q.done(next.key);
  return next;
}

test("scheduling queue: a new pod is ready at once; a failed one after 1 s, 2 s, 4 s ... capped at 10 s", async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue(clock);
  q.add("default/p");
  const waits: number[] = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    const popped = await popNow(q);
    q.failed(popped, false);
    let waited = 0;
    while ((await ready(q)).length === 0) {
      await clock.advance(500);
      waited += 500;
      assert.ok(waited <= 60_000, "never retried");
    }
    waits.push(waited);
    q.add("default/p");
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  q.shutDown();
});

test("scheduling queue: an unschedulable pod waits for a cluster change, then for the rest of its backoff", async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue(clock);
  q.add("default/p");
  q.failed(await popNow(q), true);
  await clock.advance(5000);
  assert.deepEqual(await ready(q), [], "no retry on backoff alone");
  q.moveAllToActiveOrBackoff();
  await clock.advance(0);
  assert.deepEqual(await ready(q), ["default/p"], "backoff is over: at once");

  q.failed({ key: "default/p", cycle: 99 }, true); // second failure: 2 s backoff
  q.moveAllToActiveOrBackoff();
  await clock.advance(1000);
  assert.deepEqual(await ready(q), [], "a change during backoff waits for its end");
  await clock.advance(1000);
  assert.deepEqual(await ready(q), ["default/p"]);
  q.shutDown();
});

test("scheduling queue: an unschedulable pod is retried after 5 minutes without any change", async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue(clock);
  q.add("default/p");
  q.failed(await popNow(q), true);
  await clock.advance(5 * 60_000 - 1);
  assert.deepEqual(await ready(q), []);
  await clock.advance(1);
  assert.deepEqual(await ready(q), ["default/p"]);
  q.shutDown();
});

test("scheduling queue: a change while the pod was being decided retries it after backoff", async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue(clock);
  q.add("default/p");
  const popped = await popNow(q);
  q.moveAllToActiveOrBackoff(); // e.g. a node was added while filtering
  q.failed(popped, true);
  await clock.advance(1000);
  assert.deepEqual(await ready(q), ["default/p"]);
  q.shutDown();
});

test("scheduling queue: forget starts the attempts over; shutDown ends every wait", async () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue(clock);
  q.add("default/p");
  q.failed(await popNow(q), false);
  await clock.advance(1000);
  q.failed(await popNow(q), false); // 2 s now
  q.forget("default/p");
  q.add("default/p"); // e.g. deleted and created again
  assert.deepEqual(await ready(q), ["default/p"]);
  q.failed({ key: "default/p", cycle: 5 }, true);
  assert.ok(clock.sleeping > 0);
  q.shutDown();
  assert.equal(clock.sleeping, 0);
  assert.equal(await q.pop(), undefined);
});
