/**
 * `peapod server` with its embedded node agent, driven by the real kubectl: the seed's
 * sa-frontend pod (a busybox httpd from the local registry standing in for the frontend)
 * goes from Pending/ContainerCreating to Running in `kubectl get pods --watch`, and its pod
 * IP serves the page from the host.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { busyboxIndexHtml } from "../fixtures/images/busybox.js";
import { saFrontendManifest } from "../fixtures/sa-frontend.js";
import { cleanupFor } from "../harness/cleanup.js";
import { startPeapodNode } from "../harness/peapod.js";
import { startRegistry } from "../harness/registry.js";
import { waitFor } from "../harness/wait-for.js";
import { httpGet } from "../harness/ports.js";


test("the seed's sa-frontend pod runs: kubectl create, get --watch to Running, the page on its pod IP", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const { reference } = await registry.push("httpd");
  const { k, network } = await startPeapodNode(cleanup);
  const watch = k.spawn(["get", "pods", "--watch"], cleanup);
  const manifest = saFrontendManifest(reference);
  assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), "pod/sa-frontend created\n");

  await waitFor(() => /sa-frontend\s+1\/1\s+Running\s+0/.test(watch.output()) || undefined, { what: "kubectl get pods --watch to show 1/1 Running", timeoutMs: 30_000 });
  const lines = watch.output().split("\n").filter((l) => l.startsWith("sa-frontend"));
  assert.match(lines[0]!, /sa-frontend\s+0\/1\s+(Pending|ContainerCreating)\s+0/);

  const podIP = await k.ok(["get", "pod", "sa-frontend", "-o", "jsonpath={.status.podIP}"]);
  assert.ok(podIP.startsWith(network.podCIDR.split(".").slice(0, 3).join(".")), `${podIP} in ${network.podCIDR}`);
  assert.equal(await httpGet(`http://${podIP}/`), busyboxIndexHtml);
  const describe = await k.ok(["describe", "pod", "sa-frontend"]);
  for (const reason of ["Scheduled", "Pulling", "Pulled", "Created", "Started"]) assert.match(describe, new RegExp(`Normal\\s+${reason}\\s`));

  assert.equal(await k.ok(["delete", "pod", "sa-frontend", "--wait"]), "pod \"sa-frontend\" deleted\n");
});
