/**
 * kubectl port-forward through the REAL kubectl 1.32 against servePortForwardUpgrade: the
 * WebSocket tunnel kubectl uses by default (`SPDY/3.1+portforward.k8s.io`, which `ws` rejects
 * unless worked around) and the plain SPDY upgrade (`KUBECTL_PORT_FORWARD_WEBSOCKETS=false`).
 * An echo server on 127.0.0.1 stands in for the pod's port.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { test, type TestContext } from "node:test";
import { freePort } from "../../test/harness/ports.js";
import { startStreamEndpoint, type KubectlRun, type StreamEndpoint } from "../../test/harness/stream-endpoint.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { servePortForwardUpgrade } from "./serve-port-forward-upgrade.js";

interface Fixture {
  readonly endpoint: StreamEndpoint;
  readonly upgrades: Array<{ method: string; offered: string }>;
  /** The echo server's port, which stands for the container port. */
  readonly podPort: number;
  readonly podConnections: Set<Socket>;
}

async function fixture(t: TestContext): Promise<Fixture> {
  const podConnections = new Set<Socket>();
  const echo: Server = createServer((socket) => {
    podConnections.add(socket);
    socket.on("close", () => podConnections.delete(socket));
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const s of podConnections) s.destroy();
    return new Promise<void>((resolve) => echo.close(() => resolve()));
  });
  const podPort = (echo.address() as { port: number }).port;

  const upgrades: Fixture["upgrades"] = [];
  const endpoint = await startStreamEndpoint(t, (req, socket, head) => {
    upgrades.push(describeUpgrade(req));
    servePortForwardUpgrade(req, socket, head, {
      describePod: "p_default, uid test",
      dial: (port) =>
        new Promise((resolve, reject) => {
          const c = connect({ host: "127.0.0.1", port });
          c.once("connect", () => resolve(c));
          c.once("error", reject);
        }),
    });
  });
  await endpoint.createRunningPod("default", "p", [podPort]);
  return { endpoint, upgrades, podPort, podConnections };
}

function describeUpgrade(req: IncomingMessage): { method: string; offered: string } {
  const offered = req.headers["sec-websocket-protocol"] ?? req.headers["x-stream-protocol-version"] ?? "";
  return { method: req.method ?? "", offered: Array.isArray(offered) ? offered.join(", ") : offered };
}

async function startForward(t: TestContext, f: Fixture, env: Record<string, string>): Promise<{ kubectl: KubectlRun; localPort: number }> {
  const localPort = await freePort();
  const kubectl = f.endpoint.kubectl(["port-forward", "pod/p", `${localPort}:${f.podPort}`], { env });
  await waitFor(() => kubectl.stdout().includes(`Forwarding from 127.0.0.1:${localPort} -> ${f.podPort}`), {
    what: `kubectl port-forward to be ready (stderr: ${kubectl.stderr()})`,
    timeoutMs: 15_000,
  });
  t.diagnostic(`kubectl forwards 127.0.0.1:${localPort} to the pod's ${f.podPort}`);
  return { kubectl, localPort };
}

/** Sends `payload` through 127.0.0.1:port, half-closes, and returns everything echoed back. */
function echoThrough(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c = connect({ host: "127.0.0.1", port });
    c.on("data", (d: Buffer) => chunks.push(d));
    c.on("end", () => resolve(Buffer.concat(chunks)));
    c.on("error", reject);
    c.end(payload);
  });
}

const transports = [
  { name: "the WebSocket tunnel", env: {}, method: "GET", offered: "SPDY/3.1+portforward.k8s.io" },
  { name: "plain SPDY/3.1", env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" }, method: "POST", offered: "portforward.k8s.io" },
] as const;

for (const transport of transports) {
  test(`kubectl port-forward over ${transport.name}: concurrent connections echo 4 MiB each, byte for byte`, async (t) => {
    const f = await fixture(t);
    const { localPort } = await startForward(t, f, transport.env);
    assert.deepEqual(f.upgrades[0], { method: transport.method, offered: transport.offered });
    const payloads = [0, 1, 2].map(() => randomBytes(4 << 20));
    const echoed = await Promise.all(payloads.map((p) => echoThrough(localPort, p)));
    for (const [i, p] of payloads.entries()) assert.ok(echoed[i]!.equals(p), `connection ${i} got different bytes back`);
    assert.equal(f.upgrades.length, 1, "every connection went through the one session");
  });

  test(`kubectl port-forward over ${transport.name}: throughput against a direct connection`, async (t) => {
    const f = await fixture(t);
    const { localPort } = await startForward(t, f, transport.env);
    const payload = randomBytes(32 << 20);
    const timed = async (port: number): Promise<number> => {
      const start = performance.now();
      const back = await echoThrough(port, payload);
      assert.ok(back.equals(payload));
      return performance.now() - start;
    };
    const direct = await timed(f.podPort);
    const forwarded = await timed(localPort);
    const rate = (ms: number): string => ((2 * 32) / (ms / 1000)).toFixed(0);
    t.diagnostic(`32 MiB echoed (64 MiB moved): direct ${direct.toFixed(0)} ms (${rate(direct)} MiB/s), forwarded ${forwarded.toFixed(0)} ms (${rate(forwarded)} MiB/s)`);
  });

  test(`kubectl port-forward over ${transport.name} killed mid-transfer: the pod connection and sockets are freed`, async (t) => {
    const f = await fixture(t);
    const { kubectl, localPort } = await startForward(t, f, transport.env);
    const client = connect({ host: "127.0.0.1", port: localPort });
    client.on("error", () => {});
    t.after(() => client.destroy());
    client.write(randomBytes(1 << 20));
    await waitFor(() => f.podConnections.size === 1, { what: "the forwarded connection to reach the pod" });
    t.diagnostic("SIGKILL to kubectl with a connection open");
    process.kill(kubectl.child.pid!, "SIGKILL");
    await kubectl.exited;
    await waitFor(() => f.podConnections.size === 0, { what: "the pod connection to be closed" });
    await waitFor(() => f.endpoint.openSockets() === 0, { what: "every endpoint socket closed" });
  });
}
