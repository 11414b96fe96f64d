import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { PkiError, ensurePki, pkiDirectory } from "./pki.js";

const dataDirs: string[] = [];
after(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "peapod-pki-"));
  dataDirs.push(dir);
  return dir;
}

const FILES = ["admin.crt", "admin.key", "apiserver.crt", "apiserver.key", "ca.crt", "ca.key", "kubelet-client.crt", "kubelet-client.key"];
const DAY_MS = 24 * 60 * 60 * 1000;

describe("ensurePki", () => {
  test("first start creates a CA, a serving and an admin certificate, readable by the owner only", async () => {
    const dataDir = await freshDataDir();
    const pki = await ensurePki(dataDir, { hosts: ["10.1.2.3", "node-a"] });

    assert.deepEqual(pki.issued.map((i) => i.name), ["ca", "apiserver", "admin", "kubelet-client"]);
    assert.equal(pki.directory, pkiDirectory(dataDir));
    assert.deepEqual((await readdir(pki.directory)).sort(), FILES);
    assert.equal((await stat(pki.directory)).mode & 0o777, 0o700);
    for (const file of FILES) assert.equal((await stat(join(pki.directory, file))).mode & 0o777, 0o600, file);
    assert.equal(await readFile(join(pki.directory, "ca.crt"), "utf8"), pki.ca.certPem);
    assert.equal(await readFile(join(pki.directory, "admin.key"), "utf8"), pki.admin.keyPem);
    assert.match(pki.admin.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);

    const ca = new X509Certificate(pki.ca.certPem);
    assert.equal(ca.subject, "CN=peapod-ca");
    assert.equal(ca.ca, true);
    assert.equal(ca.publicKey.asymmetricKeyType, "ec");
    const caYears = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * DAY_MS);
    assert.ok(caYears > 9.9 && caYears < 10.1, `CA valid for ${caYears} years`);

    const serving = new X509Certificate(pki.apiserver.certPem);
    assert.equal(serving.ca, false);
    assert.ok(serving.verify(ca.publicKey));
    assert.deepEqual(serving.toLegacyObject().ext_key_usage, ["1.3.6.1.5.5.7.3.1"]);
    for (const host of ["127.0.0.1", "::1", "10.1.2.3"]) assert.equal(serving.checkIP(host), host, host);
    for (const host of ["localhost", "node-a"]) assert.equal(serving.checkHost(host), host, host);
    assert.equal(serving.checkIP("10.1.2.4"), undefined);

    const admin = new X509Certificate(pki.admin.certPem);
    assert.ok(admin.verify(ca.publicKey));
    assert.deepEqual({ ...admin.toLegacyObject().subject }, { O: "system:masters", CN: "admin" });
    assert.deepEqual(admin.toLegacyObject().ext_key_usage, ["1.3.6.1.5.5.7.3.2"]);
    // The API server's identity towards node agents, as kubeadm's apiserver-kubelet-client.
    const kubeletClient = new X509Certificate(pki.kubeletClient.certPem);
    assert.ok(kubeletClient.verify(ca.publicKey));
    assert.deepEqual({ ...kubeletClient.toLegacyObject().subject }, { O: "system:masters", CN: "kube-apiserver-kubelet-client" });
    assert.deepEqual(kubeletClient.toLegacyObject().ext_key_usage, ["1.3.6.1.5.5.7.3.2"]);
  });

  test("a later start loads the same CA and certificates without issuing anything", async (t) => {
    const dataDir = await freshDataDir();
    const first = await ensurePki(dataDir, { hosts: ["node-a"] });
    const started = performance.now();
    const again = await ensurePki(dataDir, { hosts: ["node-a"] });
    t.diagnostic(`later start: ${(performance.now() - started).toFixed(1)} ms`);
    assert.deepEqual(again.issued, []);
    assert.deepEqual(again.ca, first.ca);
    assert.deepEqual(again.apiserver, first.apiserver);
    assert.deepEqual(again.admin, first.admin);
  });

  test("a new bind address reissues the serving certificate and keeps the CA and admin certificate", async () => {
    const dataDir = await freshDataDir();
    const first = await ensurePki(dataDir, { hosts: ["192.168.1.10", "node-a"] });
    const moved = await ensurePki(dataDir, { hosts: ["192.168.1.11", "node-a"] });
    assert.deepEqual(moved.issued, [{ name: "apiserver", reason: "hosts changed" }]);
    assert.equal(moved.ca.certPem, first.ca.certPem);
    assert.equal(moved.admin.certPem, first.admin.certPem);
    const serving = new X509Certificate(moved.apiserver.certPem);
    assert.equal(serving.checkIP("192.168.1.11"), "192.168.1.11");
    assert.equal(serving.checkIP("192.168.1.10"), undefined);
    assert.ok(serving.verify(new X509Certificate(first.ca.certPem).publicKey));
  });

  test("the same hosts written differently do not reissue the serving certificate", async () => {
    const dataDir = await freshDataDir();
    await ensurePki(dataDir, { hosts: ["fd00::1", "Node-A", "0.0.0.0"] });
    const again = await ensurePki(dataDir, { hosts: ["node-a", "fd00:0:0:0:0:0:0:1", "localhost", "::"] });
    assert.deepEqual(again.issued, []);
  });

  test("leaf certificates close to expiry are renewed on start, the CA is kept", async () => {
    const dataDir = await freshDataDir();
    const first = await ensurePki(dataDir, { hosts: [] });
    const later = await ensurePki(dataDir, { hosts: [], now: new Date(Date.now() + 300 * DAY_MS) });
    assert.deepEqual(later.issued, [
      { name: "apiserver", reason: "expires soon" },
      { name: "admin", reason: "expires soon" },
      { name: "kubelet-client", reason: "expires soon" },
    ]);
    assert.equal(later.ca.certPem, first.ca.certPem);
  });

  test("a key left without its certificate by a crash is replaced, never trusted", async () => {
    const dataDir = await freshDataDir();
    const directory = pkiDirectory(dataDir);
    const other = await ensurePki(await freshDataDir(), { hosts: [] });
    const first = await ensurePki(dataDir, { hosts: [] });

    // Crash after the new serving key was renamed into place, before its certificate.
    await writeFile(join(directory, "apiserver.key"), other.apiserver.keyPem, { mode: 0o600 });
    // Crash during the very first start, after ca.key and before ca.crt: a CA never finished.
    const fresh = await freshDataDir();
    await ensurePki(fresh, { hosts: [] });
    await unlink(join(pkiDirectory(fresh), "ca.crt"));

    const repaired = await ensurePki(dataDir, { hosts: [] });
    assert.deepEqual(repaired.issued, [{ name: "apiserver", reason: "certificate does not match its key" }]);
    assert.equal(repaired.ca.certPem, first.ca.certPem);

    const restarted = await ensurePki(fresh, { hosts: [] });
    assert.deepEqual(restarted.issued.map((i) => `${i.name}: ${i.reason}`), [
      "ca: missing",
      "apiserver: not issued by the current CA",
      "admin: not issued by the current CA",
      "kubelet-client: not issued by the current CA",
    ]);
  });

  test("certificates from another CA are reissued by ours", async () => {
    const dataDir = await freshDataDir();
    const ours = await ensurePki(dataDir, { hosts: [] });
    const theirs = await ensurePki(await freshDataDir(), { hosts: [] });
    await writeFile(join(ours.directory, "admin.key"), theirs.admin.keyPem);
    await writeFile(join(ours.directory, "admin.crt"), theirs.admin.certPem);
    const again = await ensurePki(dataDir, { hosts: [] });
    assert.deepEqual(again.issued, [{ name: "admin", reason: "not issued by the current CA" }]);
    assert.ok(new X509Certificate(again.admin.certPem).verify(new X509Certificate(ours.ca.certPem).publicKey));
  });

  test("an existing CA whose key is missing or wrong is an error, and nothing is replaced", async () => {
    const dataDir = await freshDataDir();
    const first = await ensurePki(dataDir, { hosts: [] });
    const keyPath = join(first.directory, "ca.key");

    await writeFile(keyPath, first.admin.keyPem);
    await assert.rejects(ensurePki(dataDir, { hosts: [] }), (error: unknown) => {
      assert.ok(error instanceof PkiError);
      assert.match(error.message, /ca\.key is not the key of .*ca\.crt; remove .* to create a new cluster CA/);
      return true;
    });
    await unlink(keyPath);
    await assert.rejects(ensurePki(dataDir, { hosts: [] }), /ca\.crt exists but its key .*ca\.key is missing/);
    assert.equal(await readFile(join(first.directory, "ca.crt"), "utf8"), first.ca.certPem);
    assert.equal(await readFile(join(first.directory, "apiserver.crt"), "utf8"), first.apiserver.certPem);
  });

  test("a host that is neither an IP address nor a DNS name is refused", async () => {
    await assert.rejects(ensurePki(await freshDataDir(), { hosts: ["bad host"] }), /invalid host "bad host"/);
  });
});
