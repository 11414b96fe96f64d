import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Clock } from "../base/index.js";
import { CrashLoopBackOff, crashLoopBackOffMessage } from "./crash-loop-backoff.js";
import { at, container, pod } from "./testing/pod-fixtures.js";

function fakeClock(start: Date): Clock & { set(d: Date): void } {
  let now = start;
  return { now: () => now, sleep: async () => {}, set: (d) => (now = d) };
}

describe("CrashLoopBackOff", () => {
  it("restarts at once the first time, then waits 10s, 20s, 40s, 80s, 160s and 300s at most", () => {
    const clock = fakeClock(at(0));
    const backoff = new CrashLoopBackOff({ clock });
    const key = "k";
    const waits: number[] = [];
    let t = 0;
    for (let crash = 0; crash < 9; crash++) {
      t += 1; // the container ran 1 s and exited
      const finishedAt = at(t);
      clock.set(finishedAt);
      const wait = backoff.inBackOffSince(key, finishedAt, finishedAt);
      waits.push(wait?.delayMs ?? 0);
      if (wait !== undefined) {
        assert.deepEqual(wait.until, new Date(finishedAt.getTime() + wait.delayMs));
        // Still held one millisecond before the end, free at the end.
        assert.ok(backoff.inBackOffSince(key, finishedAt, new Date(wait.until.getTime() - 1)));
        assert.equal(backoff.inBackOffSince(key, finishedAt, wait.until), undefined);
        t += wait.delayMs / 1000;
        clock.set(at(t));
      }
      backoff.next(key, finishedAt);
    }
    assert.deepEqual(waits, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it("starts again from 10s after a container ran for more than 10 minutes", () => {
    const clock = fakeClock(at(0));
    const backoff = new CrashLoopBackOff({ clock });
    backoff.next("k", at(0));
    clock.set(at(10));
    backoff.next("k", at(10));
    assert.equal(backoff.get("k"), 20_000);
    // Exactly 10 minutes after the last advance is not yet stable.
    assert.equal(backoff.inBackOffSince("k", at(610), at(611))?.delayMs, 20_000);
    // More than 10 minutes: the exit is not held, and the next delay is the initial one.
    assert.equal(backoff.inBackOffSince("k", at(611), at(611)), undefined);
    clock.set(at(611));
    backoff.next("k", at(611));
    assert.equal(backoff.get("k"), 10_000);
  });

  it("keys on the pod, the container name and its spec", () => {
    const p = pod();
    const a = CrashLoopBackOff.key(p, container("app"));
    assert.equal(a, CrashLoopBackOff.key(p, container("app")));
    assert.notEqual(a, CrashLoopBackOff.key(p, container("app", { image: "busybox:2" })));
    assert.notEqual(a, CrashLoopBackOff.key(p, container("other")));
    assert.match(a, /^web_default_u-1_app_/);
  });

  it("forgets expired entries on gc and rejects bad options", () => {
    const clock = fakeClock(at(0));
    const backoff = new CrashLoopBackOff({ clock });
    backoff.next("k", at(0));
    clock.set(at(601));
    backoff.gc();
    assert.equal(backoff.get("k"), 0);
    assert.throws(() => new CrashLoopBackOff({ initialMs: 0 }), /initialMs/);
    assert.throws(() => new CrashLoopBackOff({ initialMs: 10, maxMs: 5 }), /maxMs/);
  });
});

describe("crashLoopBackOffMessage", () => {
  it("names the container and the pod as the kubelet does", () => {
    assert.equal(crashLoopBackOffMessage(20_000, "app", pod()), "back-off 20s restarting failed container=app pod=web_default(u-1)");
  });
});
