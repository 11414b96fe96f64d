/**
 * The plain SPDY upgrade: sub-protocol negotiation as apimachinery's Handshake does it, the 101
 * answer, Status bodies for refusals, and SPDY bytes that arrive with the request itself.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { test, type TestContext } from "node:test";
import { waitFor } from "../../../test/harness/wait-for.js";
import type { SpdyStream } from "./session.js";
import { encodeFrame } from "./frames.js";
import { HeaderCompressor } from "./header-block.js";
import { acceptSpdyUpgrade, negotiateStreamProtocol, type AcceptedSpdyUpgrade } from "./upgrade.js";

const negotiations: ReadonlyArray<{ name: string; offered: string | undefined; server: string[]; want: string | RegExp }> = [
  { name: "kubectl's port-forward offer", offered: "portforward.k8s.io", server: ["portforward.k8s.io"], want: "portforward.k8s.io" },
  {
    name: "kubectl's exec offers, joined by Node; the kubelet's list has no v5",
    offered: "v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io",
    server: ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"],
    want: "v4.channel.k8s.io",
  },
  { name: "no offer (clients before negotiation)", offered: undefined, server: ["portforward.k8s.io"], want: "" },
  {
    name: "nothing in common",
    offered: "v9.example",
    server: ["portforward.k8s.io"],
    want: /^unable to upgrade: unable to negotiate protocol: client supports \[v9\.example\], server accepts \[portforward\.k8s\.io\]$/,
  },
];

for (const { name, offered, server, want } of negotiations) {
  test(`negotiating ${name}`, () => {
    const req = { headers: offered === undefined ? {} : { "x-stream-protocol-version": offered } } as unknown as IncomingMessage;
    const got = negotiateStreamProtocol(req, server);
    if (typeof want === "string") assert.deepEqual(got, { protocol: want });
    else assert.match("error" in got ? got.error : "(negotiated)", want);
  });
}

/** An HTTP server whose upgrade event runs acceptSpdyUpgrade; returns what each upgrade produced. */
async function upgradeServer(t: TestContext, protocols: string[]): Promise<{ port: number; results: Array<AcceptedSpdyUpgrade | undefined> }> {
  const results: Array<AcceptedSpdyUpgrade | undefined> = [];
  const server = createServer();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => results.push(acceptSpdyUpgrade(req, socket, head, protocols)));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => {
    for (const r of results) r?.session.close();
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, results };
}

/** Sends a raw request (plus optional bytes right behind it) and returns the socket and the response head. */
async function rawRequest(port: number, headers: string[], after: Buffer = Buffer.alloc(0)): Promise<{ socket: Socket; head: string; rest: Buffer }> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(Buffer.concat([Buffer.from(["POST /api/v1/namespaces/default/pods/p/portforward HTTP/1.1", "Host: x", ...headers, "", ""].join("\r\n")), after]));
  let got = Buffer.alloc(0);
  for (;;) {
    const [chunk] = (await once(socket, "data")) as [Buffer];
    got = Buffer.concat([got, chunk]);
    const end = got.indexOf("\r\n\r\n");
    if (end >= 0) return { socket, head: got.subarray(0, end).toString(), rest: got.subarray(end + 4) };
  }
}

test("an upgrade is answered 101 with SPDY/3.1 and the negotiated protocol, and frames sent with the request are not lost", async (t) => {
  const { port, results } = await upgradeServer(t, ["portforward.k8s.io"]);
  // The client's first SYN_STREAM rides in the same packet as its request: Node hands it over as `head`.
  const deflater = new HeaderCompressor();
  const headerBlock = await deflater.compress(new Map([["streamtype", "error"], ["port", "80"], ["requestid", "0"]]));
  deflater.close();
  const syn = encodeFrame({ type: "synStream", streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock });
  const { socket, head } = await rawRequest(port, ["Connection: Upgrade", "Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: portforward.k8s.io"], syn);
  t.after(() => socket.destroy());
  assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(head, /\r\nUpgrade: SPDY\/3\.1(\r\n|$)/);
  assert.match(head, /\r\nX-Stream-Protocol-Version: portforward\.k8s\.io(\r\n|$)/);
  await waitFor(() => results.length === 1, { what: "the upgrade" });
  const accepted = results[0]!;
  assert.equal(accepted.protocol, "portforward.k8s.io");
  const stream = await new Promise<SpdyStream>((resolve) => accepted.session.once("stream", resolve));
  assert.equal(stream.headers.get("streamtype"), "error");
});

test("an offer the server does not speak gets 403 with a Status body", async (t) => {
  const { port, results } = await upgradeServer(t, ["portforward.k8s.io"]);
  const { socket, head, rest } = await rawRequest(port, ["Connection: Upgrade", "Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: v4.channel.k8s.io"]);
  t.after(() => socket.destroy());
  assert.match(head, /^HTTP\/1\.1 403 /);
  await waitFor(() => results.length === 1, { what: "the upgrade" });
  assert.equal(results[0], undefined);
  let body = rest;
  if (!body.length) body = ((await once(socket, "data")) as [Buffer])[0];
  const status = JSON.parse(body.toString());
  assert.equal(status.kind, "Status");
  assert.equal(status.code, 403);
  assert.match(status.message, /unable to negotiate protocol/);
});

test("a request upgrading to something else gets 400 with a Status body", async (t) => {
  const { port, results } = await upgradeServer(t, ["portforward.k8s.io"]);
  const { socket, head } = await rawRequest(port, ["Connection: Upgrade", "Upgrade: h2c"]);
  t.after(() => socket.destroy());
  assert.match(head, /^HTTP\/1\.1 400 /);
  await waitFor(() => results.length === 1, { what: "the upgrade" });
  assert.equal(results[0], undefined);
});
