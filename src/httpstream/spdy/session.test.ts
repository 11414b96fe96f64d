/**
 * SpdySession against a test peer over loopback TCP: stream lifecycle, ordering behind header
 * inflation, PING, resets, protocol errors ending the session cleanly, and back-pressure.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import type { Socket } from "node:net";
import { test, type TestContext } from "node:test";
import { waitFor } from "../../../test/harness/wait-for.js";
import { Duplex } from "node:stream";
import { encodeFrame, FrameReader, RstStatus, SpdyProtocolError, type Frame } from "./frames.js";
import { HeaderCompressor } from "./header-block.js";
import { SpdySession, type SpdySessionOptions, type SpdyStream } from "./session.js";
import { socketPair, SpdyTestPeer } from "./testing/spdy-test-peer.js";

interface Setup {
  readonly session: SpdySession;
  readonly peer: SpdyTestPeer;
  readonly server: Socket;
  readonly streams: SpdyStream[];
  readonly errors: Error[];
  nextStream(): Promise<SpdyStream>;
}

async function setup(t: TestContext, options: SpdySessionOptions = {}): Promise<Setup> {
  const { server, client } = await socketPair();
  const errors: Error[] = [];
  const session = new SpdySession(server, { onError: (e) => errors.push(e), ...options });
  const peer = new SpdyTestPeer(client);
  const streams: SpdyStream[] = [];
  session.on("stream", (s: SpdyStream) => streams.push(s));
  t.after(() => {
    session.close();
    peer.close();
    server.destroy();
  });
  let taken = 0;
  return {
    session,
    peer,
    server,
    streams,
    errors,
    nextStream: async () => {
      await waitFor(() => streams.length > taken, { what: `stream #${taken + 1}` });
      return streams[taken++]!;
    },
  };
}

/** Reads to the peer's FIN. Not `for await`: the async iterator destroys the stream at the end. */
function readAll(s: SpdyStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on("data", (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    s.once("end", () => resolve(Buffer.concat(chunks)));
    s.once("error", reject);
  });
}

test("a SYN_STREAM is answered with SYN_REPLY and handed out with its headers", async (t) => {
  const { peer, nextStream } = await setup(t);
  await peer.synStream(1, { streamtype: "error", port: "80", requestid: "0" });
  const s = await nextStream();
  assert.equal(s.id, 1);
  assert.deepEqual(Object.fromEntries(s.headers), { streamtype: "error", port: "80", requestid: "0" });
  const reply = await peer.next((f) => f.type === "synReply");
  assert.equal(reply.type === "synReply" && reply.streamId, 1);
  assert.equal(reply.headers?.size, 0, "an empty header block, inflatable by the peer's context");
});

test("bytes flow both ways, FIN ends the readable side, end() sends FIN, and the stream is forgotten", async (t) => {
  const { session, peer, nextStream } = await setup(t);
  await peer.synStream(1, { streamtype: "data" });
  const s = await nextStream();
  peer.data(1, "hello ");
  peer.data(1, "world", true);
  assert.equal((await readAll(s)).toString(), "hello world");
  s.end("bye");
  assert.equal((await peer.readStream(1)).toString(), "bye");
  await waitFor(() => session.streamCount === 0, { what: "the closed stream to be forgotten" });
  assert.equal(peer.frames.filter((f) => f.type === "rstStream").length, 0, "a cleanly closed stream is not reset");
});

test("DATA sent right behind its SYN_STREAM waits for the header block to be inflated", async (t) => {
  const { peer, nextStream } = await setup(t);
  const syn = await peer.synStreamFrame(1, { streamtype: "data" });
  const rest = Buffer.concat([encodeFrame({ type: "data", streamId: 1, fin: false, data: Buffer.from("a") }), encodeFrame({ type: "data", streamId: 1, fin: true, data: Buffer.from("b") })]);
  peer.socket.write(Buffer.concat([syn, rest]));
  assert.equal((await readAll(await nextStream())).toString(), "ab");
});

test("a write larger than a frame is split into DATA frames of at most maxDataFrame bytes", async (t) => {
  const { peer, nextStream } = await setup(t, { maxDataFrame: 32 * 1024 });
  await peer.synStream(1, { streamtype: "data" });
  const s = await nextStream();
  const payload = randomBytes(5 * 1024 * 1024 + 3);
  s.end(payload);
  const got = await peer.readStream(1, 20_000);
  assert.equal(createHash("sha256").update(got).digest("hex"), createHash("sha256").update(payload).digest("hex"));
  const sizes = peer.frames.flatMap((f) => (f.type === "data" ? [f.data.length] : []));
  assert.ok(Math.max(...sizes) <= 32 * 1024, `largest DATA frame ${Math.max(...sizes)}`);
});

