/** fetchClusterCA against a real HTTPS server with a Peapod PKI: the CA is taken only when its hash matches. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { ensurePki, servingTlsOptions } from "../apiserver/index.js";
import { ClusterCAMismatchError, fetchClusterCA } from "./cluster-ca.js";
import { caHash } from "./join-token.js";

async function serveCA(t: TestContext): Promise<{ url: string; caPem: string }> {
  const dir = mkdtempSync(join(tmpdir(), "peapod-cluster-ca-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pki = await ensurePki(dir, { hosts: ["127.0.0.1"] });
  const server = createServer(servingTlsOptions(pki.apiserver, pki.ca.certPem), (req, res) => {
    if (req.url === "/cacerts") res.end(pki.ca.certPem);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: pki.ca.certPem };
}

test("the CA whose hash the token names is fetched over an unverified connection", async (t) => {
  const { url, caPem } = await serveCA(t);
  assert.equal(await fetchClusterCA(url, caHash(caPem)), caPem);
});

test("a CA with another hash is refused, naming both hashes", async (t) => {
  const { url, caPem } = await serveCA(t);
  const wrong = "0".repeat(64);
  await assert.rejects(fetchClusterCA(url, wrong), (e: unknown) => {
    assert.ok(e instanceof ClusterCAMismatchError);
    assert.equal(e.message, `the CA of ${url} (sha256 ${caHash(caPem)}) does not match the hash in the token (${wrong}); refusing to join`);
    return true;
  });
});

test("a server that does not answer is a clear error", async () => {
  await assert.rejects(fetchClusterCA("https://127.0.0.1:1", "0".repeat(64)), /cannot reach https:\/\/127.0.0.1:1/);
});
