import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProtobufDecodeError, readPackedVarints, varintToInt32, varintToInt64, WireReader, WireType } from "./wire.js";
import { WireWriter } from "./wire-writer.js";

const reader = (bytes: readonly number[]) => new WireReader(Uint8Array.from(bytes));
const decodeError = (text: string | RegExp) => (e: unknown) =>
  e instanceof ProtobufDecodeError && (typeof text === "string" ? e.message === text : text.test(e.message));

describe("protobuf wire reader", () => {
  it("reads varints of one to ten bytes, up to 2^64-1", () => {
    assert.equal(reader([0x00]).readVarint(), 0n);
    assert.equal(reader([0x96, 0x01]).readVarint(), 150n);
    assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).readVarint(), 0xffffffffn);
    assert.equal(reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).readVarint(), 2n ** 64n - 1n);
    assert.equal(new WireReader(new WireWriter().varint(2n ** 53n + 1n).finish()).readVarint(), 2n ** 53n + 1n);
  });

  it("converts varints the way Go converts them to int32 and int64", () => {
    const minusOne = new WireReader(new WireWriter().varint(-1).finish()).readVarint();
    assert.equal(varintToInt32(minusOne), -1);
    assert.equal(varintToInt64(minusOne), -1);
    assert.equal(varintToInt32(0x1_0000_0005n), 5, "int32 keeps the low 32 bits");
    assert.equal(varintToInt64(new WireReader(new WireWriter().varint(-1700000000000).finish()).readVarint()), -1700000000000);
  });

  it("rejects a varint longer than ten bytes as an integer overflow", () => {
    assert.throws(() => reader(Array(11).fill(0xff).concat([0x01])).readVarint(), decodeError("proto: integer overflow"));
  });

  it("reports a varint cut short as unexpected EOF", () => {
    assert.throws(() => reader([0x96]).readVarint(), decodeError("unexpected EOF"));
    assert.throws(() => reader([]).readTag(), decodeError("unexpected EOF"));
  });

  it("splits a tag into field number and wire type, refusing field 0 and wire types 6 and 7", () => {
    assert.deepEqual(reader([0x0a]).readTag(), { fieldNumber: 1, wireType: WireType.LengthDelimited });
    assert.deepEqual(reader([0x88, 0x01]).readTag(), { fieldNumber: 17, wireType: WireType.Varint });
    assert.throws(() => reader([0x02]).readTag(), decodeError("proto: illegal tag 0 (wire type 2)"));
    assert.throws(() => reader([0x0e]).readTag(), decodeError("proto: illegal tag 1 (wire type 6)"));
    assert.throws(() => reader([0x0f]).readTag(), decodeError("proto: illegal tag 1 (wire type 7)"));
    assert.throws(() => reader([0x0c]).readTag(), decodeError("proto: wiretype end group for non-group"));
    assert.throws(() => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).readTag(), decodeError("proto: integer overflow"));
  });

  it("returns a length-delimited payload without copying and stops at its end", () => {
    const r = reader([0x03, 0x61, 0x62, 0x63, 0x07]);
    assert.deepEqual([...r.readLengthDelimited()], [0x61, 0x62, 0x63]);
    assert.equal(r.readVarint(), 7n);
    assert.equal(r.done, true);
  });

  it("refuses a length prefix beyond the end of the buffer at once, however large", () => {
    assert.throws(() => reader([0x04, 0x61, 0x62, 0x63]).readLengthDelimited(), decodeError("unexpected EOF"));
    const huge = new WireWriter().varint(2n ** 62n).raw([1, 2, 3]).finish();
    assert.throws(() => new WireReader(huge).readLengthDelimited(), decodeError("unexpected EOF"));
    const negative = new WireWriter().varint(2n ** 64n - 1n).finish();
    assert.throws(() => new WireReader(negative).readLengthDelimited(), decodeError("proto: negative length found during unmarshaling"));
  });

  it("never reads past the end it was given inside a larger buffer", () => {
    const buf = Uint8Array.from([0x08, 0x96, 0x01, 0xff]);
    const r = new WireReader(buf, 0, 2);
    r.readTag();
    assert.throws(() => r.readVarint(), decodeError("unexpected EOF"));
  });

  it("skips values of every wire type, including nested groups", () => {
    const bytes = new WireWriter()
      .int(1, 300)
      .tag(2, WireType.Fixed64).raw([1, 2, 3, 4, 5, 6, 7, 8])
      .bytes(3, "skip me")
      .tag(4, WireType.Fixed32).raw([1, 2, 3, 4])
      .tag(5, WireType.StartGroup).int(1, 1).tag(6, WireType.StartGroup).tag(6, WireType.EndGroup).tag(5, WireType.EndGroup)
      .int(9, 42)
      .finish();
    const r = new WireReader(bytes);
    for (let i = 0; i < 5; i++) r.skip(r.readTag().wireType);
    assert.deepEqual(r.readTag(), { fieldNumber: 9, wireType: WireType.Varint });
    assert.equal(r.readVarint(), 42n);
  });

  it("gives up on groups nested deeper than 32 or never closed", () => {
    const deep = new WireWriter();
    for (let i = 0; i < 1000; i++) deep.tag(1, WireType.StartGroup);
    const r = new WireReader(deep.finish());
    assert.throws(() => r.skip(r.readTag().wireType), decodeError("proto: groups nested too deeply"));
    const open = new WireReader(new WireWriter().tag(1, WireType.StartGroup).int(2, 1).finish());
    assert.throws(() => open.skip(open.readTag().wireType), decodeError("unexpected EOF"));
  });

  it("unpacks packed varints", () => {
    const payload = new WireWriter().varint(1).varint(300).varint(-1).finish();
    assert.deepEqual(readPackedVarints(payload).map(varintToInt64), [1, 300, -1]);
    assert.throws(() => readPackedVarints(Uint8Array.from([0x01, 0x80])), decodeError("unexpected EOF"));
  });
});

describe("protobuf wire writer", () => {
  it("writes nested messages of any size with correct lengths, and raw bytes in order", () => {
    const long = "x".repeat(200);
    const bytes = new WireWriter()
      .bytes(1, (a) => a.bytes(2, (b) => b.bytes(3, long).int(4, 300)).raw(Array(70).fill(7)).bytes(5, "é"))
      .int(6, 2n ** 63n)
      .finish();
    const outer = new WireReader(bytes);
    assert.deepEqual(outer.readTag(), { fieldNumber: 1, wireType: WireType.LengthDelimited });
    const a = new WireReader(outer.readLengthDelimited());
    assert.deepEqual(a.readTag(), { fieldNumber: 2, wireType: WireType.LengthDelimited });
    const b = new WireReader(a.readLengthDelimited());
    assert.equal(b.readTag().fieldNumber, 3);
    assert.equal(new TextDecoder().decode(b.readLengthDelimited()), long);
    assert.equal(b.readTag().fieldNumber, 4);
    assert.equal(b.readVarint(), 300n);
    assert.ok(b.done);
    for (let i = 0; i < 70; i++) assert.equal(a.readVarint(), 7n);
    assert.equal(a.readTag().fieldNumber, 5);
    assert.equal(new TextDecoder().decode(a.readLengthDelimited()), "é");
    assert.ok(a.done);
    assert.equal(outer.readTag().fieldNumber, 6);
    assert.equal(outer.readVarint(), 2n ** 63n);
    assert.ok(outer.done);
  });
});