test("PINGs from the client are echoed unchanged; even ids are not", async (t) => {
  const { peer } = await setup(t);
  peer.send({ type: "ping", id: 2 });
  peer.send({ type: "ping", id: 7 });
  const pong = await peer.next((f) => f.type === "ping");
  assert.deepEqual(pong, { type: "ping", id: 7 });
  assert.equal(peer.frames.filter((f) => f.type === "ping").length, 1);
});

test("SETTINGS, WINDOW_UPDATE and unknown control frames are ignored", async (t) => {
  const { session, peer, nextStream } = await setup(t);
  peer.send({ type: "settings", clearPersisted: false, entries: [{ flags: 0, id: 7, value: 1 }] });
  peer.send({ type: "windowUpdate", streamId: 0, delta: 1000 });
  peer.send({ type: "unknownControl", controlType: 42, flags: 0, payload: Buffer.from("?") });
  await peer.synStream(1, {});
  await nextStream();
  assert.equal(session.isClosed, false);
});

test("destroy() sends RST_STREAM CANCEL, reset(status) sends that status", async (t) => {
  const { peer, nextStream } = await setup(t);
  await peer.synStream(1, {});
  await peer.synStream(3, {});
  const a = await nextStream();
  const b = await nextStream();
  a.destroy();
  b.reset(RstStatus.refusedStream);
  const ra = await peer.next((f) => f.type === "rstStream" && f.streamId === 1);
  const rb = await peer.next((f) => f.type === "rstStream" && f.streamId === 3);
  assert.equal(ra.type === "rstStream" && ra.status, RstStatus.cancel);
  assert.equal(rb.type === "rstStream" && rb.status, RstStatus.refusedStream);
});

test("a RST_STREAM from the peer destroys the stream without resetting it back", async (t) => {
  const { session, peer, nextStream } = await setup(t);
  await peer.synStream(1, {});
  const s = await nextStream();
  const closed = once(s, "close");
  peer.send({ type: "rstStream", streamId: 1, status: RstStatus.cancel });
  await closed;
  assert.equal(session.streamCount, 0);
  peer.data(1, "late data is dropped");
  peer.send({ type: "ping", id: 1 });
  await peer.next((f) => f.type === "ping");
  assert.equal(peer.frames.filter((f) => f.type === "rstStream").length, 0);
});

