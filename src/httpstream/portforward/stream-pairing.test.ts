/**
 * Pairing and failure paths of servePortForward, driven frame by frame by a test SPDY peer
 * (the kubectl tests in serve-port-forward.test.ts cover the happy paths end to end).
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { test, type TestContext } from "node:test";
import { waitFor } from "../../../test/harness/wait-for.js";
import { RstStatus, SpdySession } from "../spdy/index.js";
import { socketPair, SpdyTestPeer } from "../spdy/testing/spdy-test-peer.js";
import { servePortForward, type PortForwardOptions } from "./serve-port-forward.js";

async function echoServer(t: TestContext): Promise<{ port: number; open: Set<Socket> }> {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.pipe(s);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => {
    for (const s of open) s.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, open };
}

async function setup(t: TestContext, options: Partial<PortForwardOptions> = {}) {
  const echo = await echoServer(t);
  const { server, client } = await socketPair();
  const session = new SpdySession(server);
  const peer = new SpdyTestPeer(client);
  const errors: string[] = [];
  const dialled: number[] = [];
  const served = servePortForward(session, {
    dial: (port) => {
      dialled.push(port);
      return new Promise<Duplex>((resolve, reject) => {
        const s = connect(echo.port, "127.0.0.1");
        s.once("connect", () => resolve(s));
        s.once("error", reject);
      });
    },
    describePod: "p, uid u",
    onError: (e) => errors.push(e.message),
    ...options,
  });
  t.after(() => {
    session.close();
    peer.close();
  });
  return { session, peer, errors, dialled, served, echo };
}

test("without request ids, the error stream n and data stream n+2 are paired as upstream infers", async (t) => {
  const { peer, dialled } = await setup(t);
  await peer.synStream(1, { streamtype: "error", port: "80" });
  await peer.synStream(3, { streamtype: "data", port: "80" });
  peer.data(3, "ping", true);
  assert.equal((await peer.readStream(3)).toString(), "ping");
  assert.deepEqual(dialled, [80]);
  await peer.next((f) => f.type === "data" && f.streamId === 1 && f.fin);
});

test("pairs are matched by requestid even when connections interleave", async (t) => {
  const { peer, dialled } = await setup(t);
  await peer.synStream(1, { streamtype: "error", port: "80", requestid: "0" });
  await peer.synStream(3, { streamtype: "error", port: "81", requestid: "1" });
  await peer.synStream(5, { streamtype: "data", port: "81", requestid: "1" });
  await peer.synStream(7, { streamtype: "data", port: "80", requestid: "0" });
  peer.data(5, "second", true);
  peer.data(7, "first", true);
  assert.equal((await peer.readStream(5)).toString(), "second");
  assert.equal((await peer.readStream(7)).toString(), "first");
  assert.deepEqual(dialled.sort(), [80, 81]);
});

test("a pair missing its data stream times out with upstream's text on the error stream", async (t) => {
  const { peer, errors } = await setup(t, { pairTimeoutMs: 200 });
  await peer.synStream(1, { streamtype: "error", port: "80", requestid: "0" });
  assert.equal((await peer.readStream(1)).toString(), "(request=0) timed out waiting for streams");
  assert.deepEqual(errors, ["(request=0) timed out waiting for streams"]);
});

test("a stream with a bad port header is refused with RST_STREAM and reported in upstream's words", async (t) => {
  const { peer, errors } = await setup(t);
  await peer.synStream(1, { streamtype: "data", port: "0", requestid: "0" });
  const rst = await peer.next((f) => f.type === "rstStream");
  assert.equal(rst.type === "rstStream" && rst.status, RstStatus.refusedStream);
  assert.deepEqual(errors, [`port-forward stream 1 rejected: port "0" must be > 0`]);
});

test("a second data stream for the same request is refused", async (t) => {
  const { peer, errors } = await setup(t);
  await peer.synStream(1, { streamtype: "data", port: "80", requestid: "0" });
  await peer.synStream(3, { streamtype: "data", port: "80", requestid: "0" });
  await peer.next((f) => f.type === "rstStream" && f.streamId === 3);
  assert.match(errors.join("\n"), /error processing stream for request 0: data stream already assigned/);
});

test("a dial failure is written on the error stream, both streams end, and the session lives on", async (t) => {
  const { peer, session } = await setup(t, { dial: () => Promise.reject(new Error("dial tcp 127.0.0.1:80: connect: connection refused")) });
  await peer.synStream(1, { streamtype: "error", port: "80", requestid: "0" });
  await peer.synStream(3, { streamtype: "data", port: "80", requestid: "0" });
  assert.equal((await peer.readStream(1)).toString(), "error forwarding port 80 to pod p, uid u: dial tcp 127.0.0.1:80: connect: connection refused");
  await peer.next((f) => f.type === "data" && f.streamId === 3 && f.fin);
  assert.equal(session.isClosed, false, "kubectl, not the server, decides to end the session");
});

test("the pod closing its side FINs the data and error streams; kubectl's RST then closes the pod connection", async (t) => {
  const { peer, echo } = await setup(t);
  await peer.synStream(1, { streamtype: "error", port: "80", requestid: "0" });
  await peer.synStream(3, { streamtype: "data", port: "80", requestid: "0" });
  peer.data(3, "x");
  await peer.next((f) => f.type === "data" && f.streamId === 3 && f.data.length > 0);
  assert.equal(echo.open.size, 1);
  peer.send({ type: "rstStream", streamId: 3, status: RstStatus.cancel });
  await waitFor(() => echo.open.size === 0, { what: "the pod connection to close" });
});

test("servePortForward resolves when the session ends, destroying pod connections", async (t) => {
  const { peer, session, served, echo } = await setup(t);
  await peer.synStream(1, { streamtype: "error", port: "80", requestid: "0" });
  await peer.synStream(3, { streamtype: "data", port: "80", requestid: "0" });
  peer.data(3, "x");
  await peer.next((f) => f.type === "data" && f.streamId === 3);
  session.close();
  await served;
  await waitFor(() => echo.open.size === 0, { what: "the pod connection to close" });
});
