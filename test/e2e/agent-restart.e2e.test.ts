/**
 * Restarting `peapod server` (and so its embedded node agent) leaves pods running: while
 * the server is down the pod still serves its page, and the server started again on the
 * same data dir adopts the pod as the kubelet does after a restart: same container, same
 * start time, no restart, no new Created/Started events; and it still manages the pod
 * (deletion works).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { busyboxIndexHtml } from "../fixtures/images/busybox.js";
import { cleanupFor } from "../harness/cleanup.js";
import { Kubectl, startPeapod, type PeapodServer } from "../harness/peapod.js";
import { httpGet } from "../harness/ports.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

interface ContainerView {
  containerID?: string;
  restartCount: number;
  ready: boolean;
  state: { running?: { startedAt: string } };
}

interface EventSummary {
  reason: string;
  count?: number;
}

test("a server restart leaves the pod running; the agent adopts it without restarting it", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const { reference } = await registry.push("httpd");
  const network = freeTestNetwork();
  const agent = { bridge: network.bridge, podCIDR: network.podCIDR };

  const first = await startPeapod(cleanup, { agent });
  let k = new Kubectl(first, cleanup);
  await k.waitForReadyNodes();
  const manifest = JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web" },
    // httpd is PID 1 and ignores SIGTERM: a short grace keeps the final deletion quick.
    spec: { terminationGracePeriodSeconds: 3, containers: [{ name: "web", image: reference, ports: [{ containerPort: 80 }] }] },
  });
  assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), "pod/web created\n");
  await waitFor(async () => /^web\s+1\/1\s+Running\s+0\s/.test(await k.ok(["get", "pod", "web", "--no-headers"])), { what: "web to run", timeoutMs: 30_000 });

  const container = async (): Promise<ContainerView> =>
    (JSON.parse(await k.ok(["get", "pod", "web", "-o", "jsonpath={.status.containerStatuses[0]}"])) as ContainerView);
  const before = await container();
  assert.ok(before.containerID && before.state.running, JSON.stringify(before));
  const podStatus = async (): Promise<unknown> => JSON.parse(await k.ok(["get", "pod", "web", "-o", "jsonpath={.status}"]));
  const statusBefore = await podStatus();
  const podIP = await k.ok(["get", "pod", "web", "-o", "jsonpath={.status.podIP}"]);
  assert.equal(await httpGet(`http://${podIP}/`), busyboxIndexHtml);
  const eventCounts = async (): Promise<Record<string, number>> => {
    const items = (JSON.parse(await k.ok(["get", "events", "--field-selector", "involvedObject.name=web", "-o", "json"])) as { items: EventSummary[] }).items;
    const counts: Record<string, number> = {};
    for (const e of items) counts[e.reason] = (counts[e.reason] ?? 0) + (e.count ?? 1);
    return counts;
  };
  const eventsBefore = await eventCounts();
  assert.equal(eventsBefore["Created"], 1);
  assert.equal(eventsBefore["Started"], 1);

  // SIGTERM: the agent stops first and leaves its pods running.
  assert.equal(await first.stop(), 0, `the server stops cleanly on SIGTERM: ${first.output()}`);
  assert.equal(await httpGet(`http://${podIP}/`), busyboxIndexHtml, "the pod serves its page while the server is down");

  const second: PeapodServer = await startPeapod(cleanup, { dataDir: first.dataDir, agent });
  k = new Kubectl(second, cleanup);
  await waitFor(() => /Node \S+ is running pods/.test(second.output()), { what: `the agent to start again: ${second.output()}`, timeoutMs: 20_000 });

  // The agent has synced the pod by now; for a few seconds more nothing about the container may change.
  const watchUntil = Date.now() + 3000;
  while (Date.now() < watchUntil) {
    const now = await container();
    assert.equal(now.containerID, before.containerID, "the same container");
    assert.equal(now.state.running?.startedAt, before.state.running?.startedAt, "not restarted");
    assert.equal(now.restartCount, 0);
    assert.equal(now.ready, true);
    assert.match(await k.ok(["get", "pod", "web", "--no-headers"]), /^web\s+1\/1\s+Running\s+0\s/);
  }
  // Nothing to report: the status is the one written before the restart, transition times and all.
  assert.deepEqual(await podStatus(), statusBefore);
  assert.equal(await httpGet(`http://${podIP}/`), busyboxIndexHtml, "the page is still served after the restart");
  const eventsAfter = await eventCounts();
  assert.equal(eventsAfter["Created"], 1, `no new Created event: ${JSON.stringify(eventsAfter)}`);
  assert.equal(eventsAfter["Started"], 1, `no new Started event: ${JSON.stringify(eventsAfter)}`);
  assert.equal(eventsAfter["Killing"], undefined, `nothing killed: ${JSON.stringify(eventsAfter)}`);

  // The adopted pod is managed: deletion stops it and removes the object.
  assert.equal(await k.ok(["delete", "pod", "web", "--wait"]), "pod \"web\" deleted\n");
  const gone = await k.run(["get", "pod", "web"]);
  assert.equal(gone.stderr, "Error from server (NotFound): pods \"web\" not found\n");
  await assert.rejects(httpGet(`http://${podIP}/`), "the pod's network is gone with it");
  assert.equal((await eventCounts())["Killing"], 1);
});
