import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { Container } from "../../api/index.js";
import { hostExecSync } from "./testing/host-exec-sync.js";
import { Prober, type ProbeEvent, type ProbeResultUpdate, type RunningContainer } from "./prober.js";
import { ManualClock } from "../../../test/harness/manual-clock.js";


/** Waits (in real time, briefly) until `n` workers are asleep again, i.e. every due probe ran. */
async function settle(clock: ManualClock, n: number): Promise<void> {
  const until = Date.now() + 3000;
  while (clock.sleeping !== n) {
    if (Date.now() > until) throw new Error(`expected ${n} sleeping workers, have ${clock.sleeping}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  // Let a worker that just finished (held or stopped) get past its last await.
  await new Promise((resolve) => setImmediate(resolve));
}

/** Waits (in real time, briefly) for something a worker does after its last sleep. */
async function eventually(check: () => boolean): Promise<void> {
  const until = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** An app whose health endpoints answer what the test sets, counting the requests. */
const status = new Map<string, number>();
const hits = new Map<string, number>();
const app: Server = createServer((req, res) => {
  const path = req.url ?? "/";
  hits.set(path, (hits.get(path) ?? 0) + 1);
  res.writeHead(status.get(path) ?? 200).end(path);
});
let port = 0;
before(async () => {
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  port = (app.address() as AddressInfo).port;
});
after(() => new Promise((resolve) => app.close(resolve)));

function harness() {
  const clock = new ManualClock();
  const results: ProbeResultUpdate[] = [];
  const events: ProbeEvent[] = [];
  const prober = new Prober({ clock, execSync: (_id, command, timeout) => hostExecSync(command, timeout), onResult: (u) => results.push(u), onEvent: (e) => events.push(e) });
  const start = (container: Container, containerID = "c1"): RunningContainer => {
    const running = { pod: { uid: "uid-1", name: "web", namespace: "default" }, podIP: "127.0.0.1", container: { name: "app", ...container }, containerID, startedAt: clock.now() };
    prober.containerStarted(running);
    return running;
  };
  return { clock, prober, results, events, start };
}

const get = (path: string) => ({ httpGet: { path, port: 0 as number | string } });

describe("prober workers", () => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    status.clear();
    hits.clear();
    h = harness();
  });
  const withPort = (probe: ReturnType<typeof get>, extra: object = {}) => ({ ...probe, httpGet: { ...probe.httpGet, port }, ...extra });

  afterEach(() => h.prober.stop());

  test("without probes a running container is started and ready; stopped, it is neither", async () => {
    h.start({});
    assert.equal(h.prober.isStarted("uid-1", "app"), true);
    assert.equal(h.prober.isReady("uid-1", "app"), true);
    h.prober.containerStopped("uid-1", "app");
    assert.equal(h.prober.isReady("uid-1", "app"), false);
    assert.equal(h.prober.isStarted("uid-1", "app"), false);
  });

  test("readiness: not ready until the first success, then failureThreshold failures in a row", async () => {
    h.start({ readinessProbe: withPort(get("/ready")) });
    assert.equal(h.prober.isReady("uid-1", "app"), false);
    await settle(h.clock, 1);
    assert.equal(hits.get("/ready"), 1, "the first probe runs at once");
    assert.equal(h.prober.isReady("uid-1", "app"), true);
    assert.deepEqual(h.results.map((r) => [r.kind, r.result, r.consecutive]), [["readiness", "success", 1]]);

    status.set("/ready", 503);
    for (let i = 0; i < 2; i++) {
      h.clock.advance(10_000);
      await settle(h.clock, 1);
    }
    assert.equal(h.prober.isReady("uid-1", "app"), true, "two failures are below the threshold of 3");
    h.clock.advance(10_000);
    await settle(h.clock, 1);
    assert.equal(h.prober.isReady("uid-1", "app"), false);
    assert.deepEqual(h.results.at(-1), {
      podUID: "uid-1", containerName: "app", containerID: "c1", kind: "readiness", result: "failure",
      message: "HTTP probe failed with statuscode: 503", consecutive: 3,
    });
    assert.equal(h.events.length, 3);
    assert.deepEqual(h.events[0], {
      podUID: "uid-1", containerName: "app", containerID: "c1", kind: "readiness", type: "Warning", reason: "Unhealthy",
      message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
    });
    // Readiness keeps probing after a failure.
    h.clock.advance(10_000);
    await settle(h.clock, 1);
    assert.equal(hits.get("/ready"), 5);
  });

  test("successThreshold: ready only after that many successes in a row", async () => {
    h.start({ readinessProbe: withPort(get("/ready"), { successThreshold: 2, periodSeconds: 1 }) });
    await settle(h.clock, 1);
    assert.equal(h.prober.isReady("uid-1", "app"), false);
    h.clock.advance(1000);
    await settle(h.clock, 1);
    assert.equal(h.prober.isReady("uid-1", "app"), true);
  });

  test("liveness: failure reported once with the probe's grace period, then the worker holds until a new container", async () => {
    status.set("/live", 500);
    h.start({ livenessProbe: withPort(get("/live"), { failureThreshold: 2, periodSeconds: 5, terminationGracePeriodSeconds: 7 }) });
    await settle(h.clock, 1);
    assert.equal(h.prober.result("uid-1", "app", "liveness"), "success", "liveness starts as success");
    h.clock.advance(5000);
    await eventually(() => h.results.length === 1);
    assert.deepEqual(h.results, [{
      podUID: "uid-1", containerName: "app", containerID: "c1", kind: "liveness", result: "failure",
      message: "HTTP probe failed with statuscode: 500", consecutive: 2, terminationGracePeriodSeconds: 7,
    }]);
    h.clock.advance(60_000);
    await settle(h.clock, 0);
    assert.equal(hits.get("/live"), 2, "no probes while on hold");

    // The agent restarts the container: a new ID, probing resumes from the initial value.
    status.set("/live", 200);
    h.start({ livenessProbe: withPort(get("/live"), { failureThreshold: 2, periodSeconds: 5 }) }, "c2");
    await settle(h.clock, 1);
    assert.equal(hits.get("/live"), 3);
    assert.equal(h.prober.result("uid-1", "app", "liveness"), "success");
  });

  test("startup gates liveness and readiness; its success triggers readiness at once", async () => {
    status.set("/started", 500);
    h.start({
      startupProbe: withPort(get("/started"), { periodSeconds: 1, failureThreshold: 30 }),
      livenessProbe: withPort(get("/live")),
      readinessProbe: withPort(get("/ready")),
    });
    await settle(h.clock, 3);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      await settle(h.clock, 3);
    }
    assert.equal(hits.get("/started"), 4);
    assert.equal(hits.get("/live"), undefined);
    assert.equal(hits.get("/ready"), undefined);
    assert.equal(h.prober.isStarted("uid-1", "app"), false);

    status.set("/started", 200);
    h.clock.advance(1000);
    // The startup worker ends; readiness ran without waiting for its tick.
    await eventually(() => h.results.length === 2);
    await settle(h.clock, 2);
    assert.equal(h.prober.isStarted("uid-1", "app"), true);
    assert.equal(hits.get("/ready"), 1);
    assert.equal(h.prober.isReady("uid-1", "app"), true);
    assert.deepEqual(h.results.map((r) => [r.kind, r.result]), [["startup", "success"], ["readiness", "success"]]);
    // Liveness runs from its next tick on.
    h.clock.advance(10_000);
    await settle(h.clock, 2);
    assert.equal(hits.get("/live"), 1);
  });

  test("startup failing failureThreshold times is reported for a kill", async () => {
    status.set("/started", 500);
    h.start({ startupProbe: withPort(get("/started"), { periodSeconds: 1, failureThreshold: 2 }) });
    await settle(h.clock, 1);
    h.clock.advance(1000);
    await eventually(() => h.results.length === 1);
    assert.deepEqual(h.results.map((r) => [r.kind, r.result, r.consecutive]), [["startup", "failure", 2]]);
    assert.equal(h.events[0]?.message, "Startup probe failed: HTTP probe failed with statuscode: 500");
  });

  test("initialDelaySeconds counts from the container's start", async () => {
    h.start({ readinessProbe: withPort(get("/ready"), { initialDelaySeconds: 5 }) });
    await settle(h.clock, 1);
    assert.equal(hits.get("/ready"), undefined);
    h.clock.advance(4999);
    await settle(h.clock, 1);
    assert.equal(hits.get("/ready"), undefined);
    h.clock.advance(1);
    await settle(h.clock, 1);
    assert.equal(hits.get("/ready"), 1);
    h.clock.advance(10_000);
    await settle(h.clock, 1);
    assert.equal(hits.get("/ready"), 2);
  });

  test("no probes once the container stopped", async () => {
    h.start({ readinessProbe: withPort(get("/ready")) });
    await settle(h.clock, 1);
    h.prober.containerStopped("uid-1", "app");
    await settle(h.clock, 0);
    h.clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(hits.get("/ready"), 1);
    assert.equal(h.prober.isReady("uid-1", "app"), false);
  });

  test("a terminating pod: liveness stops pinned to success, readiness goes on", async () => {
    status.set("/live", 500);
    h.start({ livenessProbe: withPort(get("/live"), { periodSeconds: 1 }), readinessProbe: withPort(get("/ready"), { periodSeconds: 1 }) });
    await settle(h.clock, 2);
    h.prober.podTerminating("uid-1");
    await settle(h.clock, 1);
    h.clock.advance(1000);
    await settle(h.clock, 1);
    assert.equal(hits.get("/live"), 1);
    assert.equal(hits.get("/ready"), 2);
    assert.equal(h.prober.result("uid-1", "app", "liveness"), "success");
    h.prober.removePod("uid-1");
    await settle(h.clock, 0);
    assert.equal(h.prober.isReady("uid-1", "app"), false);
  });

  test("exec probes run through the given ExecSync", async () => {
    h.start({ readinessProbe: { exec: { command: ["sh", "-c", "echo fine; exit 0"] } } });
    await settle(h.clock, 1);
    assert.equal(h.prober.isReady("uid-1", "app"), true);
    h.prober.removePod("uid-1");

    h.start({ livenessProbe: { exec: { command: ["sh", "-c", "echo broken; exit 1"] }, failureThreshold: 1 } });
    await eventually(() => h.results.at(-1)?.kind === "liveness");
    assert.equal(h.results.at(-1)?.kind, "liveness");
    assert.equal(h.results.at(-1)?.message, "broken\n");
    assert.equal(h.events.at(-1)?.message, "Liveness probe failed: broken\n");
  });

  test("an errored probe is retried, recorded, and does not count", async () => {
    h.start({ livenessProbe: { httpGet: { port: "metrics" }, failureThreshold: 1 } });
    await settle(h.clock, 1);
    assert.deepEqual(h.results, []);
    assert.equal(h.events.length, 1);
    assert.equal(h.events[0]?.message, `Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "metrics": invalid syntax`);
  });
});
