/**
 * `peapod agent` joins a server that runs its own embedded agent: the node IPAM controller
 * gives each node one /24 of the server's --pod-cidr, both nodes turn Ready in `kubectl get
 * nodes`, and a pod selected onto the joined node runs there, with an IP of that node's
 * range, serving its page. A join token that is wrong, or that names another CA, makes
 * the agent exit 1 with a message that says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { busyboxIndexHtml } from "../fixtures/images/busybox.js";
import { cleanupFor } from "../harness/cleanup.js";
import { Kubectl, peapodBin, startPeapod, startPeapodAgent } from "../harness/peapod.js";
import { httpGet } from "../harness/ports.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

test("a second node joins with peapod agent, gets its own pod range and runs a pod there", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const { reference } = await registry.push("httpd");
  const network = freeTestNetwork({ prefixLength: 23 });
  const server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
  const k = new Kubectl(server, cleanup);
  const tokenFile = join(server.dataDir, "pki", "node-token");
  // Printed after the "listening" line startPeapod waits for.
  await waitFor(() => server.output().includes(`To add a node: peapod agent --server ${server.url} --token-file ${tokenFile}\n`) || undefined,
    { what: "the join command in the server's output" });
  assert.match(readFileSync(tokenFile, "utf8"), /^K10[0-9a-f]{64}::node:[0-9a-f]{64}\n$/);

  const nodeName = `remote-${randomBytes(3).toString("hex")}`;
  const agent = startPeapodAgent(cleanup, { server: server.url, tokenFile, nodeName, bridge: `ppt-${randomBytes(3).toString("hex")}` });
  const joined = await waitFor(() => {
    if (agent.process.exitCode !== null) throw new Error(`peapod agent exited ${agent.process.exitCode}: ${agent.output()}`);
    return new RegExp(`Node ${nodeName} joined ${server.url} \\(pod range (\\S+)\\)`).exec(agent.output())?.[1];
  }, { what: "the agent to join", timeoutMs: 30_000 });

  // Both nodes Ready, each with one half of the /23.
  const nodes = await waitFor(async () => {
    const out = await k.ok(["get", "nodes", "--no-headers"]);
    const ready = out.split("\n").filter((l) => /\sReady\s/.test(l));
    return ready.length === 2 && ready.some((l) => l.startsWith(`${nodeName} `)) ? out : undefined;
  }, { what: "kubectl get nodes to show both nodes Ready", timeoutMs: 30_000 });
  assert.equal(nodes.trim().split("\n").length, 2);
  const ranges = (await k.ok(["get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{\"\\n\"}{end}"])).trim().split("\n");
  const third = Number(network.podCIDR.split(".")[2]);
  assert.deepEqual(ranges.map((r) => r.split("=")[1]).sort(), [`10.250.${third}.0/24`, `10.250.${third + 1}.0/24`]);
  assert.ok(ranges.includes(`${nodeName}=${joined}`), `${ranges.join(", ")} has ${nodeName}=${joined}`);

  const manifest = [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: on-remote",
    "spec:",
    "  nodeSelector:",
    `    kubernetes.io/hostname: ${nodeName}`,
    "  containers:",
    `    - image: ${reference}`,
    "      name: httpd",
    "      ports:",
    "        - containerPort: 80",
  ].join("\n");
  assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), "pod/on-remote created\n");
  await waitFor(async () => /on-remote\s+1\/1\s+Running\s+0/.test(await k.ok(["get", "pod", "on-remote", "--no-headers"])) || undefined,
    { what: "the pod to be 1/1 Running", timeoutMs: 30_000 });
  const [podNode, podIP] = (await k.ok(["get", "pod", "on-remote", "-o", "jsonpath={.spec.nodeName} {.status.podIP}"])).split(" ");
  assert.equal(podNode, nodeName);
  assert.ok(podIP!.startsWith(joined.split(".").slice(0, 3).join(".") + "."), `${podIP} in ${joined}`);
  assert.equal(await httpGet(`http://${podIP}/`), busyboxIndexHtml);
  // The joined agent completes the deletion (httpd, PID 1, ignores SIGTERM: a short grace period).
  assert.equal(await k.ok(["delete", "pod", "on-remote", "--wait", "--grace-period=1"]), "pod \"on-remote\" deleted\n");

  // A wrong secret (with the right CA hash), then the right secret naming another CA: exit 1, nothing joined.
  const secret = readFileSync(tokenFile, "utf8").trim().split("::node:")[1]!;
  const rightHash = readFileSync(tokenFile, "utf8").slice(3, 67);
  const badDir = mkdtempSync(join(tmpdir(), "peapod-e2e-badagent-"));
  cleanup.add(`remove ${badDir}`, () => rmSync(badDir, { recursive: true, force: true }));
  const join_ = (token: string) => spawnSync(process.execPath, [peapodBin, "agent", "--server", server.url, "--token", token, "--node-name", "intruder", "--data-dir", join(badDir, "data")], { encoding: "utf8", timeout: 30_000 });
  const wrongSecret = join_(`K10${rightHash}::node:${"0".repeat(64)}`);
  assert.equal(wrongSecret.status, 1, wrongSecret.stderr);
  assert.match(wrongSecret.stderr, /refused the token \(401 Unauthorized\)/);
  const wrongCA = join_(`K10${"0".repeat(64)}::node:${secret}`);
  assert.equal(wrongCA.status, 1, wrongCA.stderr);
  assert.match(wrongCA.stderr, /does not match the hash in the token .*refusing to join/);
  assert.doesNotMatch(await k.ok(["get", "nodes", "-o", "name"]), /intruder/);

  // SIGTERM stops the joined agent cleanly (its pods would keep running; cleanup resets its data dir).
  assert.equal(await agent.stop(), 0, agent.output());
  assert.match(agent.output(), /received SIGTERM, stopping the agent \(pods keep running\)/);
});
