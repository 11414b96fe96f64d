/**
 * `peapod server` with its embedded node agent, driven by the real kubectl: a configMap
 * mounted into a busybox httpd pod is changed with `kubectl patch` and `kubectl apply`, and
 * the page the pod serves from the volume follows within seconds, with no restart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupFor } from "../harness/cleanup.js";
import { startPeapodNode } from "../harness/peapod.js";
import { startRegistry } from "../harness/registry.js";
import { waitFor } from "../harness/wait-for.js";
import { httpGet } from "../harness/ports.js";

test("a configMap served by a running pod follows kubectl patch and kubectl apply", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const { reference } = await registry.push("httpd");
  const { k } = await startPeapodNode(cleanup);
  assert.equal(await k.ok(["create", "configmap", "site", "--from-literal=index.html=v1"]), "configmap/site created\n");
  const manifest = [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: site",
    "spec:",
    "  terminationGracePeriodSeconds: 1",
    "  containers:",
    `    - image: ${reference}`,
    "      name: web",
    "      volumeMounts:",
    "        - name: www",
    "          mountPath: /var/www",
    "  volumes:",
    "    - name: www",
    "      configMap:",
    "        name: site",
  ].join("\n");
  assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), "pod/site created\n");
  await waitFor(async () => (await k.ok(["get", "pod", "site", "-o", "jsonpath={.status.phase}"])) === "Running", { what: "pod site Running", timeoutMs: 30_000 });
  const podIP = await k.ok(["get", "pod", "site", "-o", "jsonpath={.status.podIP}"]);
  const page = () => httpGet(`http://${podIP}/`).catch((e: Error) => `(${e.message})`);
  await waitFor(async () => (await page()) === "v1", { what: "the page v1", timeoutMs: 10_000 });

  assert.equal(await k.ok(["patch", "configmap", "site", "--type", "merge", "-p", '{"data":{"index.html":"v2"}}']), "configmap/site patched\n");
  await waitFor(async () => (await page()) === "v2", { what: "the page v2 after kubectl patch", timeoutMs: 3000, intervalMs: 100 });

  const applied = await k.ok(["create", "configmap", "site", "--from-literal=index.html=v3", "--dry-run=client", "-o", "yaml"]);
  assert.match(await k.ok(["apply", "-f", "-"], { stdin: applied }), /^configmap\/site configured\n/);
  await waitFor(async () => (await page()) === "v3", { what: "the page v3 after kubectl apply", timeoutMs: 3000, intervalMs: 100 });

  assert.equal(await k.ok(["get", "pod", "site", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]), "0");
  assert.equal(await k.ok(["delete", "pod", "site", "--wait"]), "pod \"site\" deleted\n");
});
