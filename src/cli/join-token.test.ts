import assert from "node:assert/strict";
import { test } from "node:test";
import { caHash, formatJoinToken, parseJoinToken, type JoinToken } from "./join-token.js";

const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const hash = caHash(pem);

test("caHash is the hex SHA-256 of the PEM bytes, as k3s hashes a self-signed CA", () => {
  assert.equal(caHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

const parses: { name: string; text: string; want: JoinToken }[] = [
  { name: "the secure format", text: `K10${hash}::node:s3cret`, want: { caHash: hash, secret: "s3cret" } },
  { name: "a trailing newline (a token file) is ignored", text: `K10${hash}::node:s3cret\n`, want: { caHash: hash, secret: "s3cret" } },
  { name: "a secret with colons keeps them", text: `K10${hash}::node:a:b`, want: { caHash: hash, secret: "a:b" } },
  { name: "a bare secret has no hash", text: "0123abcd", want: { secret: "0123abcd" } },
];
for (const c of parses) test(`parse: ${c.name}`, () => assert.deepEqual(parseJoinToken(c.text), c.want));

const refused: { name: string; text: string; error: RegExp }[] = [
  { name: "empty", text: "  \n", error: /empty/ },
  { name: "white space inside", text: "abc def", error: /white space/ },
  { name: "a short hash", text: "K10abcd::node:s", error: /is not K10<sha256 of the CA>::node:<secret>/ },
  { name: "no credentials", text: `K10${hash}::`, error: /is not K10/ },
  { name: "another user", text: `K10${hash}::server:s`, error: /for "server", not a node/ },
];
for (const c of refused) test(`parse refuses ${c.name}`, () => assert.throws(() => parseJoinToken(c.text), c.error));

test("format then parse gives the hash and the secret back", () => {
  assert.deepEqual(parseJoinToken(formatJoinToken(pem, "s3cret")), { caHash: hash, secret: "s3cret" });
  assert.match(formatJoinToken(pem, "s3cret"), /^K10[0-9a-f]{64}::node:s3cret$/);
});
