/** The port-forward tunnel: a byte stream in binary messages whose boundaries mean nothing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "node:net";
import { WebSocket } from "ws";
import { startUpgradeTestServer } from "../testing/upgrade-test-server.js";
import { acceptWebSocket } from "./accept-websocket.js";
import { WebSocketTunnel } from "./websocket-tunnel.js";

/** Tunnels under a token subprotocol, since the `ws` client refuses kubectl's real one. */
const protocol = "tunnel.test";

async function tunnelPair(t: { after(fn: () => Promise<void>): void }): Promise<{ tunnel: Promise<WebSocketTunnel>; client: WebSocket }> {
  let handOver: (tunnel: WebSocketTunnel) => void = () => {};
  const tunnel = new Promise<WebSocketTunnel>((resolve) => (handOver = resolve));
  const server = await startUpgradeTestServer(t, (req, socket, head) => {
    void acceptWebSocket(req, socket, head, [protocol]).then((a) => a && handOver(new WebSocketTunnel(a.websocket)));
  });
  const client = new WebSocket(server.wsUrl, [protocol]);
  t.after(async () => client.terminate());
  await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
  return { tunnel, client };
}

test("bytes split across messages arrive as one stream, and the client's close ends it", async (t) => {
  const { tunnel, client } = await tunnelPair(t);
  const server = await tunnel;
  const received: Buffer[] = [];
  server.on("data", (d: Buffer) => received.push(d));
  const ended = new Promise((resolve) => server.once("end", resolve));
  for (const piece of ["SP", "DY frame ", "", "boundaries", " are not message boundaries"]) client.send(Buffer.from(piece));
  client.close(1000);
  await ended;
  assert.equal(Buffer.concat(received).toString(), "SPDY frame boundaries are not message boundaries");
});

test("what the server writes reaches the client as binary messages, and ending closes with 1000", async (t) => {
  const { tunnel, client } = await tunnelPair(t);
  const server = await tunnel;
  const received: Buffer[] = [];
  let allBinary = true;
  client.on("message", (d, isBinary) => {
    allBinary &&= isBinary;
    received.push(d as Buffer);
  });
  const closed = new Promise<number>((resolve) => client.once("close", resolve));
  server.write(Buffer.from("one "));
  server.end(Buffer.from("two"));
  assert.equal(await closed, 1000);
  assert.ok(allBinary);
  assert.equal(Buffer.concat(received).toString(), "one two");
});

test("a text message breaks the tunnel: the server side errors and the client gets 1003", async (t) => {
  const { tunnel, client } = await tunnelPair(t);
  const server = await tunnel;
  const failed = new Promise<Error>((resolve) => server.once("error", resolve));
  const closed = new Promise<number>((resolve) => client.once("close", resolve));
  client.send("not binary");
  assert.match((await failed).message, /binary messages only/);
  assert.equal(await closed, 1003);
});

test("destroyed after end() while the peer ignores the close handshake: the connection goes at once", async (t) => {
  let handOver: (tunnel: WebSocketTunnel) => void = () => {};
  const tunnel = new Promise<WebSocketTunnel>((resolve) => (handOver = resolve));
  const server = await startUpgradeTestServer(t, (req, socket, head) => {
    void acceptWebSocket(req, socket, head, [protocol]).then((a) => a && handOver(new WebSocketTunnel(a.websocket)));
  });
  // A raw client: it completes the handshake and then never answers a close frame.
  const raw = connect(server.port, "127.0.0.1");
  t.after(async () => void raw.destroy());
  raw.write(["GET / HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", `Sec-WebSocket-Protocol: ${protocol}`, "", ""].join("\r\n"));
  let received = Buffer.alloc(0);
  raw.on("data", (d: Buffer) => (received = Buffer.concat([received, d])));
  raw.on("error", () => undefined);
  const rawClosed = new Promise<void>((resolve) => raw.once("close", () => resolve()));
  const side = await tunnel;
  side.end();
  // The close frame (0x88) goes out; the peer stays silent.
  while (!received.includes(Buffer.from([0x88]))) await new Promise((r) => setTimeout(r, 10));
  const t0 = Date.now();
  side.destroy();
  await rawClosed;
  while (server.openSockets() > 0 && Date.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 10));
  assert.ok(Date.now() - t0 < 1000, `closed ${Date.now() - t0} ms after destroy()`);
  assert.equal(server.openSockets(), 0);
});