const garbage: ReadonlyArray<{ name: string; bytes: () => Promise<Buffer> | Buffer }> = [
  { name: "an HTTP request", bytes: () => Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n") },
  { name: "a SPDY/2 frame", bytes: () => Buffer.from([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]) },
  { name: "an oversized control frame", bytes: () => Buffer.from([0x80, 0x03, 0x00, 0x08, 0, 0x7f, 0xff, 0xff]) },
  {
    name: "a header block that does not inflate",
    bytes: () => encodeFrame({ type: "synStream", streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: Buffer.from("junk") }),
  },
];

for (const { name, bytes } of garbage) {
  test(`${name} ends the session cleanly: GOAWAY PROTOCOL_ERROR, streams destroyed, transport closed`, async (t) => {
    const { session, peer, server, nextStream, errors } = await setup(t);
    await peer.synStream(1, {});
    const open = await nextStream();
    const closed = once(session, "close");
    peer.socket.write(await bytes());
    await closed;
    assert.ok(errors[0] instanceof SpdyProtocolError, String(errors[0]));
    const goAway = await peer.next((f) => f.type === "goAway");
    assert.deepEqual(goAway, { type: "goAway", lastGoodStreamId: 1, status: 1 });
    assert.ok(open.destroyed);
    await waitFor(() => peer.ended, { what: "the transport to end" });
    server.destroy();
  });
}

test("stream ids must increase: a reused id is a session error", async (t) => {
  const { session, peer, nextStream, errors } = await setup(t);
  await peer.synStream(3, {});
  await nextStream();
  await peer.synStream(1, {});
  await waitFor(() => session.isClosed, { what: "the session to close" });
  assert.match(String(errors[0]), /stream id 1 after 3/);
});

test("close() sends GOAWAY OK and ends the transport; a GOAWAY from the peer closes an idle session", async (t) => {
  const a = await setup(t);
  a.session.close();
  assert.deepEqual(await a.peer.next((f) => f.type === "goAway"), { type: "goAway", lastGoodStreamId: 0, status: 0 });
  await waitFor(() => a.peer.ended, { what: "the transport to end" });

  const b = await setup(t);
  await b.peer.synStream(1, {});
  const s = await b.nextStream();
  b.peer.send({ type: "goAway", lastGoodStreamId: 0, status: 0 });
  b.peer.send({ type: "ping", id: 1 });
  await b.peer.next((f) => f.type === "ping");
  assert.equal(b.session.isClosed, false, "open streams finish first");
  await b.peer.synStream(3, {});
  await b.peer.next((f) => f.type === "rstStream" && f.streamId === 3 && f.status === RstStatus.refusedStream);
  s.destroy();
  await waitFor(() => b.session.isClosed, { what: "the session to close after its last stream" });
});

test("the peer closing the transport closes the session and destroys its streams", async (t) => {
  const { session, peer, nextStream } = await setup(t);
  await peer.synStream(1, {});
  const s = await nextStream();
  peer.socket.end();
  await once(session, "close");
  assert.ok(s.destroyed);
});

test("a stream nobody reads pauses the transport; reading resumes it and loses nothing", async (t) => {
  const { peer, server, nextStream } = await setup(t, { streamReadHighWaterMark: 64 * 1024 });
  await peer.synStream(1, {});
  await peer.synStream(3, {});
  const slow = await nextStream();
  const other = await nextStream();
  const payload = randomBytes(8 * 1024 * 1024);
  for (let at = 0; at < payload.length; at += 60_000) peer.data(1, payload.subarray(at, at + 60_000), at + 60_000 >= payload.length);
  await waitFor(() => server.isPaused(), { what: "the transport to pause" });
  t.diagnostic(`paused with ${slow.readableLength} bytes buffered in the stream`);
  assert.ok(slow.readableLength < 1024 * 1024, "the stream's buffer stays bounded");
  // Head-of-line blocking is the documented price: the other stream waits too.
  peer.data(3, "behind", true);
  const got = await readAll(slow);
  assert.equal(createHash("sha256").update(got).digest("hex"), createHash("sha256").update(payload).digest("hex"));
  assert.equal((await readAll(other)).toString(), "behind");
});

test("frames trickling in one byte at a time (a WebSocket tunnel may cut anywhere) are reassembled", async (t) => {
  const { peer, nextStream } = await setup(t);
  const wire = Buffer.concat([
    await peer.synStreamFrame(1, { streamtype: "data", port: "80", requestid: "0" }),
    encodeFrame({ type: "data", streamId: 1, fin: true, data: Buffer.from("split anywhere") }),
    encodeFrame({ type: "ping", id: 9 }),
  ]);
  peer.socket.setNoDelay(true);
  for (const byte of wire) {
    peer.socket.write(Buffer.from([byte]));
    await new Promise((r) => setImmediate(r));
  }
  const s = await nextStream();
  assert.equal(s.headers.get("requestid"), "0");
  assert.equal((await readAll(s)).toString(), "split anywhere");
  await peer.next((f) => f.type === "ping");
});

/** Two in-memory Duplexes wired to each other: a transport that is not a socket. */
function duplexPair(): [Duplex, Duplex] {
  const make = (): Duplex & { other?: Duplex } => {
    const d: Duplex & { other?: Duplex } = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        d.other!.push(chunk);
        done();
      },
      final(done) {
        d.other!.push(null);
        done();
      },
    });
    return d;
  };
  const a = make();
  const b = make();
  a.other = b;
  b.other = a;
  return [a, b];
}

test("the session runs over any Duplex, not only sockets", async () => {
  const [serverSide, clientSide] = duplexPair();
  const session = new SpdySession(serverSide);
  const streams: SpdyStream[] = [];
  session.on("stream", (s: SpdyStream) => streams.push(s));
  const reader = new FrameReader();
  const received: Frame[] = [];
  clientSide.on("data", (c: Buffer) => received.push(...reader.push(c)));
  const deflater = new HeaderCompressor();
  const headerBlock = await deflater.compress(new Map([["streamtype", "data"]]));
  deflater.close();
  clientSide.write(encodeFrame({ type: "synStream", streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock }));
  clientSide.write(encodeFrame({ type: "data", streamId: 1, fin: true, data: Buffer.from("in memory") }));
  await waitFor(() => streams.length === 1, { what: "the stream" });
  assert.equal((await readAll(streams[0]!)).toString(), "in memory");
  streams[0]!.end("reply");
  await waitFor(() => received.some((f) => f.type === "data" && f.fin), { what: "the reply's FIN" });
  assert.equal(Buffer.concat(received.flatMap((f) => (f.type === "data" ? [f.data] : []))).toString(), "reply");
  const closed = once(session, "close");
  clientSide.end();
  await closed;
  await waitFor(() => received.some((f) => f.type === "goAway"), { what: "GOAWAY" });
  assert.deepEqual(received.at(-1), { type: "goAway", lastGoodStreamId: 1, status: 0 });
});
