/** The SPDY/3 dictionary table is byte-exact: its adler32 is the DICTID peers put in zlib headers. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { spdy3DictionaryId, spdy3HeaderDictionary } from "./dictionary.js";

/** RFC 1950 §8.2 (Adler-32), written out so the check does not trust zlib's own use of it. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

test("the SPDY/3 dictionary is the draft's 1423 bytes: adler32 0xE3C6A7C2", () => {
  assert.equal(spdy3HeaderDictionary.length, 1423);
  assert.equal(adler32(spdy3HeaderDictionary), 0xe3c6a7c2);
  assert.equal(spdy3DictionaryId, 0xe3c6a7c2);
});

test("the dictionary starts with the length-prefixed names and ends with the raw tail", () => {
  assert.equal(spdy3HeaderDictionary.subarray(0, 11).toString("latin1"), "\0\0\0\x07options");
  assert.equal(spdy3HeaderDictionary.subarray(-15).toString("latin1"), "1,utf-,*,enq=0.");
});
