import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { BlobVerificationError, ContentStore } from "./content-store.js";
import { sha256Digest } from "./manifest.js";

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "peapod-content-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function visible(root: string): { blobs: string[]; ingest: string[] } {
  return { blobs: readdirSync(join(root, "blobs", "sha256")), ingest: readdirSync(join(root, "ingest")) };
}

describe("content store", () => {
  test("open lays out an OCI image layout", async (t) => {
    const root = tempRoot(t);
    await ContentStore.open(root);
    assert.deepEqual(JSON.parse(readFileSync(join(root, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
    assert.ok(existsSync(join(root, "blobs", "sha256")));
  });

  test("stores a verified blob under its digest", async (t) => {
    const root = tempRoot(t);
    const store = await ContentStore.open(root);
    const data = Buffer.from("hello blob");
    const digest = sha256Digest(data);
    const info = await store.write(Readable.from([data.subarray(0, 3), data.subarray(3)]), { digest, size: data.length });
    assert.deepEqual(info, { digest, size: data.length });
    assert.deepEqual(await store.read(digest), data);
    assert.equal(await store.size(digest), data.length);
    assert.deepEqual(visible(root), { blobs: [digest.slice(7)], ingest: [] });
    assert.deepEqual(await store.list(), [{ digest, size: data.length }]);
    assert.equal(await store.delete(digest), data.length);
    assert.equal(await store.has(digest), false);
  });

  test("computes the digest when none is expected", async (t) => {
    const store = await ContentStore.open(tempRoot(t));
    const data = Buffer.from("imported");
    assert.deepEqual(await store.write(data), { digest: sha256Digest(data), size: data.length });
  });

  test("a wrong digest stores nothing", async (t) => {
    const root = tempRoot(t);
    const store = await ContentStore.open(root);
    const claimed = sha256Digest(Buffer.from("what the manifest says"));
    await assert.rejects(store.write(Buffer.from("what the registry sent"), { digest: claimed }), (e: unknown) => {
      assert.ok(e instanceof BlobVerificationError);
      assert.match(e.message, /digest mismatch/);
      return true;
    });
    assert.equal(await store.has(claimed), false);
    assert.deepEqual(visible(root), { blobs: [], ingest: [] });
  });

  test("a wrong size stores nothing, whether too long or too short", async (t) => {
    const root = tempRoot(t);
    const store = await ContentStore.open(root);
    const data = Buffer.from("0123456789");
    const digest = sha256Digest(data);
    await assert.rejects(store.write(data, { digest, size: 5 }), /size mismatch: more than the expected 5 bytes/);
    await assert.rejects(store.write(data, { digest, size: 11 }), /size mismatch: got 10 bytes, expected 11/);
    assert.deepEqual(visible(root), { blobs: [], ingest: [] });
  });

  test("an invalid digest is refused before anything is written", async (t) => {
    const root = tempRoot(t);
    const store = await ContentStore.open(root);
    await assert.rejects(store.write(Buffer.from("x"), { digest: "sha256:../../etc" }), BlobVerificationError);
    assert.throws(() => store.blobPath("sha256:../x"), BlobVerificationError);
    assert.deepEqual(visible(root), { blobs: [], ingest: [] });
  });

  test("an interrupted write leaves nothing trusted", async (t) => {
    const root = tempRoot(t);
    const store = await ContentStore.open(root);
    const data = Buffer.alloc(256 * 1024, 7);
    const digest = sha256Digest(data);
    // The source dies half-way, as a dropped connection does.
    async function* dying() {
      yield data.subarray(0, 100 * 1024);
      throw new Error("connection reset");
    }
    await assert.rejects(store.write(dying(), { digest, size: data.length }), /connection reset/);
    assert.deepEqual(visible(root), { blobs: [], ingest: [] });

    // An abort half-way.
    const controller = new AbortController();
    async function* slow() {
      yield data.subarray(0, 1024);
      controller.abort();
      yield data.subarray(1024);
    }
    await assert.rejects(store.write(slow(), { digest, size: data.length, signal: controller.signal }), { name: "AbortError" });
    assert.deepEqual(visible(root), { blobs: [], ingest: [] });
  });

  test("ingest files left by a crashed process are discarded at open", async (t) => {
    const root = tempRoot(t);
    await ContentStore.open(root);
    // A crash leaves a partial file; pid 2^22+1 exceeds pid_max, so no live process owns it.
    const partial = join(root, "ingest", "4194305-deadbeef");
    writeFileSync(partial, "half a layer");
    const ours = join(root, "ingest", `${process.pid}-cafe`);
    writeFileSync(ours, "an earlier store of this process");
    const store = await ContentStore.open(root);
    assert.deepEqual(visible(root).ingest, []);
    assert.deepEqual(await store.list(), []);
  });

  test("concurrent writes of one blob both succeed and store it once", async (t) => {
    const root = tempRoot(t);
    const store = await ContentStore.open(root);
    const data = Buffer.alloc(64 * 1024, 1);
    const digest = sha256Digest(data);
    await Promise.all([store.write(data, { digest }), store.write(data, { digest })]);
    assert.deepEqual(visible(root), { blobs: [digest.slice(7)], ingest: [] });
  });
});
