/**
 * The WebSocket handshake for the Kubernetes subprotocols, from a raw HTTP client so the
 * request can carry what kubectl sends and `ws`'s own client refuses to (a `/` in a
 * subprotocol name).
 */
import assert from "node:assert/strict";
import { request, type IncomingMessage } from "node:http";
import { test } from "node:test";
import { acceptWebSocket } from "./accept-websocket.js";
import { startUpgradeTestServer } from "../testing/upgrade-test-server.js";
import { portForwardTunnelProtocol } from "./subprotocols.js";

type Reply = { kind: "upgrade"; headers: IncomingMessage["headers"] } | { kind: "response"; status: number; body: string };

function handshake(port: number, method: string, protocol: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      method,
      path: "/api/v1/namespaces/default/pods/p/portforward",
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        ...(protocol === undefined ? {} : { "Sec-WebSocket-Protocol": protocol }),
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ kind: "upgrade", headers: res.headers });
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ kind: "response", status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("kubectl's port-forward subprotocol, with its '/', is negotiated and answered verbatim", async (t) => {
  const accepted: string[] = [];
  const server = await startUpgradeTestServer(t, (req, socket, head) => {
    void acceptWebSocket(req, socket, head, [portForwardTunnelProtocol]).then((a) => {
      if (a) {
        accepted.push(a.protocol);
        a.websocket.terminate();
      }
    });
  });
  const reply = await handshake(server.port, "GET", portForwardTunnelProtocol);
  assert.equal(reply.kind, "upgrade");
  assert.equal(reply.kind === "upgrade" && reply.headers["sec-websocket-protocol"], "SPDY/3.1+portforward.k8s.io");
  assert.deepEqual(accepted, ["SPDY/3.1+portforward.k8s.io"]);
});

test("the first protocol the client offers that the server serves wins", async (t) => {
  const server = await startUpgradeTestServer(t, (req, socket, head) => {
    void acceptWebSocket(req, socket, head, ["v4.channel.k8s.io", "v5.channel.k8s.io"]).then((a) => a?.websocket.terminate());
  });
  const reply = await handshake(server.port, "GET", "v5.channel.k8s.io, v4.channel.k8s.io");
  assert.equal(reply.kind === "upgrade" && reply.headers["sec-websocket-protocol"], "v5.channel.k8s.io");
});

const refusals = [
  {
    name: "an unserved subprotocol",
    method: "GET",
    protocol: "v3.channel.k8s.io",
    status: 400,
    message: "requested protocol(s) are not supported: [v3.channel.k8s.io]; supports [v5.channel.k8s.io]",
  },
  { name: "no subprotocol at all", method: "GET", protocol: undefined, status: 400, message: "requested protocol(s) are not supported: []; supports [v5.channel.k8s.io]" },
  { name: "a POST", method: "POST", protocol: "v5.channel.k8s.io", status: 405, message: "unable to upgrade: Invalid HTTP method" },
];

for (const c of refusals) {
  test(`${c.name} is refused with a Status body (kubectl then falls back to SPDY)`, async (t) => {
    let settled: unknown = "pending";
    const server = await startUpgradeTestServer(t, (req, socket, head) => {
      void acceptWebSocket(req, socket, head, ["v5.channel.k8s.io"]).then((a) => (settled = a));
    });
    const reply = await handshake(server.port, c.method, c.protocol);
    assert.equal(reply.kind, "response");
    if (reply.kind !== "response") return;
    assert.equal(reply.status, c.status);
    const status = JSON.parse(reply.body);
    assert.equal(status.kind, "Status");
    assert.equal(status.code, c.status);
    assert.equal(status.message, c.message);
    assert.equal(settled, undefined);
  });
}
