/**
 * The channel form of WebSocket port-forward, through the official JavaScript client's
 * `PortForward` helper, plus the query parsing case by case.
 */
import assert from "node:assert/strict";
import { connect, createServer, type Socket } from "node:net";
import { PassThrough } from "node:stream";
import { test, type TestContext } from "node:test";
import { KubeConfig, PortForward } from "@kubernetes/client-node";
import { freePort } from "../../test/harness/ports.js";
import { startStreamEndpoint } from "../../test/harness/stream-endpoint.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { servePortForwardUpgrade } from "./serve-port-forward-upgrade.js";
import { parsePortForwardPorts } from "./websocket-port-forward.js";

const parseCases: Array<{ query: string; want: ReturnType<typeof parsePortForwardPorts> }> = [
  { query: "ports=80", want: [80] },
  { query: "ports=80&ports=443", want: [80, 443] },
  { query: "port=80,8080", want: [80, 8080] },
  { query: "", want: { error: 'query parameter "port" is required' } },
  { query: "ports=", want: { error: 'query parameter "port" cannot be empty' } },
  { query: "ports=http", want: { error: 'unable to parse "http" as a port' } },
  { query: "ports=70000", want: { error: 'unable to parse "70000" as a port' } },
  { query: "ports=0", want: { error: 'port "0" must be > 0' } },
];

for (const c of parseCases) {
  test(`parsePortForwardPorts(?${c.query})`, () => {
    assert.deepEqual(parsePortForwardPorts(new URL(`http://x/portforward?${c.query}`)), c.want);
  });
}

async function javascriptClient(t: TestContext): Promise<{ client: PortForward; podPort: number; podConnections: Set<Socket> }> {
  const podConnections = new Set<Socket>();
  const echo = createServer((socket) => {
    podConnections.add(socket);
    socket.on("close", () => podConnections.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => echo.close(() => resolve())));
  const podPort = (echo.address() as { port: number }).port;
  const endpoint = await startStreamEndpoint(t, (req, socket, head) =>
    servePortForwardUpgrade(req, socket, head, {
      describePod: "p_default, uid test",
      dial: (port) =>
        new Promise((resolve, reject) => {
          const c = connect({ host: "127.0.0.1", port });
          c.once("connect", () => resolve(c));
          c.once("error", reject);
        }),
    }),
  );
  await endpoint.createRunningPod("default", "p", [podPort]);
  const config = new KubeConfig();
  // The client refuses plain http unless TLS verification is explicitly off.
  config.loadFromOptions({
    clusters: [{ name: "peapod", server: endpoint.url, skipTLSVerify: true }],
    users: [{ name: "peapod" }],
    contexts: [{ name: "peapod", cluster: "peapod", user: "peapod" }],
    currentContext: "peapod",
  });
  return { client: new PortForward(config), podPort, podConnections };
}

/** Without a retry count the helper returns the WebSocket itself, not a reconnecting factory. */
type PortForwardResult = Awaited<ReturnType<PortForward["portForward"]>>;

function connected(ws: PortForwardResult): Exclude<PortForwardResult, (...args: never[]) => unknown> {
  if (typeof ws === "function") throw new Error("expected a WebSocket, got a reconnecting factory");
  return ws;
}

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.setEncoding("utf8").on("data", (d: string) => (text += d));
  return () => text;
}

test("the JavaScript client's PortForward reaches the pod's port over v4 channels and frees it on close", async (t) => {
  const { client, podPort, podConnections } = await javascriptClient(t);
  const output = new PassThrough();
  const errors = new PassThrough();
  const input = new PassThrough();
  const received = collect(output);
  const failures = collect(errors);
  const ws = connected(await client.portForward("default", "p", [podPort], output, errors, input));
  assert.equal(ws.protocol, "v4.channel.k8s.io");
  input.write("ping through the pod");
  await waitFor(() => received() === "ping through the pod", { what: "the echo to come back" });
  const closed = new Promise((resolve) => ws.once("close", resolve));
  input.end();
  await closed;
  await waitFor(() => podConnections.size === 0, { what: "the pod connection to close" });
  assert.equal(failures(), "");
});

test("a port nobody listens on is reported on the error channel in the kubelet's words", async (t) => {
  const { client } = await javascriptClient(t);
  const deadPort = await freePort();
  const output = new PassThrough();
  const errors = new PassThrough();
  const failures = collect(errors);
  const ws = connected(await client.portForward("default", "p", [deadPort], output, errors, new PassThrough()));
  await new Promise((resolve) => ws.once("close", resolve));
  assert.match(failures(), new RegExp(`^error forwarding port ${deadPort} to pod p_default, uid test: connect ECONNREFUSED`));
});
