/**
 * The scheduler inside `peapod server`, seen through the real kubectl: a pod that fits no
 * node stays Pending with PodScheduled=False/Unschedulable and a FailedScheduling event
 * that says why, as on Kubernetes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupFor } from "../harness/cleanup.js";
import { Kubectl, startPeapod } from "../harness/peapod.js";
import { waitFor } from "../harness/wait-for.js";

test("a pod with no node to go to stays Pending and says why", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const server = await startPeapod(cleanup, { controllers: true });
  const k = new Kubectl(server, cleanup);
  assert.equal(await k.ok(["run", "lonely", "--image=busybox", "--restart=Never"]), "pod/lonely created\n");

  const reason = await waitFor(async () => (await k.ok(["get", "pod", "lonely", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}"])) || undefined,
    { what: "the PodScheduled condition" });
  assert.equal(reason, "Unschedulable");
  assert.equal(await k.ok(["get", "pod", "lonely", "-o", "jsonpath={.status.phase}"]), "Pending");
  const describe = await waitFor(async () => {
    const out = await k.ok(["describe", "pod", "lonely"]);
    return /FailedScheduling/.test(out) && out;
  }, { what: "a FailedScheduling event" });
  assert.match(describe, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+no nodes available to schedule pods/);
  assert.equal(await server.stop(), 0, "the control loops stop with the server on SIGTERM");
});

test("a pod held by a scheduling gate shows SchedulingGated until the gate goes", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const server = await startPeapod(cleanup, { controllers: true });
  const k = new Kubectl(server, cleanup);
  const manifest = JSON.stringify({
    apiVersion: "v1", kind: "Pod", metadata: { name: "gated" },
    spec: { schedulingGates: [{ name: "example.com/quota" }], containers: [{ name: "app", image: "busybox" }] },
  });
  assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), "pod/gated created\n");
  assert.match(await k.ok(["get", "pod", "gated"]), /gated\s+0\/1\s+SchedulingGated\s+0\s/);
  assert.equal(
    await k.ok(["get", "pod", "gated", "-o", "jsonpath={.status.conditions[0].reason}: {.status.conditions[0].message}"]),
    "SchedulingGated: Scheduling is blocked due to non-empty scheduling gates",
  );

  // No node exists, so once the gate is gone the scheduler says so in the same condition.
  await k.ok(["patch", "pod", "gated", "--type=json", "-p", '[{"op":"remove","path":"/spec/schedulingGates"}]']);
  const reason = await waitFor(async () => {
    const r = await k.ok(["get", "pod", "gated", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}"]);
    return r === "Unschedulable" ? r : undefined;
  }, { what: "the scheduler to take the pod once ungated" });
  assert.equal(reason, "Unschedulable");
});
