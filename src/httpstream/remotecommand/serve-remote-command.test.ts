/**
 * exec, attach-style streaming and cp through the REAL kubectl 1.32 against serveRemoteCommand,
 * over both transports kubectl speaks: WebSocket v5 (its default) and SPDY/3.1
 * (`KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`). A local process stands in for the container.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { spawn as spawnPty, type IPty } from "node-pty";
import { localCommandRunner, type LocalCommandRunner } from "../../../test/harness/local-command.js";
import { startStreamEndpoint, type StreamEndpoint } from "../../../test/harness/stream-endpoint.js";
import { waitFor } from "../../../test/harness/wait-for.js";
import { serveRemoteCommand } from "./index.js";

interface Upgrade {
  readonly method: string;
  readonly path: string;
  /** performance.now() at the upgrade request, and when its socket closed. */
  readonly at: number;
  closedAt?: number;
  /** The offered subprotocols: Sec-WebSocket-Protocol, or X-Stream-Protocol-Version for SPDY. */
  readonly offered: string;
}

interface Fixture {
  readonly endpoint: StreamEndpoint;
  readonly runner: LocalCommandRunner;
  readonly upgrades: Upgrade[];
  /** The stand-in container's working directory. */
  readonly root: string;
}

async function fixture(t: TestContext): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), "peapod-exec-root-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const runner = localCommandRunner(root);
  t.after(() => killLeftovers(runner));
  const upgrades: Upgrade[] = [];
  const endpoint = await startStreamEndpoint(t, (req, socket, head, target) => {
    const upgrade = describeUpgrade(req);
    upgrades.push(upgrade);
    socket.once("close", () => (upgrade.closedAt = performance.now()));
    // An attach joins the container's main process; here that is a `cat` started on attach.
    const command = target.subresource === "attach" ? ["cat"] : target.url.searchParams.getAll("command");
    serveRemoteCommand(req, socket, head, (streams) => runner.run(command, streams));
  });
  await endpoint.createRunningPod("default", "p");
  return { endpoint, runner, upgrades, root };
}

function describeUpgrade(req: IncomingMessage): Upgrade {
  const offered = req.headers["sec-websocket-protocol"] ?? req.headers["x-stream-protocol-version"] ?? "";
  return { method: req.method ?? "", path: req.url ?? "", at: performance.now(), offered: Array.isArray(offered) ? offered.join(", ") : offered };
}

function killLeftovers(runner: LocalCommandRunner): void {
  for (const p of runner.processes) if (p.running) process.kill(p.pid, "SIGKILL");
}

