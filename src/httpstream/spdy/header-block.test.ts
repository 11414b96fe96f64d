/**
 * Header blocks: the name/value layout (table-driven, with its malformed cases) and the
 * per-direction zlib contexts primed with the SPDY/3 dictionary.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { constants, createInflate, inflateSync } from "node:zlib";
import { spdy3HeaderDictionary } from "./dictionary.js";
import { SpdyProtocolError } from "./frames.js";
import { decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor } from "./header-block.js";

const blocks: ReadonlyArray<{ name: string; headers: Record<string, string>; wire: number[] }> = [
  { name: "no headers", headers: {}, wire: [0, 0, 0, 0] },
  { name: "one pair", headers: { port: "80" }, wire: [0, 0, 0, 1, 0, 0, 0, 4, ...Buffer.from("port"), 0, 0, 0, 2, ...Buffer.from("80")] },
  {
    name: "kubectl's port-forward data stream",
    headers: { streamtype: "data", port: "8080", requestid: "0" },
    wire: [...encodeHeaderBlock(new Map(Object.entries({ streamtype: "data", port: "8080", requestid: "0" })))],
  },
  { name: "an empty value and a NUL-joined value", headers: { a: "", b: "x\0y" }, wire: [0, 0, 0, 2, 0, 0, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 1, 0x62, 0, 0, 0, 3, 0x78, 0, 0x79] },
];

for (const { name, headers, wire } of blocks) {
  test(`header block (${name}) encodes to its wire bytes and back`, () => {
    const encoded = encodeHeaderBlock(new Map(Object.entries(headers)));
    assert.deepEqual([...encoded], wire);
    assert.deepEqual(Object.fromEntries(decodeHeaderBlock(Buffer.from(wire))), headers);
  });
}

test("header names are lowercased on the way out and on the way in", () => {
  const encoded = encodeHeaderBlock(new Map([["StreamType", "error"]]));
  assert.equal(decodeHeaderBlock(encoded).get("streamtype"), "error");
  const upper = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 4]), Buffer.from("PORT"), Buffer.from([0, 0, 0, 1]), Buffer.from("1")]);
  assert.equal(decodeHeaderBlock(upper).get("port"), "1");
});

const badBlocks: ReadonlyArray<{ name: string; bytes: number[]; error: RegExp }> = [
  { name: "shorter than its count", bytes: [0, 0], error: /shorter/ },
  { name: "truncated name", bytes: [0, 0, 0, 1, 0, 0, 0, 9, 0x61], error: /overruns/ },
  { name: "missing value length", bytes: [0, 0, 0, 1, 0, 0, 0, 1, 0x61], error: /truncated/ },
  { name: "repeated name", bytes: [0, 0, 0, 2, 0, 0, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 0, 0], error: /repeats/ },
  { name: "empty name", bytes: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], error: /empty name/ },
  { name: "trailing bytes", bytes: [0, 0, 0, 0, 1], error: /trailing/ },
];

for (const { name, bytes, error } of badBlocks) {
  test(`a header block with ${name} is a protocol error`, () => {
    assert.throws(() => decodeHeaderBlock(Buffer.from(bytes)), (e: unknown) => e instanceof SpdyProtocolError && error.test(e.message));
  });
}

test("compressed blocks name the SPDY/3 dictionary in their zlib header and inflate with it", async () => {
  const c = new HeaderCompressor();
  const first = await c.compress(new Map([["streamtype", "error"], ["port", "80"], ["requestid", "0"]]));
  // RFC 1950: CMF, FLG with FDICT (0x20), then the DICTID.
  assert.equal(first[0]! & 0x0f, 8, "deflate");
  assert.ok((first[1]! & 0x20) !== 0, "FDICT is set");
  assert.equal(first.readUInt32BE(2), 0xe3c6a7c2);
  const inflated = inflateSync(first, { dictionary: spdy3HeaderDictionary, finishFlush: constants.Z_SYNC_FLUSH });
  assert.deepEqual(Object.fromEntries(decodeHeaderBlock(inflated)), { streamtype: "error", port: "80", requestid: "0" });
  c.close();
});

test("one context per direction: later blocks build on earlier ones and inflate only in order", async () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const sets = Array.from({ length: 20 }, (_, i) => new Map([["streamtype", i % 2 ? "data" : "error"], ["port", "8080"], ["requestid", String(i >> 1)]]));
  const compressed: Buffer[] = [];
  for (const h of sets) compressed.push(await c.compress(h));
  assert.ok(compressed[1]!.length < compressed[0]!.length, `the second block (${compressed[1]!.length} B) reuses the first (${compressed[0]!.length} B)`);
  // The second block alone does not stand on its own: a fresh inflater cannot read it.
  const fresh = createInflate({ dictionary: spdy3HeaderDictionary });
  const failed = await new Promise<boolean>((resolve) => {
    fresh.once("error", () => resolve(true));
    fresh.write(compressed[1]!);
    fresh.flush(constants.Z_SYNC_FLUSH, () => resolve(false));
  });
  assert.ok(failed, "a block out of its context does not inflate");
  // All at once, without awaiting in between: the decompressor keeps them in order.
  const decoded = await Promise.all(compressed.map((b) => d.decompress(b)));
  assert.deepEqual(decoded, sets);
  c.close();
  d.close();
});

test("a large header block (over zlib's 16 KiB chunk) survives a round trip", async () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const headers = new Map([["big", randomBytes(150_000).toString("base64")], ["port", "80"]]);
  assert.deepEqual(await d.decompress(await c.compress(headers)), headers);
  c.close();
  d.close();
});

test("a block that is not zlib, or inflates past the limit, is a protocol error", async () => {
  const d = new HeaderDecompressor();
  await assert.rejects(d.decompress(Buffer.from("definitely not zlib")), SpdyProtocolError);
  const c = new HeaderCompressor();
  const small = new HeaderDecompressor(1024);
  await assert.rejects(small.decompress(await c.compress(new Map([["x", "y".repeat(5000)]]))), /inflates past 1024/);
  c.close();
  d.close();
  small.close();
});
