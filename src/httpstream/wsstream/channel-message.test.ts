/** The channel message codec, case by case (spec §7.2). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeChannelMessage, encodeChannelMessage, encodeStreamClose, type ChannelMessage } from "./channel-message.js";

const decodeCases: Array<{ name: string; bytes: number[]; v5: boolean; want: ChannelMessage }> = [
  { name: "stdin data", bytes: [0, 104, 105], v5: true, want: { kind: "data", channel: 0, payload: Buffer.from("hi") } },
  { name: "resize json", bytes: [4, 123, 125], v5: true, want: { kind: "data", channel: 4, payload: Buffer.from("{}") } },
  { name: "channel byte alone is an empty payload", bytes: [1], v5: true, want: { kind: "data", channel: 1, payload: Buffer.alloc(0) } },
  { name: "no bytes at all", bytes: [], v5: true, want: { kind: "empty" } },
  { name: "v5 stdin close", bytes: [0xff, 0], v5: true, want: { kind: "close", channel: 0 } },
  { name: "v5 close of another channel", bytes: [0xff, 4], v5: true, want: { kind: "close", channel: 4 } },
  { name: "v5 close without channel", bytes: [0xff], v5: true, want: { kind: "invalid", reason: "a stream close message carries exactly one channel byte, got 0" } },
  { name: "v5 close with two channels", bytes: [0xff, 0, 1], v5: true, want: { kind: "invalid", reason: "a stream close message carries exactly one channel byte, got 2" } },
  { name: "v4 has no close: 0xFF is channel 255", bytes: [0xff, 0], v5: false, want: { kind: "data", channel: 255, payload: Buffer.from([0]) } },
];

for (const c of decodeCases) {
  test(`decodeChannelMessage: ${c.name}`, () => {
    assert.deepEqual(decodeChannelMessage(Buffer.from(c.bytes), c.v5), c.want);
  });
}

const encodeCases: Array<{ name: string; got: Buffer; want: number[] }> = [
  { name: "stdout payload", got: encodeChannelMessage(1, Buffer.from("ok")), want: [1, 111, 107] },
  { name: "upstream's initial empty frame", got: encodeChannelMessage(1), want: [1] },
  { name: "status on the error channel", got: encodeChannelMessage(3, Buffer.from("{}")), want: [3, 123, 125] },
  { name: "stream close", got: encodeStreamClose(0), want: [0xff, 0] },
];

for (const c of encodeCases) {
  test(`encode: ${c.name}`, () => {
    assert.deepEqual([...c.got], c.want);
  });
}
