/**
 * EventRecorder against the real API server in process: Events as the kubelet writes
 * them, repeats aggregated into count, and a recorder that never throws.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import { systemClock, type Clock } from "../base/index.js";
import { ApiClient, EventRecorder, eventsResource, type ObjectReference } from "./index.js";

const pod: ObjectReference = { kind: "Pod", namespace: "default", name: "web", uid: "uid-1", apiVersion: "v1", fieldPath: "spec.containers{app}" };

/** A clock that stands still until moved, for timestamps and the aggregation window. */
function settableClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return { now: () => new Date(now), sleep: systemClock.sleep, set: (iso) => (now = new Date(iso)) };
}

async function setup(t: TestContext, clock: Clock) {
  const server = await startInProcessServer(t);
  const client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  t.after(() => client.close());
  const recorder = new EventRecorder({ client, component: "kubelet", host: "node-1", clock, log: (m) => t.diagnostic(m) });
  const events = client.resource(eventsResource);
  return { recorder, events };
}

test("an event is written as the kubelet writes it", async (t) => {
  const clock = settableClock("2026-11-24T10:00:00.123Z");
  const { recorder, events } = await setup(t, clock);
  recorder.event(pod, "Normal", "Pulled", 'Container image "busybox" already present on machine');
  await recorder.flush();
  const [ev, ...rest] = (await events.list("default")).items;
  assert.equal(rest.length, 0);
  assert.match(ev!.metadata.name!, /^web\.[0-9a-f]+$/);
  assert.equal(BigInt("0x" + ev!.metadata.name!.slice(4)), BigInt(Date.parse("2026-11-24T10:00:00.123Z")) * 1_000_000n);
  assert.deepEqual(ev!["involvedObject"], pod);
  assert.deepEqual(ev!["source"], { component: "kubelet", host: "node-1" });
  assert.equal(ev!["reportingComponent"], "kubelet");
  assert.equal(ev!["reportingInstance"], "node-1");
  assert.equal(ev!["type"], "Normal");
  assert.equal(ev!["reason"], "Pulled");
  assert.equal(ev!["count"], 1);
  assert.equal(ev!["firstTimestamp"], "2026-11-24T10:00:00Z");
  assert.equal(ev!["lastTimestamp"], "2026-11-24T10:00:00Z");
});

test("the same event twice is one Event with count 2; another message or a later time is a new one", async (t) => {
  const clock = settableClock("2026-11-24T10:00:00Z");
  const { recorder, events } = await setup(t, clock);
  recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container app");
  clock.set("2026-11-24T10:00:30Z");
  recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container app");
  recorder.event(pod, "Warning", "BackOff", "Back-off pulling image");
  await recorder.flush();
  const byMessage = async () => Object.fromEntries((await events.list("default")).items.map((e) => [e["message"] as string, e]));
  const all = await byMessage();
  assert.equal(Object.keys(all).length, 2);
  const repeated = all["Back-off restarting failed container app"]!;
  assert.equal(repeated["count"], 2);
  assert.equal(repeated["firstTimestamp"], "2026-11-24T10:00:00Z");
  assert.equal(repeated["lastTimestamp"], "2026-11-24T10:00:30Z");
  assert.equal(all["Back-off pulling image"]!["count"], 1);

  // A repeat whose Event was deleted meanwhile is written again, keeping the count.
  await events.delete("default", repeated.metadata.name!);
  clock.set("2026-11-24T10:05:00Z");
  recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container app");
  await recorder.flush();
  const again = (await events.list("default")).items.filter((e) => e["message"] === "Back-off restarting failed container app");
  assert.equal(again.length, 1);
  assert.equal(again[0]!["count"], 3);

  clock.set("2026-11-24T10:11:00Z");
  recorder.event(pod, "Warning", "BackOff", "Back-off pulling image");
  await recorder.flush();
  const counts = (await events.list("default")).items.map((e) => `${String(e["message"])}: ${String(e["count"])}`).sort();
  assert.deepEqual(counts, ["Back-off pulling image: 1", "Back-off pulling image: 1", "Back-off restarting failed container app: 3"],
    "after 10 minutes the repeat starts a new Event");
});

test("a burst is written a few at a time: every event arrives, and repeats written meanwhile are counted once", async (t) => {
  const clock = settableClock("2026-11-24T10:00:00Z");
  const { recorder, events } = await setup(t, clock);
  for (let i = 0; i < 40; i++) {
    recorder.event({ ...pod, name: `web-${i}`, uid: `uid-${i}` }, "Normal", "Started", "Started container app");
    // Interleaved with the others, so that they are in flight together.
    if (i % 8 === 0) recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container app");
  }
  await recorder.flush();
  const items = (await events.list("default")).items;
  assert.equal(items.filter((e) => e["reason"] === "Started").length, 40);
  const backOff = items.filter((e) => e["reason"] === "BackOff");
  assert.equal(backOff.length, 1, "the repeats waited for the first write instead of racing it");
  assert.equal(backOff[0]!["count"], 5);
});

test("events about cluster-scoped objects go to the default namespace; names stay unique within a millisecond", async (t) => {
  const clock = settableClock("2026-11-24T10:00:00Z");
  const { recorder, events } = await setup(t, clock);
  const node: ObjectReference = { kind: "Node", name: "node-1", uid: "node-1", apiVersion: "v1" };
  recorder.event(node, "Normal", "Starting", "Starting kubelet.");
  recorder.event(node, "Normal", "NodeReady", "Node node-1 status is now: NodeReady");
  await recorder.flush();
  const items = (await events.list("default")).items;
  assert.equal(items.length, 2);
  assert.notEqual(items[0]!.metadata.name, items[1]!.metadata.name);
});

test("a recorder never throws or blocks, even with no server", async (t) => {
  const client = new ApiClient({ server: "http://127.0.0.1:1", ca: "", auth: { bearerToken: "x" } });
  t.after(() => client.close());
  const logged: string[] = [];
  const recorder = new EventRecorder({ client, component: "default-scheduler", log: (m) => logged.push(m) });
  recorder.event(pod, "Warning", "FailedScheduling", "0/1 nodes are available");
  await recorder.stop();
  const after = new EventRecorder({ client, component: "default-scheduler", clock: { now: () => new Date(), sleep: async () => {} }, log: (m) => logged.push(m) });
  after.event(pod, "Warning", "FailedScheduling", "0/1 nodes are available");
  await after.flush();
  assert.ok(logged.some((m) => /unable to write event .*FailedScheduling/.test(m)), logged.join("\n"));
});
