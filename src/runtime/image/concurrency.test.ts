import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InFlight, Limiter, SharedExclusiveLock } from "./concurrency.js";

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Work that runs until released or aborted, recording what happened to it. */
function work(log: string[], name: string) {
  const release = deferred();
  const fn = async (signal: AbortSignal) => {
    log.push(`${name} start`);
    try {
      await Promise.race([
        release.promise,
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
      ]);
      return name;
    } finally {
      await new Promise((r) => setImmediate(r)); // winding down takes a moment
      log.push(`${name} end`);
    }
  };
  return { fn, release: () => release.resolve() };
}

describe("image store concurrency primitives", () => {
  test("in-flight work is shared by key and runs once", async () => {
    const log: string[] = [];
    const flight = new InFlight<string>();
    const w = work(log, "a");
    const first = flight.run("k", w.fn);
    const second = flight.run("k", w.fn);
    assert.ok(flight.has("k"));
    w.release();
    assert.deepEqual(await Promise.all([first, second]), ["a", "a"]);
    assert.deepEqual(log, ["a start", "a end"]);
    await new Promise((r) => setImmediate(r));
    assert.ok(!flight.has("k"), "forgotten once settled");
  });

  test("one caller giving up does not abort work another waits for", async () => {
    const log: string[] = [];
    const flight = new InFlight<string>();
    const w = work(log, "a");
    const impatient = new AbortController();
    const leaving = flight.run("k", w.fn, impatient.signal);
    const staying = flight.run("k", w.fn, new AbortController().signal);
    impatient.abort();
    await assert.rejects(leaving, { name: "AbortError" });
    assert.deepEqual(log, ["a start"], "still running for the other caller");
    w.release();
    assert.equal(await staying, "a");
  });

  test("the last caller out aborts the work and returns only once it has wound down", async () => {
    const log: string[] = [];
    const flight = new InFlight<string>();
    const w = work(log, "a");
    const controller = new AbortController();
    const only = flight.run("k", w.fn, controller.signal);
    controller.abort();
    assert.ok(!flight.has("k"), "a new caller would start afresh");
    await assert.rejects(only, { name: "AbortError" });
    assert.deepEqual(log, ["a start", "a end"]);
  });

  test("the limiter holds the rest back in order", async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    assert.equal(peak, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  test("exclusive waits for shared holders, and shared holders arriving later wait for it", async () => {
    const lock = new SharedExclusiveLock();
    const log: string[] = [];
    const hold = deferred();
    const s1 = lock.withShared(async () => {
      log.push("s1 in");
      await hold.promise;
      log.push("s1 out");
    });
    const s2 = lock.withShared(async () => void log.push("s2"));
    const x = lock.withExclusive(async () => void log.push("x"));
    const s3 = lock.withShared(async () => void log.push("s3"));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ["s1 in", "s2"]);
    hold.resolve();
    await Promise.all([s1, s2, x, s3]);
    assert.deepEqual(log, ["s1 in", "s2", "s1 out", "x", "s3"]);
  });
});
