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
