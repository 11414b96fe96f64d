/**
 * Port-forward through the real kubectl 1.32 over plain SPDY
 * (`KUBECTL_PORT_FORWARD_WEBSOCKETS=false`): kubectl → test/harness/stream-endpoint.ts →
 * acceptSpdyUpgrade → SpdySession → servePortForward → a TCP server in this test standing in
 * for the pod. Each test checks bytes end to end with hashes.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { test, type TestContext } from "node:test";
import { freePort } from "../../../test/harness/ports.js";
import { startStreamEndpoint, type KubectlRun, type StreamEndpoint } from "../../../test/harness/stream-endpoint.js";
import { waitFor } from "../../../test/harness/wait-for.js";
import { acceptSpdyUpgrade, type SpdySession } from "../spdy/index.js";
import { servePortForward } from "./serve-port-forward.js";

const MiB = 1024 * 1024;
const portForwardProtocol = "portforward.k8s.io";

/** The pod's ports: 80 echoes, 81 sends `download` and ends, 82 hashes what it gets and replies with the hex digest. */
interface FakePod {
  readonly ports: Map<number, number>;
  readonly open: Set<Socket>;
  download: Buffer;
}

async function startFakePod(t: TestContext): Promise<FakePod> {
  const pod: FakePod = { ports: new Map(), open: new Set(), download: Buffer.alloc(0) };
  const behaviours: Record<number, (s: Socket) => void> = {
    80: (s) => s.pipe(s),
    81: (s) => {
      s.resume();
      s.end(pod.download);
    },
    82: (s) => {
      const h = createHash("sha256");
      s.on("data", (c: Buffer) => h.update(c));
      s.on("end", () => s.end(h.digest("hex")));
    },
  };
  for (const [podPort, behave] of Object.entries(behaviours)) {
    const server: Server = createServer((s) => {
      pod.open.add(s);
      s.on("close", () => pod.open.delete(s));
      s.on("error", () => undefined);
      behave(s);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    pod.ports.set(Number(podPort), (server.address() as { port: number }).port);
    t.after(() => {
      for (const s of pod.open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }
  return pod;
}

/** Dials the fake pod's port like the agent would dial into the pod's network namespace. */
function dialer(pod: FakePod, refusedPort: number): (port: number) => Promise<Duplex> {
  return (port) =>
    new Promise((resolve, reject) => {
      const s = connect(pod.ports.get(port) ?? refusedPort, "127.0.0.1");
      s.once("connect", () => resolve(s));
      s.once("error", reject);
    });
}

interface Forward {
  readonly pod: FakePod;
  readonly endpoint: StreamEndpoint;
  readonly kubectl: KubectlRun;
  /** Local port for each pod port given to `startForward`. */
  readonly local: Map<number, number>;
  readonly sessions: SpdySession[];
  readonly errors: string[];
}

async function startForward(t: TestContext, podPorts: readonly number[]): Promise<Forward> {
  const pod = await startFakePod(t);
  const refusedPort = await freePort();
  const sessions: SpdySession[] = [];
  const errors: string[] = [];
  const endpoint = await startStreamEndpoint(t, (req, socket, head, target) => {
    assert.equal(target.subresource, "portforward");
    const accepted = acceptSpdyUpgrade(req, socket, head, [portForwardProtocol]);
    if (!accepted) return;
    sessions.push(accepted.session);
    void servePortForward(accepted.session, {
      dial: dialer(pod, refusedPort),
      describePod: `${target.pod}, uid 1234`,
      onError: (e) => errors.push(e.message),
    });
  });
  await endpoint.createRunningPod("default", "p", podPorts);
  const local = new Map<number, number>();
  for (const p of podPorts) local.set(p, await freePort());
  t.diagnostic(`kubectl port-forward pod/p ${[...local].map(([p, l]) => `${l}:${p}`).join(" ")}`);
  const kubectl = endpoint.kubectl(["port-forward", "pod/p", ...[...local].map(([p, l]) => `${l}:${p}`)], {
    env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" },
  });
  await waitFor(() => [...local.values()].every((l) => kubectl.stdout().includes(`Forwarding from 127.0.0.1:${l}`)), {
    what: "kubectl to listen",
    timeoutMs: 20_000,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\nkubectl stdout: ${kubectl.stdout()}\nkubectl stderr: ${kubectl.stderr()}`);
  });
  return { pod, endpoint, kubectl, local, sessions, errors };
}

/** Connects to kubectl's local port, sends `send` then half-closes, and collects the reply. */
function exchange(port: number, send: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    const got: Buffer[] = [];
    s.on("data", (c: Buffer) => got.push(c));
    s.on("end", () => resolve(Buffer.concat(got)));
    s.on("error", reject);
    s.end(send);
  });
}

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

test("kubectl port-forward over SPDY echoes many concurrent connections", async (t) => {
  const f = await startForward(t, [80]);
  const port = f.local.get(80)!;
  const payloads = Array.from({ length: 40 }, (_, i) => randomBytes(1000 + i * 997));
  const replies = await Promise.all(payloads.map((p) => exchange(port, p)));
  replies.forEach((r, i) => assert.equal(sha256(r), sha256(payloads[i]!), `connection ${i} echoed its bytes`));
  t.diagnostic(`40 concurrent connections echoed; sessions=${f.sessions.length} errors=${JSON.stringify(f.errors)}`);
  assert.deepEqual(f.errors, []);
  await waitFor(() => f.pod.open.size === 0, { what: "the pod's connections to close" });
});

test("kubectl port-forward over SPDY moves 50 MiB each way intact", async (t) => {
  const f = await startForward(t, [81, 82]);
  f.pod.download = randomBytes(50 * MiB);
  const upload = randomBytes(50 * MiB);

  let started = performance.now();
  const downloaded = await exchange(f.local.get(81)!, Buffer.alloc(0));
  const downMs = performance.now() - started;
  assert.equal(downloaded.length, f.pod.download.length);
  assert.equal(sha256(downloaded), sha256(f.pod.download), "download matches");

  started = performance.now();
  const digest = await exchange(f.local.get(82)!, upload);
  const upMs = performance.now() - started;
  assert.equal(digest.toString(), sha256(upload), "upload matches");
  t.diagnostic(`50 MiB down in ${downMs.toFixed(0)} ms, up in ${upMs.toFixed(0)} ms`);
  assert.deepEqual(f.errors, []);
});

test("throughput of 100 MiB each way through kubectl port-forward vs. a direct TCP connection", async (t) => {
  const f = await startForward(t, [81, 82]);
  f.pod.download = randomBytes(100 * MiB);
  const upload = randomBytes(100 * MiB);
  const uploadDigest = sha256(upload);
  const download = async (port: number): Promise<number> => {
    const started = performance.now();
    const got = await exchange(port, Buffer.alloc(0));
    assert.equal(got.length, f.pod.download.length);
    return performance.now() - started;
  };
  const send = async (port: number): Promise<number> => {
    const started = performance.now();
    assert.equal((await exchange(port, upload)).toString(), uploadDigest);
    return performance.now() - started;
  };
  // Best of three each, so a GC pause or a busy neighbour does not decide the ratio.
  const best = async (run: () => Promise<number>): Promise<number> => Math.min(await run(), await run(), await run());
  // This process's CPU time over the forwarded runs says whether our side or kubectl's limits the rate.
  const cpu = async (run: () => Promise<number>): Promise<{ ms: number; cpuShare: number }> => {
    const before = process.cpuUsage();
    const started = performance.now();
    const ms = await best(run);
    const used = process.cpuUsage(before);
    return { ms, cpuShare: (used.user + used.system) / 1000 / (performance.now() - started) };
  };
  const rows = [];
  for (const [what, podPort, run] of [["download", 81, download], ["upload", 82, send]] as const) {
    const direct = await best(() => run(f.pod.ports.get(podPort)!));
    const forwarded = await cpu(() => run(f.local.get(podPort)!));
    rows.push({ what, direct, forwarded: forwarded.ms, cpuShare: forwarded.cpuShare });
  }
  const mibps = (ms: number): string => ((100 / ms) * 1000).toFixed(0);
  for (const r of rows) {
    t.diagnostic(
      `100 MiB ${r.what}: direct ${r.direct.toFixed(0)} ms (${mibps(r.direct)} MiB/s), via kubectl port-forward over SPDY ${r.forwarded.toFixed(0)} ms (${mibps(r.forwarded)} MiB/s), ratio ${(r.direct / r.forwarded).toFixed(2)}; this process was on CPU ${(r.cpuShare * 100).toFixed(0)}% of the forwarded runs (it also plays the pod and the client)`,
    );
  }
});

test("a refused pod port is reported to kubectl, which ends the forward as upstream", async (t) => {
  const f = await startForward(t, [83]);
  // kubectl accepts the local connection, then gets the error text and tears down the
  // session (client-go portforward handleConnection); the local socket just closes.
  await exchange(f.local.get(83)!, Buffer.from("hello")).catch(() => Buffer.alloc(0));
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([f.kubectl.exited, new Promise<string>((r) => (timer = setTimeout(() => r("still running"), 15_000)))]);
  clearTimeout(timer);
  t.diagnostic(`kubectl exit: ${code}; stderr: ${f.kubectl.stderr().trim()}`);
  assert.match(f.kubectl.stderr(), /error forwarding port 83 to pod p, uid 1234: connect ECONNREFUSED/);
  assert.notEqual(code, "still running", "kubectl ended the forward");
  assert.match(f.errors.join("\n"), /error forwarding port 83 to pod p, uid 1234/);
});

test("a session killed mid-stream frees the pod's sockets", async (t) => {
  const f = await startForward(t, [80, 81]);
  f.pod.download = randomBytes(64 * MiB);
  // Echo connections that stay open, plus a download nobody reads (so the pod side is stuck
  // on back-pressure), then the kubectl process dies.
  const clients: Socket[] = [];
  for (let i = 0; i < 5; i++) {
    const c = connect(f.local.get(80)!, "127.0.0.1");
    c.on("error", () => undefined);
    c.write("ping");
    clients.push(c);
  }
  const stuck = connect(f.local.get(81)!, "127.0.0.1");
  stuck.on("error", () => undefined);
  stuck.pause();
  clients.push(stuck);
  t.after(() => clients.forEach((c) => c.destroy()));
  await waitFor(() => f.pod.open.size === 6, { what: "six pod connections", timeoutMs: 10_000 });
  t.diagnostic(`pod has ${f.pod.open.size} open connections; killing kubectl ${f.kubectl.child.pid}`);
  process.kill(f.kubectl.child.pid!, "SIGKILL");
  await waitFor(() => f.pod.open.size === 0, { what: "the pod's connections to be closed", timeoutMs: 10_000 });
  await waitFor(() => f.sessions.every((s) => s.isClosed), { what: "the session to close" });
});

test("kubectl stopped with Ctrl-C (SIGINT) ends the session cleanly", async (t) => {
  const f = await startForward(t, [80]);
  assert.equal((await exchange(f.local.get(80)!, Buffer.from("one"))).toString(), "one");
  process.kill(f.kubectl.child.pid!, "SIGINT");
  const code = await f.kubectl.exited;
  t.diagnostic(`kubectl exit: ${code}; stderr: ${JSON.stringify(f.kubectl.stderr().trim())}`);
  await waitFor(() => f.sessions.every((s) => s.isClosed), { what: "the session to close" });
  await waitFor(() => f.pod.open.size === 0, { what: "the pod's connections to close" });
  assert.deepEqual(f.errors, []);
});
