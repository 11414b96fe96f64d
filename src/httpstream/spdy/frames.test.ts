/**
 * The frame codec, table-driven: every frame type round-trips, a byte stream cut at every
 * offset reads the same, and malformed input is a SpdyProtocolError (never a crash or a hang).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeFrame, FrameReader, SpdyProtocolError, type Frame } from "./frames.js";

const block = Buffer.from([0x78, 0xbb, 0xe3, 0xc6, 0xa7, 0xc2, 0x01, 0x02]);

const everyFrameType: ReadonlyArray<{ name: string; frame: Frame }> = [
  { name: "DATA", frame: { type: "data", streamId: 1, fin: false, data: Buffer.from("hello") } },
  { name: "DATA with FIN, empty", frame: { type: "data", streamId: 3, fin: true, data: Buffer.alloc(0) } },
  { name: "DATA on the largest stream id", frame: { type: "data", streamId: 0x7fffffff, fin: false, data: Buffer.from([0xff]) } },
  {
    name: "SYN_STREAM",
    frame: { type: "synStream", streamId: 5, associatedStreamId: 0, priority: 7, slot: 0, fin: false, unidirectional: false, headerBlock: block },
  },
  {
    name: "SYN_STREAM with FIN and UNIDIRECTIONAL",
    frame: { type: "synStream", streamId: 7, associatedStreamId: 3, priority: 0, slot: 9, fin: true, unidirectional: true, headerBlock: block },
  },
  { name: "SYN_REPLY", frame: { type: "synReply", streamId: 5, fin: false, headerBlock: block } },
  { name: "SYN_REPLY with FIN", frame: { type: "synReply", streamId: 9, fin: true, headerBlock: block } },
  { name: "RST_STREAM CANCEL", frame: { type: "rstStream", streamId: 5, status: 5 } },
  { name: "SETTINGS", frame: { type: "settings", clearPersisted: false, entries: [{ flags: 1, id: 7, value: 65536 }, { flags: 0, id: 4, value: 0xffffffff }] } },
  { name: "SETTINGS, empty, clearing", frame: { type: "settings", clearPersisted: true, entries: [] } },
  { name: "PING", frame: { type: "ping", id: 0xfffffffe } },
  { name: "GOAWAY", frame: { type: "goAway", lastGoodStreamId: 11, status: 1 } },
  { name: "HEADERS", frame: { type: "headers", streamId: 5, fin: true, headerBlock: block } },
  { name: "WINDOW_UPDATE on the session", frame: { type: "windowUpdate", streamId: 0, delta: 0x7fffffff } },
  { name: "unknown control type 0x55", frame: { type: "unknownControl", controlType: 0x55, flags: 3, payload: Buffer.from("xyz") } },
];

for (const { name, frame } of everyFrameType) {
  test(`${name} round-trips through encodeFrame and FrameReader`, () => {
    const frames = new FrameReader().push(encodeFrame(frame));
    assert.deepEqual(frames, [frame]);
  });
}

test("the control frame header is version 3 with the control bit, as on the wire", () => {
  const wire = encodeFrame({ type: "ping", id: 1 });
  assert.deepEqual([...wire], [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]);
  const data = encodeFrame({ type: "data", streamId: 3, fin: true, data: Buffer.from("a") });
  assert.deepEqual([...data], [0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x01, 0x61]);
});

test("a byte stream split at every offset yields the same frames", () => {
  const wire = Buffer.concat(everyFrameType.map(({ frame }) => encodeFrame(frame)));
  const expected = everyFrameType.map(({ frame }) => frame);
  for (let at = 0; at <= wire.length; at++) {
    const reader = new FrameReader();
    const got = [...reader.push(wire.subarray(0, at)), ...reader.push(wire.subarray(at))];
    assert.deepEqual(got, expected, `split at ${at}`);
    assert.equal(reader.pendingBytes, 0);
  }
  const reader = new FrameReader();
  const oneByOne = [...wire].flatMap((b) => reader.push(Buffer.from([b])));
  assert.deepEqual(oneByOne, expected, "one byte at a time");
});

test("a DATA frame of the largest size is read whole; a larger payload is refused when writing", () => {
  const big = Buffer.alloc(0xffffff, 7);
  const wire = encodeFrame({ type: "data", streamId: 1, fin: false, data: big });
  const reader = new FrameReader();
  const frames = [...reader.push(wire.subarray(0, 1000)), ...reader.push(wire.subarray(1000))];
  assert.equal(frames.length, 1);
  assert.equal((frames[0] as { data: Buffer }).data.length, 0xffffff);
  assert.throws(() => encodeFrame({ type: "data", streamId: 1, fin: false, data: Buffer.alloc(0x1000000) }), RangeError);
});

const controlHeader = (type: number, length: number, version = 3): number[] => [0x80 | (version >> 8), version & 0xff, 0, type, 0, length >> 16, (length >> 8) & 0xff, length & 0xff];

const badFrames: ReadonlyArray<{ name: string; bytes: number[]; error: RegExp }> = [
  { name: "SPDY/2 control frame", bytes: [...controlHeader(6, 4, 2), 0, 0, 0, 1], error: /unsupported SPDY version 2/ },
  { name: "RST_STREAM of 4 bytes", bytes: [...controlHeader(3, 4), 0, 0, 0, 1], error: /want 8/ },
  { name: "PING of 8 bytes", bytes: [...controlHeader(6, 8), 0, 0, 0, 1, 0, 0, 0, 2], error: /want 4/ },
  { name: "SETTINGS whose count overruns", bytes: [...controlHeader(4, 4), 0, 0, 0, 3], error: /want 28/ },
  { name: "SYN_STREAM of 5 bytes", bytes: [...controlHeader(1, 5), 0, 0, 0, 1, 0], error: /want at least 10/ },
  { name: "SYN_STREAM on stream 0", bytes: [...controlHeader(1, 10), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], error: /on stream 0/ },
  { name: "DATA on stream 0", bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0x61], error: /DATA frame on stream 0/ },
  // Rejected from the header alone: nothing of the 2 MiB is buffered first.
  { name: "oversized control frame", bytes: controlHeader(8, 2 << 20), error: /exceeds/ },
  { name: "HTTP text instead of SPDY", bytes: [...Buffer.from("GET / HTTP/1.1\r\n\r\n")], error: /DATA frame with unknown flags 0x2f/ },
];

for (const { name, bytes, error } of badFrames) {
  test(`a ${name} is a protocol error, and the reader stays failed`, () => {
    const reader = new FrameReader();
    assert.throws(() => reader.push(Buffer.from(bytes)), (e: unknown) => e instanceof SpdyProtocolError && error.test(e.message));
    assert.throws(() => reader.push(encodeFrame({ type: "ping", id: 1 })), SpdyProtocolError);
  });
}

test("frames before a bad one are not lost: the reader throws only when it reaches it", () => {
  const reader = new FrameReader();
  const good = encodeFrame({ type: "ping", id: 1 });
  assert.deepEqual(reader.push(good), [{ type: "ping", id: 1 }]);
  assert.throws(() => reader.push(Buffer.from(controlHeader(3, 4).concat([0, 0, 0, 1]))), SpdyProtocolError);
});