const transports = [
  { name: "WebSocket v5", env: {}, method: "GET", offered: "v5.channel.k8s.io" },
  { name: "SPDY/3.1", env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" }, method: "POST", offered: "v5.channel.k8s.io, v4.channel.k8s.io" },
] as const;

for (const transport of transports) {
  test(`kubectl exec over ${transport.name}: stdout, stderr and the exit code 7 come back`, async (t) => {
    const { endpoint, upgrades } = await fixture(t);
    const kubectl = endpoint.kubectl(["exec", "p", "--", "sh", "-c", "echo out; echo err >&2; exit 7"], { env: transport.env });
    assert.equal(await kubectl.exited, 7, `kubectl stderr: ${kubectl.stderr()}`);
    assert.equal(kubectl.stdout(), "out\n");
    assert.match(kubectl.stderr(), /^err\n/);
    assert.match(kubectl.stderr(), /command terminated with exit code 7/);
    assert.equal(upgrades.length, 1);
    assert.equal(upgrades[0]!.method, transport.method);
    assert.ok(upgrades[0]!.offered.startsWith(transport.offered), upgrades[0]!.offered);
  });

  test(`kubectl exec -i over ${transport.name}: piped stdin reaches cat, and its EOF ends it`, async (t) => {
    const { endpoint } = await fixture(t);
    const kubectl = endpoint.kubectl(["exec", "-i", "p", "--", "cat"], { env: transport.env, stdin: true });
    kubectl.child.stdin!.end("hello\nworld\n");
    assert.equal(await kubectl.exited, 0, `kubectl stderr: ${kubectl.stderr()}`);
    assert.equal(kubectl.stdout(), "hello\nworld\n");
  });

  test(`kubectl attach -i over ${transport.name}: stdin reaches the main process and its output comes back`, async (t) => {
    const { endpoint, upgrades } = await fixture(t);
    const kubectl = endpoint.kubectl(["attach", "-i", "p"], { env: transport.env, stdin: true });
    kubectl.child.stdin!.end("attached\n");
    assert.equal(await kubectl.exited, 0, `kubectl stderr: ${kubectl.stderr()}`);
    assert.equal(kubectl.stdout(), "attached\n");
    assert.match(upgrades[0]!.path, /\/attach\?/);
  });

  test(`kubectl exec -it over ${transport.name}: a terminal whose size follows kubectl's`, async (t) => {
    const { endpoint, runner } = await fixture(t);
    const cacheDir = await mkdtemp(join(tmpdir(), "peapod-kubectl-cache-"));
    t.after(() => rm(cacheDir, { recursive: true, force: true }));
    t.diagnostic("kubectl runs on a terminal of 100x30");
    const kubectl = spawnPty(
      "kubectl",
      ["--kubeconfig", endpoint.kubeconfig, "--cache-dir", cacheDir, "exec", "-it", "p", "--", "sh", "-c", "read a; stty size; read b; stty size; exit 3"],
      { cols: 100, rows: 30, env: { ...(process.env as Record<string, string>), ...transport.env } },
    );
    const { output, exited } = watchPty(t, kubectl);
    await waitFor(() => runner.resizes.length > 0, { what: "the first resize", timeoutMs: 15_000 });
    assert.deepEqual(runner.resizes[0], { width: 100, height: 30 });
    kubectl.write("one\r");
    await waitFor(() => output().includes("30 100"), { what: "stty size 30 100 in kubectl's output", timeoutMs: 10_000 });
    t.diagnostic("kubectl's terminal grows to 120x40");
    kubectl.resize(120, 40);
    await waitFor(() => runner.resizes.some((s) => s.width === 120 && s.height === 40), { what: "the resize to 120x40" });
    kubectl.write("two\r");
    await waitFor(() => output().includes("40 120"), { what: "stty size 40 120 in kubectl's output" });
    assert.equal(await exited, 3, output());
  });

  test(`kubectl exec over ${transport.name} killed mid-stream: the process is killed and every socket freed`, async (t) => {
    const { endpoint, runner } = await fixture(t);
    const kubectl = endpoint.kubectl(["exec", "p", "--", "sh", "-c", "echo started; exec sleep 300"], { env: transport.env });
    await waitFor(() => kubectl.stdout().includes("started"), { what: "the command's first output", timeoutMs: 15_000 });
    t.diagnostic("SIGKILL to kubectl while the command runs");
    process.kill(kubectl.child.pid!, "SIGKILL");
    await kubectl.exited;
    assert.equal(runner.processes.length, 1);
    assert.equal(await withTimeout(runner.processes[0]!.ended, 10_000, "the command to be killed"), "SIGKILL");
    await waitFor(() => endpoint.openSockets() === 0, { what: "every socket closed" });
  });

  test(`kubectl cp over ${transport.name}: 5 MiB into the pod and back, byte for byte`, async (t) => {
    const { endpoint, root } = await fixture(t);
    const local = await mkdtemp(join(tmpdir(), "peapod-cp-local-"));
    t.after(() => rm(local, { recursive: true, force: true }));
    const original = randomBytes(5 << 20);
    await writeFile(join(local, "big.bin"), original);

    const up = endpoint.kubectl(["cp", join(local, "big.bin"), "p:big.bin"], { env: transport.env });
    assert.equal(await up.exited, 0, `kubectl cp to the pod: ${up.stderr()}`);
    assert.ok((await readFile(join(root, "big.bin"))).equals(original), "the file in the pod differs");

    const down = endpoint.kubectl(["cp", "p:big.bin", join(local, "back.bin")], { env: transport.env });
    assert.equal(await down.exited, 0, `kubectl cp from the pod: ${down.stderr()}`);
    assert.ok((await readFile(join(local, "back.bin"))).equals(original), "the file copied back differs");
  });
}

test("kubectl exec of a missing binary prints the InternalError and exits 1", async (t) => {
  const { endpoint } = await fixture(t);
  const kubectl = endpoint.kubectl(["exec", "p", "--", "no-such-binary-here"]);
  assert.equal(await kubectl.exited, 1);
  assert.match(kubectl.stderr(), /error: Internal error occurred: error executing command in container: exec: "no-such-binary-here": executable file not found in \$PATH/);
});

test("exec round trip: kubectl exec -- true against kubectl get pod (kubectl's own start-up)", async (t) => {
  const { endpoint, upgrades } = await fixture(t);
  const time = async (args: string[]): Promise<number> => {
    const start = performance.now();
    const run = endpoint.kubectl(args);
    assert.equal(await run.exited, 0, run.stderr());
    return performance.now() - start;
  };
  await time(["get", "pod", "p"]); // warms the dispatcher's version probe and discovery cache
  const get: number[] = [];
  const exec: number[] = [];
  for (let i = 0; i < 7; i++) {
    get.push(await time(["get", "pod", "p"]));
    exec.push(await time(["exec", "p", "--", "true"]));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const sessions = upgrades.map((u) => u.closedAt! - u.at);
  t.diagnostic(`median kubectl get pod: ${median(get).toFixed(1)} ms; kubectl exec -- true: ${median(exec).toFixed(1)} ms; exec overhead ${(median(exec) - median(get)).toFixed(1)} ms`);
  t.diagnostic(`median upgrade-to-close of the exec connection, server side: ${median(sessions).toFixed(1)} ms (spawning sh -c true included)`);
});

function watchPty(t: TestContext, pty: IPty): { output: () => string; exited: Promise<number> } {
  let text = "";
  let done = false;
  pty.onData((d) => (text += d));
  const exited = new Promise<number>((resolve) =>
    pty.onExit(({ exitCode }) => {
      done = true;
      resolve(exitCode);
    }),
  );
  t.after(() => {
    if (!done) process.kill(pty.pid, "SIGKILL");
  });
  return { output: () => text, exited };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
