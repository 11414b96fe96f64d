/**
 * `kubectl logs` through the API server's pods/log proxy to the node agent's kubelet API,
 * with the real kubectl, one `peapod server` (embedded agent) and the local registry:
 * plain, -c, --tail, --since, --since-time, --timestamps, --limit-bytes, --previous after a
 * restart, -f until the container exits, --all-containers, -l, init containers, the
 * kubelet's text for a container that has not started, logs after a server restart, the
 * client-node Log helper, the proxy's 401/403 for exec and portforward upgrades, and a
 * `logs -f` client that goes away freeing the node connection.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:tls";
import { Writable } from "node:stream";
import * as k8s from "@kubernetes/client-node";
import { ensureNodeToken } from "../../src/apiserver/index.js";
import { cleanupFor, type Cleanup } from "../harness/cleanup.js";
import { Kubectl, startPeapod, startPeapodAgent, type PeapodServer } from "../harness/peapod.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

const rfc3339Nano = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}(Z|[+-]\d{2}:\d{2}) /;

describe("kubectl logs", () => {
  const cleanup: Cleanup = cleanupFor((fn) => after(fn));
  let server: PeapodServer;
  let k: Kubectl;
  let image: string;
  let network: { bridge: string; podCIDR: string };

  async function createPod(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Promise<void> {
    const manifest = JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
    assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), `pod/${name} created\n`);
  }

  async function phaseOf(name: string): Promise<string> {
    return k.ok(["get", "pod", name, "-o", "jsonpath={.status.phase}"]);
  }

  const app = (script: string, name = "app") => ({ name, image: "", command: ["sh", "-c", script] });
  const withImage = (c: { name: string; image: string; command: string[] }) => ({ ...c, image });

  before(async () => {
    const registry = await startRegistry(cleanup);
    image = (await registry.push("busybox")).reference;
    // A /23: the server's node takes one half, a joined agent the other.
    network = freeTestNetwork({ prefixLength: 23 });
    server = await startPeapod(cleanup, { agent: network });
    k = new Kubectl(server, cleanup);
    await k.waitForReadyNodes();
    await createPod("demo", {
      initContainers: [withImage(app("echo from init", "init"))],
      containers: [
        withImage(app("for i in 1 2 3 4 5; do echo line $i; done; printf partial; sleep 0.3; echo ' end'; echo to stderr >&2; exec sleep 3600")),
        withImage(app("echo side says hi; exec sleep 3600", "side")),
      ],
    }, { app: "logs-demo" });
    await waitFor(async () => (await k.ok(["logs", "demo", "-c", "app"])).includes("to stderr") || undefined, { what: "demo's output", timeoutMs: 30_000 });
  });

  test("plain: the default container (kubectl's first), stdout and stderr in order, partial lines joined", async () => {
    const r = await k.run(["logs", "demo"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "line 1\nline 2\nline 3\nline 4\nline 5\npartial end\nto stderr\n");
    assert.match(r.stderr, /Defaulted container "app" out of: app, side, init \(init\)/);
  });

  test("-c, init containers, --all-containers, -l", async () => {
    assert.equal(await k.ok(["logs", "demo", "-c", "side"]), "side says hi\n");
    assert.equal(await k.ok(["logs", "demo", "-c", "init"]), "from init\n");
    // kubectl keeps its requests in a Go map: the containers come in any order, each whole.
    const all = await k.ok(["logs", "demo", "--all-containers"]);
    const blocks = ["from init\n", "line 1\nline 2\nline 3\nline 4\nline 5\npartial end\nto stderr\n", "side says hi\n"];
    for (const b of blocks) assert.ok(all.includes(b), `${JSON.stringify(all)} has ${JSON.stringify(b)}`);
    assert.equal(all.length, blocks.join("").length);
    assert.equal(await k.ok(["logs", "-l", "app=logs-demo", "-c", "side"]), "side says hi\n");
  });

  test("--tail counts the file's lines, --limit-bytes cuts, --timestamps prefixes each line", async () => {
    // Lines of the file, as the kubelet counts them: the partial piece "partial" is one of them.
    assert.equal(await k.ok(["logs", "demo", "-c", "app", "--tail=2"]), " end\nto stderr\n");
    assert.equal(await k.ok(["logs", "demo", "-c", "app", "--tail=3"]), "partial end\nto stderr\n");
    assert.equal(await k.ok(["logs", "demo", "-c", "app", "--tail=4"]), "line 5\npartial end\nto stderr\n");
    assert.equal(await k.ok(["logs", "demo", "-c", "app", "--tail=0"]), "");
    assert.equal(await k.ok(["logs", "demo", "-c", "app", "--limit-bytes=10"]), "line 1\nlin");
    const stamped = (await k.ok(["logs", "demo", "-c", "app", "--timestamps"])).split("\n").filter(Boolean);
    assert.equal(stamped.length, 7);
    for (const line of stamped) assert.match(line, rfc3339Nano);
    assert.deepEqual(stamped.map((l) => l.replace(rfc3339Nano, "")), ["line 1", "line 2", "line 3", "line 4", "line 5", "partial end", "to stderr"]);
  });

  test("--since and --since-time", async () => {
    assert.equal(await k.ok(["logs", "demo", "-c", "side", "--since=1h"]), "side says hi\n");
    const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    assert.equal(await k.ok(["logs", "demo", "-c", "side", `--since-time=${future}`]), "");
    const past = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    assert.equal(await k.ok(["logs", "demo", "-c", "side", `--since-time=${past}`]), "side says hi\n");
    // A pod that prints every 200 ms: --since=1s shows only the last few.
    await createPod("ticker", { containers: [withImage(app("i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"))] });
    await waitFor(async () => ((await k.ok(["logs", "ticker"])).split("\n").length > 15) || undefined, { what: "ticker to tick", timeoutMs: 30_000 });
    const recent = (await k.ok(["logs", "ticker", "--since=1s"])).split("\n").filter(Boolean);
    const all = (await k.ok(["logs", "ticker"])).split("\n").filter(Boolean);
    assert.ok(recent.length >= 2 && recent.length <= 8, `--since=1s gave ${recent.length} lines of ${all.length}`);
  });

  test("errors: a container not yet started (the kubelet's text), an unknown container, --previous without one", async () => {
    await createPod("waiting", { initContainers: [withImage(app("exec sleep 3600", "slow"))], containers: [withImage(app("echo never", "main"))] });
    await waitFor(async () => (await k.ok(["get", "pod", "waiting", "-o", "jsonpath={.status.initContainerStatuses[0].state.running}"])) || undefined, { what: "the init container to run", timeoutMs: 30_000 });
    const r = await k.run(["logs", "waiting", "-c", "main"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (BadRequest): container "main" in pod "waiting" is waiting to start: PodInitializing');
    // kubectl checks the name itself; the server's answer is upstream's too.
    const unknown = await k.run(["get", "--raw", "/api/v1/namespaces/default/pods/demo/log?container=nope"]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), "Error from server (BadRequest): container nope is not valid for pod demo");
    const unnamed = await k.run(["get", "--raw", "/api/v1/namespaces/default/pods/demo/log"]);
    assert.equal(unnamed.stderr.trim(), "Error from server (BadRequest): a container name must be specified for pod demo, choose one of: [init app side]");
    const previous = await k.run(["logs", "demo", "-c", "side", "--previous"]);
    assert.equal(previous.code, 1);
    assert.equal(previous.stderr.trim(), 'Error from server (BadRequest): previous terminated container "side" in pod "demo" not found');
  });

  test("--previous shows the instance before a restart", async () => {
    // Each attempt counts itself in an emptyDir that outlives the container.
    await createPod("restarter", {
      volumes: [{ name: "state", emptyDir: {} }],
      containers: [{ ...withImage(app("n=$(cat /state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /state/n; echo attempt $n; sleep 1; exit 1")), volumeMounts: [{ name: "state", mountPath: "/state" }] }],
    });
    await waitFor(async () => {
      const count = await k.ok(["get", "pod", "restarter", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]);
      return Number(count) >= 1 && (await k.ok(["logs", "restarter"])) === "attempt 2\n";
    }, { what: "restarter's second attempt", timeoutMs: 40_000 });
    assert.equal(await k.ok(["logs", "restarter", "--previous"]), "attempt 1\n");
  });

  test("-f streams new lines and ends when the container exits; latency measured", async (t) => {
    await createPod("counter", { restartPolicy: "Never", containers: [withImage(app("sleep 2; for i in 1 2 3 4 5; do echo count $i; sleep 0.5; done"))] });
    await waitFor(async () => (await phaseOf("counter")) === "Running", { what: "counter to run", timeoutMs: 30_000 });
    const arrivals: Array<{ line: string; at: number }> = [];
    const follow = k.spawn(["logs", "-f", "--timestamps", "counter"], cleanup);
    let seen = "";
    follow.child.stdout!.on("data", (c: Buffer) => {
      seen += c.toString();
      const lines = seen.split("\n");
      seen = lines.pop()!;
      for (const line of lines) arrivals.push({ line, at: Date.now() });
    });
    // 'close', not 'exit': the last lines may still be in the pipe when kubectl has exited.
    const code = await new Promise<number | null>((resolve) => follow.child.once("close", resolve));
    assert.equal(code, 0, follow.output());
    assert.deepEqual(arrivals.map((a) => a.line.replace(rfc3339Nano, "")), ["count 1", "count 2", "count 3", "count 4", "count 5"]);
    // Written at the CRI timestamp, seen by kubectl at `at`: the whole path's delay.
    const delays = arrivals.map((a) => a.at - Date.parse(a.line.split(" ")[0]!));
    t.diagnostic(`logs -f latency per line (ms): ${delays.join(", ")}`);
    for (const d of delays) assert.ok(d < 1000, `a line took ${d} ms to reach kubectl`);
  });

  test("a logs -f client that goes away frees the node connection", async () => {
    const port = await k.ok(["get", "nodes", "-o", "jsonpath={.items[0].status.daemonEndpoints.kubeletEndpoint.Port}"]);
    assert.ok(Number(port) > 0 && Number(port) !== 10250, `the node reports its real port, ${port}`);
    const nodeConnections = () => execFileSync("ss", ["-Htn", "state", "established", `( sport = :${port} )`], { encoding: "utf8" }).split("\n").filter(Boolean).length;
    await waitFor(() => nodeConnections() === 0 || undefined, { what: "no node connection before", timeoutMs: 10_000 });
    const followers = [0, 1, 2].map(() => k.spawn(["logs", "-f", "ticker"], cleanup));
    await waitFor(() => followers.every((f) => f.output().includes("tick")) || undefined, { what: "three followers to read", timeoutMs: 10_000 });
    assert.equal(nodeConnections(), 3);
    for (const f of followers) f.child.kill("SIGKILL");
    await waitFor(() => nodeConnections() === 0 || undefined, { what: "the node connections to close", timeoutMs: 10_000 });
  });

  test("@kubernetes/client-node's Log helper", async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    let text = "";
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { text += chunk.toString(); cb(); } });
    // The helper pipes the body into the stream and ends it there (its `done` callback is never called).
    const finished = new Promise<void>((resolve) => sink.once("finish", resolve));
    await new k8s.Log(kc).log("default", "demo", "app", sink, { tailLines: 3 });
    await finished;
    assert.equal(text, "partial end\nto stderr\n");
  });

  test("the proxy authenticates and authorizes upgrades: 401 without credentials, 403 for a node, on exec and portforward", async () => {
    const { token } = await ensureNodeToken(server.dataDir);
    const ca = readFileSync(`${server.dataDir}/pki/ca.crt`, "utf8");
    const url = new URL(server.url);
    const upgrade = (path: string, method: string, headers: Record<string, string>) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ca, servername: "localhost" }, () => {
        socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: Upgrade\r\n${Object.entries(headers).map(([h, v]) => `${h}: ${v}\r\n`).join("")}\r\n`);
      });
      let data = "";
      socket.on("data", (c: Buffer) => (data += c.toString()));
      socket.on("close", () => {
        const [head = "", body = ""] = data.split("\r\n\r\n");
        resolve({ status: Number(head.split(" ")[1]), body });
      });
      socket.on("error", reject);
    });
    const ws = { Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "v5.channel.k8s.io" };
    const spdy = { Upgrade: "SPDY/3.1", "X-Stream-Protocol-Version": "portforward.k8s.io" };
    const cases = [
      { path: "/api/v1/namespaces/default/pods/demo/exec?command=true&stdout=true", method: "GET", headers: ws },
      { path: "/api/v1/namespaces/default/pods/demo/portforward", method: "POST", headers: spdy },
    ];
    for (const c of cases) {
      const anonymous = await upgrade(c.path, c.method, c.headers);
      assert.equal(anonymous.status, 401, anonymous.body);
      assert.equal((JSON.parse(anonymous.body) as { reason: string }).reason, "Unauthorized");
      const node = await upgrade(c.path, c.method, { ...c.headers, Authorization: `Bearer ${token}` });
      assert.equal(node.status, 403, node.body);
      const status = JSON.parse(node.body) as { reason: string; message: string };
      assert.equal(status.reason, "Forbidden");
      assert.match(status.message, /cannot create resource "pods\/(exec|portforward)"/);
    }
    // Reading a log needs `get` on pods/log, which a node does not have either.
    const logs = await fetchAs(server, ca, token, "/api/v1/namespaces/default/pods/demo/log?container=side");
    assert.equal(logs, 403);
  });

  test("a joined agent (peapod agent, self-signed serving certificate) serves logs too", async () => {
    const nodeName = `logs-remote-${randomBytes(3).toString("hex")}`;
    const agent = startPeapodAgent(cleanup, { server: server.url, tokenFile: `${server.dataDir}/pki/node-token`, nodeName, bridge: `ppt-${randomBytes(3).toString("hex")}` });
    await waitFor(() => {
      if (agent.process.exitCode !== null) throw new Error(`peapod agent exited ${agent.process.exitCode}: ${agent.output()}`);
      return agent.output().includes(`Node ${nodeName} joined`) || undefined;
    }, { what: "the agent to join", timeoutMs: 30_000 });
    await createPod("remote", { nodeSelector: { "kubernetes.io/hostname": nodeName }, containers: [withImage(app("echo from afar; exec sleep 3600"))] });
    await waitFor(async () => (await k.ok(["logs", "remote"])) === "from afar\n" || undefined, { what: "the remote pod's log", timeoutMs: 30_000 });
    assert.equal(await k.ok(["get", "pod", "remote", "-o", "jsonpath={.spec.nodeName}"]), nodeName);
    await k.ok(["delete", "pod", "remote", "--wait", "--grace-period=1"]);
    assert.equal(await agent.stop(), 0, agent.output());
  });

  test("logs survive a server restart (the agent with it)", async () => {
    assert.equal(await server.stop(), 0, server.output());
    server = await startPeapod(cleanup, { agent: network, dataDir: server.dataDir });
    k = new Kubectl(server, cleanup);
    await waitFor(async () => (await k.ok(["logs", "demo", "-c", "side"])) === "side says hi\n" || undefined, { what: "logs after the restart", timeoutMs: 30_000 });
    assert.equal(await k.ok(["logs", "restarter", "--previous"]).then((s) => /^attempt \d+\n$/.test(s)), true);
  });
});

async function fetchAs(server: PeapodServer, ca: string, token: string, path: string): Promise<number> {
  const { request } = await import("node:https");
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, ca, servername: "localhost", agent: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
